package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
)

// batchReplacers is how many ticket replacements of a batch are on their
// way at once: the embedded database writes one at a time, but FerretDB
// finds the next document while the last one is synced.
const batchReplacers = 4

// UpdateTickets stores a batch of changed tickets, each exactly as
// UpdateTicket stores one, and returns one result per change, in order
// (nil, an error wrapping ErrConflict when the ticket changed since it
// was read, or another error). It costs fewer writes: the history entries
// of the whole batch are inserted at once, and each ticket is replaced
// without reading its version first. On the embedded store the tickets are
// replaced in one transaction (ticket_write_sql.go), so a batch of n costs
// two syncs instead of 2n; on MongoDB each ticket is replaced on its own.
// The history entries a change rewrites (TicketChange.Rewrite) go with its
// ticket: in the same transaction on the embedded store.
//
// The insert of entry Version+1 is still each change's claim: it fails
// when another writer has claimed or committed that version, so a change
// is stored only over the version it was read at. A crash after the insert
// leaves entries beyond their tickets' versions, which no reader sees and
// the next writer of the ticket clears (as after a crash in UpdateTicket).
func (s *Store) UpdateTickets(ctx context.Context, changes []TicketChange) []error {
	errs := make([]error, len(changes))
	if s.localLocks {
		numbers := make([]string, len(changes))
		for i, c := range changes {
			numbers[i] = c.Ticket.Number
		}
		defer s.locks.LockAll(TicketsCollection, numbers)()
	}
	seen := map[string]bool{}
	docs := make([]any, len(changes))
	for i, c := range changes {
		if seen[c.Ticket.Number] {
			errs[i] = fmt.Errorf("store: update ticket %s: %w: changed twice in one batch", c.Ticket.Number, ErrConflict)
		}
		seen[c.Ticket.Number] = true
		if errs[i] == nil {
			errs[i] = checkRewrite(c.Ticket.Number, c.Rewrite)
		}
		c.Entry.Seq = c.Ticket.Version + 1
		c.Entry.Ticket = c.Ticket.Number
		c.Entry.ID = HistoryID(c.Ticket.Number, c.Entry.Seq)
		if c.Entry.At.IsZero() {
			c.Entry.At = time.Now().UTC()
		}
		docs[i] = c.Entry
	}
	var claimed []any
	var claimedAt []int
	for i, d := range docs {
		if errs[i] == nil {
			claimed, claimedAt = append(claimed, d), append(claimedAt, i)
		}
	}
	for j, err := range s.insertMany(ctx, HistoryCollection, claimed) {
		i := claimedAt[j]
		c := changes[i]
		if errors.Is(err, ErrDuplicate) {
			// Taken: by another writer (a conflict) or by a crash (cleared
			// and claimed again), as UpdateTicket decides.
			err = s.claimHistory(ctx, c.Ticket.Number, c.Ticket.Version, c.Entry)
		}
		if err != nil {
			errs[i] = fmt.Errorf("store: update ticket %s: %w", c.Ticket.Number, s.classify(ctx, err))
		}
	}

	if s.writer != nil {
		// The embedded store: one transaction (ticket_write_sql.go).
		var pending []TicketChange
		var at []int
		for i, c := range changes {
			if errs[i] == nil {
				pending, at = append(pending, c), append(at, i)
			}
		}
		for j, err := range s.replaceTicketsSQL(ctx, pending) {
			errs[at[j]] = err
		}
	} else {
		sem := make(chan struct{}, batchReplacers)
		var wg sync.WaitGroup
		for i, c := range changes {
			if errs[i] != nil {
				continue
			}
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				// After the claim and before the ticket: a crash in
				// between leaves rewritten entries, which the entry's
				// writer completes (as RewriteHistory before a change).
				if errs[i] = s.rewriteHistoryUnlocked(ctx, c.Ticket.Number, c.Rewrite); errs[i] == nil {
					errs[i] = s.replaceClaimed(ctx, c)
				}
			})
		}
		wg.Wait()
	}
	for _, err := range errs {
		if err == nil {
			s.noteWritten(ctx)
			break
		}
	}
	for i, c := range changes {
		if errs[i] == nil {
			s.ticketChanged(c.Ticket, c.Entry)
		}
	}
	return errs
}

// replaceClaimed replaces a ticket whose next history entry is claimed.
func (s *Store) replaceClaimed(ctx context.Context, c TicketChange) error {
	t := c.Ticket
	expect := t.Version
	t.Version = expect + 1
	filter := bson.D{{Key: "_id", Value: t.Number}}
	if !s.localLocks {
		filter = append(filter, bson.E{Key: VersionField, Value: expect})
	}
	var before *countedHead
	if c.Was != nil {
		h := headOf(c.Was)
		before = &h
	}
	done := s.counts.write()
	res, err := s.db.Collection(TicketsCollection).ReplaceOne(ctx, filter, t)
	after := headOf(t)
	done(before, &after, err == nil && res.MatchedCount == 1 && before != nil)
	if err != nil {
		t.Version = expect
		return fmt.Errorf("store: update ticket %s: %w", t.Number, s.classify(ctx, writeError(err)))
	}
	if res.MatchedCount == 0 {
		t.Version = expect
		return fmt.Errorf("store: update ticket %s: %w: it changed meanwhile", t.Number, ErrConflict)
	}
	return nil
}
