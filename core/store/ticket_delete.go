package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang/core/ticket"
)

// TombstonesCollection holds what stays of each ticket deleted as a whole
// (Tombstone), under the ticket's number.
const TombstonesCollection = "tombstones"

// Tombstone is the evidence a deleted ticket leaves: which ticket, why,
// when, and the head of its history chain as it verified just before the
// deletion. It names no person. Audit accepts a missing chain that has
// one; a chain that is missing without one is a problem.
type Tombstone struct {
	Number  string `bson:"_id"`
	Process string `bson:"process"`
	// Rule is the retention rule that deleted the ticket.
	Rule string    `bson:"rule"`
	At   time.Time `bson:"at"`
	// Entries is how many history entries the ticket had; Head is the
	// hash of the last (Ticket.HistoryHash).
	Entries int64  `bson:"entries"`
	Head    string `bson:"head"`
	// Files are the ids of the ticket's attachments: written before any
	// of them is deleted, so a deletion cut off is completed with them.
	Files []string `bson:"files,omitempty"`
}

// Tombstone reads the tombstone of ticket number; an error wrapping
// ErrNotFound when it was never deleted.
func (s *Store) Tombstone(ctx context.Context, number string) (*Tombstone, error) {
	var tb Tombstone
	if err := s.Get(ctx, TombstonesCollection, number, &tb); err != nil {
		return nil, err
	}
	return &tb, nil
}

// DeleteTicket deletes ticket tb.Number as a whole and leaves tb as its
// tombstone. tb.Entries must be the ticket's version as the caller read
// it (its history verified): a ticket changed since gets an error wrapping
// ErrConflict and nothing is deleted.
//
// The tombstone is written first, then the attachments, then the history
// entries and the ticket (on the embedded store in one transaction): a
// crash in between leaves the ticket with its tombstone, and the next call
// (which finds the tombstone and uses its version and files) completes the
// deletion; tb.Files must then hold the files of that tombstone (the
// caller reads it first), or the call is a conflict. The ticket's lock is
// held for this one ticket only. Watchers hear of the deletion
// (TicketChange.Deleted).
func (s *Store) DeleteTicket(ctx context.Context, tb Tombstone) error {
	return s.DeleteTickets(ctx, []Tombstone{tb})[0]
}

// deleteTicketAlone is DeleteTicket on MongoDB: each ticket on its own.
func (s *Store) deleteTicketAlone(ctx context.Context, tb Tombstone) error {
	defer s.lockDeletion([]Tombstone{tb})()
	cur, before, err := s.ticketHead(ctx, tb.Number)
	if errors.Is(err, ErrNotFound) {
		return nil // deleted before
	}
	if err != nil {
		return fmt.Errorf("store: delete ticket %s: %w", tb.Number, err)
	}
	if cur != tb.Entries {
		return fmt.Errorf("store: delete ticket %s: %w: it changed (version %d, deleting %d)", tb.Number, ErrConflict, cur, tb.Entries)
	}
	if err := s.Insert(ctx, TombstonesCollection, &tb); errors.Is(err, ErrDuplicate) {
		if tb, err = s.begunDeletion(ctx, tb, cur); err != nil {
			return err
		}
	} else if err != nil {
		return fmt.Errorf("store: delete ticket %s: tombstone: %w", tb.Number, err)
	}
	if err := s.deleteFilesOf(ctx, tb); err != nil {
		return err
	}
	done := s.counts.write()
	deleted, err := s.deleteHistoryAndTicket(ctx, tb)
	done(&before, nil, err == nil && deleted)
	if err != nil {
		return fmt.Errorf("store: delete ticket %s: %w", tb.Number, err)
	}
	s.noteWritten(ctx)
	s.tellDeleted([]Tombstone{tb})
	return nil
}

// lockDeletion takes the locks of the tickets of tbs and of their files
// together (a caller holding a stripe may not wait for another) and
// returns the function that releases them; a no-op where the database
// compares and sets itself.
func (s *Store) lockDeletion(tbs []Tombstone) (unlock func()) {
	if !s.localLocks {
		return func() {}
	}
	var numbers, files []string
	for _, tb := range tbs {
		numbers = append(numbers, tb.Number)
		files = append(files, tb.Files...)
	}
	return s.locks.LockSets(KeySet{NS: TicketsCollection, Keys: numbers}, KeySet{NS: AttachmentsCollection, Keys: files})
}

// begunDeletion is the tombstone a cut-off deletion of tb.Number left, to
// complete that deletion as it was begun; cur is the ticket's version now.
// A ticket changed since, or a tombstone naming files tb does not (whose
// locks are not held), is a conflict.
func (s *Store) begunDeletion(ctx context.Context, tb Tombstone, cur int64) (Tombstone, error) {
	prev, err := s.Tombstone(ctx, tb.Number)
	if err != nil {
		return tb, fmt.Errorf("store: delete ticket %s: %w", tb.Number, err)
	}
	if prev.Entries != cur {
		return tb, fmt.Errorf("store: delete ticket %s: %w: changed after its deletion began (version %d, deleting %d)", tb.Number, ErrConflict, cur, prev.Entries)
	}
	for _, f := range prev.Files {
		if !slices.Contains(tb.Files, f) {
			return tb, fmt.Errorf("store: delete ticket %s: %w: its tombstone names file %s, which the deletion does not", tb.Number, ErrConflict, f)
		}
	}
	return *prev, nil
}

// deleteFilesOf deletes the attachments of tb, whose locks the caller holds.
func (s *Store) deleteFilesOf(ctx context.Context, tb Tombstone) error {
	for _, id := range tb.Files {
		if _, err := s.deleteTicketAttachment(ctx, id, tb.Number); err != nil {
			return fmt.Errorf("store: delete ticket %s: %w", tb.Number, err)
		}
	}
	return nil
}

// tellDeleted tells the watchers of each deleted ticket of tbs.
func (s *Store) tellDeleted(tbs []Tombstone) {
	s.watchers.mu.RLock()
	defer s.watchers.mu.RUnlock()
	for _, tb := range tbs {
		gone := &ticket.Ticket{Number: tb.Number, Process: tb.Process, Version: tb.Entries, Updated: tb.At}
		for _, fn := range s.watchers.fns {
			fn(TicketChange{Ticket: gone, Deleted: true})
		}
	}
}

// deleteHistoryAndTicket deletes the history entries of tb and then the
// record on MongoDB: the last entry first, so that one cut off leaves a shorter chain
// whose record still says how long it was, and the record fenced by its
// version. It reports whether the record was deleted.
func (s *Store) deleteHistoryAndTicket(ctx context.Context, tb Tombstone) (bool, error) {
	for seq := tb.Entries; seq >= 1; seq-- {
		if err := s.Delete(ctx, HistoryCollection, HistoryID(tb.Number, seq)); err != nil {
			return false, err
		}
	}
	filter := bson.D{{Key: "_id", Value: tb.Number}, {Key: VersionField, Value: tb.Entries}}
	res, err := s.db.Collection(TicketsCollection).DeleteOne(ctx, filter)
	if err != nil {
		return false, s.classify(ctx, err)
	}
	return res.DeletedCount == 1, nil
}
