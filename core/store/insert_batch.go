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
// Batching is natural: the first caller sends its document at once; the
// callers that arrive while it is on its way are sent together as the next
// batch, by the first of them. A lone caller waits for nobody.
type insertBatcher struct {
	mu     sync.Mutex
	queues map[string]*insertQueue
}

type insertQueue struct {
	mu      sync.Mutex
	pending []*insertRequest
	sending bool
}

type insertRequest struct {
	doc  any
	done chan error
	// lead is closed when this caller is to send the next batch.
	lead chan struct{}
}

func (b *insertBatcher) queue(coll string) *insertQueue {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.queues == nil {
		b.queues = map[string]*insertQueue{}
	}
	q, ok := b.queues[coll]
	if !ok {
		q = &insertQueue{}
		b.queues[coll] = q
	}
	return q
}

// insert stores doc in coll as part of a batch and returns its own result:
// nil, an error wrapping ErrDuplicate, or another error.
func (s *Store) insert(ctx context.Context, coll string, doc any) error {
	q := s.inserts.queue(coll)
	req := &insertRequest{doc: doc, done: make(chan error, 1), lead: make(chan struct{})}
	q.mu.Lock()
	q.pending = append(q.pending, req)
	if q.sending {
		q.mu.Unlock()
		select {
		case err := <-req.done: // a sender carried it; its result is final
			return err
		case <-req.lead:
		}
	} else {
		q.sending = true
		q.mu.Unlock()
	}

	// This caller sends the next batch, which starts with its own document,
	// and hands the sending on to the first caller still waiting.
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), batchTimeout)
	defer cancel()
	q.mu.Lock()
	n := min(len(q.pending), maxInsertBatch)
	batch := q.pending[:n:n]
	q.pending = q.pending[n:]
	q.mu.Unlock()
	s.sendBatch(sendCtx, coll, batch)
	q.mu.Lock()
	if len(q.pending) > 0 {
		close(q.pending[0].lead)
	} else {
		q.sending = false
	}
	q.mu.Unlock()
	return <-req.done
}

// sendBatch inserts the batch's documents and tells each caller its result.
func (s *Store) sendBatch(ctx context.Context, coll string, batch []*insertRequest) {
	docs := make([]any, len(batch))
	for i, r := range batch {
		docs[i] = r.doc
	}
	results := s.insertMany(ctx, coll, docs)
	for i, r := range batch {
		r.done <- results[i]
	}
}

// insertMany inserts docs in one unordered InsertMany and returns each
// document's own result: nil, an error wrapping ErrDuplicate, or another
// error.
func (s *Store) insertMany(ctx context.Context, coll string, docs []any) []error {
	results := make([]error, len(docs))
	if len(docs) == 0 {
		return results
	}
	_, err := s.db.Collection(coll).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
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
