package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"vorgang/core/ticket"
)

// shapePendingUploads lists the uploads pending since before a time, oldest
// first, through the pending_since index. Attached records have no
// pending_since, so the index's range never reaches them.
const shapePendingUploads = "attachments.pending"

// AttachUpload marks the upload id as taken by the ticket with the number:
// it is no longer pending, and records the ticket. It is idempotent: an
// attachment that is not pending (taken before, perhaps by another ticket,
// or stored before the mark existed) stays as it is. It fails with an
// error wrapping ErrNotFound when there is no such attachment: it was never
// stored, or it was swept.
//
// The mark and DeletePendingUpload decide one document each, atomically:
// of a sweep and an attach of the same upload exactly one wins, so a
// ticket never takes a file the sweep deletes.
func (s *Store) AttachUpload(ctx context.Context, id, ticketNumber string) error {
	c := s.db.Collection(AttachmentsCollection)
	update := bson.D{
		{Key: "$unset", Value: bson.D{{Key: "pending_since", Value: ""}}},
		{Key: "$set", Value: bson.D{{Key: "ticket", Value: ticketNumber}}},
	}
	if s.localLocks {
		// FerretDB answers filters other than _id by a read and a write
		// without a lock (see Update): decide under this process's lock.
		defer s.locks.Lock(AttachmentsCollection, id)()
		a, err := s.Attachment(ctx, id)
		if err != nil {
			return fmt.Errorf("store: attach upload %s: %w", id, err)
		}
		if a.PendingSince == "" {
			return nil
		}
		res, err := c.UpdateOne(ctx, byID(id), update)
		if err != nil {
			return fmt.Errorf("store: attach upload %s: %w", id, s.classify(ctx, err))
		}
		if res.MatchedCount == 0 {
			return fmt.Errorf("store: attach upload %s: %w", id, ErrNotFound)
		}
		s.noteWritten(ctx)
		return nil
	}
	res, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "pending_since", Value: bson.D{{Key: "$exists", Value: true}}}}, update)
	if err != nil {
		return fmt.Errorf("store: attach upload %s: %w", id, s.classify(ctx, err))
	}
	s.noteWritten(ctx)
	if res.MatchedCount == 1 {
		return nil
	}
	if _, err := s.Attachment(ctx, id); err != nil {
		return fmt.Errorf("store: attach upload %s: %w", id, err)
	}
	return nil // attached before
}

// PendingUploads returns the ids of at most limit uploads pending since
// before or earlier, oldest first.
func (s *Store) PendingUploads(ctx context.Context, before time.Time, limit int) ([]string, error) {
	ids, err := s.IDsUpTo(ctx, AttachmentsCollection, shapePendingUploads, ticket.SortTime(before), limit)
	if err != nil {
		return nil, fmt.Errorf("store: pending uploads: %w", err)
	}
	return ids, nil
}

// DeletePendingUpload deletes the upload id with its chunks when it is
// still pending, since before or earlier, and reports whether it did. An
// upload a ticket took meanwhile (AttachUpload) is kept.
//
// The record goes first, in the one write that decides against a
// concurrent AttachUpload; its chunks follow. A crash between leaves
// chunks no record refers to, as a crash mid-upload does, never a record
// without its content.
func (s *Store) DeletePendingUpload(ctx context.Context, id string, before time.Time) (bool, error) {
	cutoff := ticket.SortTime(before)
	var chunks int
	if s.localLocks {
		unlock := s.locks.Lock(AttachmentsCollection, id)
		a, err := s.Attachment(ctx, id)
		if err == nil && (a.PendingSince == "" || a.PendingSince > cutoff) {
			err = errKept
		}
		if err == nil {
			chunks = a.Chunks
			_, err = s.db.Collection(AttachmentsCollection).DeleteOne(ctx, byID(id))
			err = s.classify(ctx, err)
		}
		unlock()
		if errors.Is(err, ErrNotFound) || errors.Is(err, errKept) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("store: delete pending upload %s: %w", id, err)
		}
	} else {
		var a Attachment
		err := s.db.Collection(AttachmentsCollection).FindOneAndDelete(ctx,
			bson.D{{Key: "_id", Value: id}, {Key: "pending_since", Value: bson.D{{Key: "$lte", Value: cutoff}}}},
			options.FindOneAndDelete().SetProjection(bson.D{{Key: "chunks", Value: 1}})).Decode(&a)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("store: delete pending upload %s: %w", id, s.classify(ctx, err))
		}
		chunks = a.Chunks
	}
	s.noteWritten(ctx)
	if err := s.deleteChunks(ctx, id, chunks); err != nil {
		return true, fmt.Errorf("store: delete pending upload %s: %w", id, err)
	}
	return true, nil
}

// errKept: the attachment is not one to delete.
var errKept = errors.New("kept")

// deleteChunks deletes the first n chunks of attachment id, each by _id
// (the one filter FerretDB answers without reading the collection).
func (s *Store) deleteChunks(ctx context.Context, id string, n int) error {
	c := s.db.Collection(AttachmentChunksCollection)
	for i := 0; i < n; i++ {
		if _, err := c.DeleteOne(ctx, byID(chunkID(id, i))); err != nil {
			return fmt.Errorf("delete chunk %d of %s: %w", i, id, s.classify(ctx, err))
		}
	}
	return nil
}
