package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// maxInsertBatch bounds how many inserts one InsertMany carries.
const maxInsertBatch = 64

// batchTimeout bounds a batch's InsertMany. A batch carries the inserts of
// several callers, so it does not end with the context of the one that
// happens to send it.
const batchTimeout = 30 * time.Second

// insertBatcher groups concurrent inserts into one collection into one
// unordered InsertMany. The embedded database has one writer and syncs
// once per write: eight single inserts cost eight syncs, one InsertMany of
// eight costs one (measured on FerretDB/SQLite: ~800 single inserts/s from
// 8 goroutines, ~5,500 documents/s in batches of 8). Unordered, each
// document succeeds or fails on its own, with its own duplicate-key error,
// exactly as a single insert would, so callers see no difference.
//
// Batching is natural (groupQueue): the first caller sends its document
// at once; the callers that arrive while it is on its way are sent
// together as the next batch, by the first of them.
type insertBatcher struct {
	mu     sync.Mutex
	queues map[string]*groupQueue[any]
}

func (b *insertBatcher) queue(coll string) *groupQueue[any] {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.queues == nil {
		b.queues = map[string]*groupQueue[any]{}
	}
	q, ok := b.queues[coll]
	if !ok {
		q = &groupQueue[any]{}
		b.queues[coll] = q
	}
	return q
}

// insert stores doc in coll as part of a batch and returns its own result:
// nil, an error wrapping ErrDuplicate, or another error.
func (s *Store) insert(ctx context.Context, coll string, doc any) error {
	return s.inserts.queue(coll).do(ctx, doc, func(ctx context.Context, docs []any) []error {
		return s.insertMany(ctx, coll, docs)
	})
}

// insertMany inserts docs in one unordered InsertMany and returns each
// document's own result: nil, an error wrapping ErrDuplicate, or another
// error.
func (s *Store) insertMany(ctx context.Context, coll string, docs []any) []error {
	results := make([]error, len(docs))
	if len(docs) == 0 {
		return results
	}
	done := s.foreignWrite()
	_, err := s.db.Collection(coll).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	done()
	var bulk mongo.BulkWriteException
	switch {
	case err == nil:
	case errors.As(err, &bulk) && bulk.WriteConcernError == nil && len(bulk.WriteErrors) > 0:
		for _, we := range bulk.WriteErrors {
			if we.Index < 0 || we.Index >= len(docs) {
				continue
			}
			if mongo.IsDuplicateKeyError(we) {
				results[we.Index] = ErrDuplicate
			} else {
				results[we.Index] = we
			}
		}
	default:
		for i := range results {
			results[i] = err
		}
	}
	for i, err := range results {
		if err != nil && !errors.Is(err, ErrDuplicate) {
			results[i] = fmt.Errorf("insert into %s: %w", coll, err)
		}
	}
	return results
}
