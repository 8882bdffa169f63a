package store

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"vorgang/core/ticket"
)

// DeleteTickets deletes a batch of tickets as a whole, each exactly as
// DeleteTicket deletes one, and returns one result per tombstone, in order
// (nil, an error wrapping ErrConflict when the ticket changed since it was
// read, or another error). On the embedded store it costs two syncs for
// the batch instead of two per ticket: the tombstones are inserted at
// once, then each ticket's attachments are deleted, then every history
// entry and record of the batch in one SQLite transaction. Each ticket is
// still fenced by its version, and a tombstone is stored before anything
// of its ticket is deleted. The locks of the batch's tickets and files are
// held for this one write, never while their caller reads or verifies.
// On MongoDB each ticket is deleted on its own.
func (s *Store) DeleteTickets(ctx context.Context, tbs []Tombstone) []error {
	errs := make([]error, len(tbs))
	seen := map[string]bool{}
	var numbers []string
	for i, tb := range tbs {
		if seen[tb.Number] {
			errs[i] = fmt.Errorf("store: delete ticket %s: %w: twice in one batch", tb.Number, ErrConflict)
		}
		seen[tb.Number] = true
		numbers = append(numbers, tb.Number)
	}
	if s.writer == nil {
		for i, tb := range tbs {
			if errs[i] == nil {
				errs[i] = s.deleteTicketAlone(ctx, tb)
			}
		}
		return errs
	}
	defer s.lockDeletion(tbs)()
	tbs = append([]Tombstone(nil), tbs...) // a cut-off deletion's tombstone replaces the caller's
	read, err := s.TicketsByNumber(ctx, slices.Compact(slices.Sorted(slices.Values(numbers))))
	if err != nil {
		return failAll(errs, fmt.Errorf("store: delete tickets: %w", err))
	}
	byNumber := make(map[string]*ticket.Ticket, len(read))
	for _, t := range read {
		if t != nil {
			byNumber[t.Number] = t
		}
	}
	cur := make([]*ticket.Ticket, len(tbs))
	for i, tb := range tbs {
		cur[i] = byNumber[tb.Number]
	}
	var docs []any
	var live []int
	for i, tb := range tbs {
		switch {
		case errs[i] != nil:
		case cur[i] == nil:
			// deleted before
		case cur[i].Version != tb.Entries:
			errs[i] = fmt.Errorf("store: delete ticket %s: %w: it changed (version %d, deleting %d)", tb.Number, ErrConflict, cur[i].Version, tb.Entries)
		default:
			docs, live = append(docs, &tbs[i]), append(live, i)
		}
	}
	for j, err := range s.insertMany(ctx, TombstonesCollection, docs) {
		i := live[j]
		if errors.Is(err, ErrDuplicate) {
			tbs[i], errs[i] = s.begunDeletion(ctx, tbs[i], cur[i].Version)
		} else if err != nil {
			errs[i] = fmt.Errorf("store: delete ticket %s: tombstone: %w", tbs[i].Number, s.classify(ctx, err))
		}
		if errs[i] == nil {
			errs[i] = s.deleteFilesOf(ctx, tbs[i])
		}
	}
	var pending []Tombstone
	var at []int
	for _, i := range live {
		if errs[i] == nil {
			pending, at = append(pending, tbs[i]), append(at, i)
		}
	}
	if len(pending) == 0 {
		return errs
	}
	done := s.counts.writeMany()
	deleted, err := s.deleteTicketsSQL(ctx, pending)
	var heads [][2]*countedHead
	var gone []Tombstone
	all := err == nil
	for j, ok := range deleted {
		if !ok {
			all = false // gone meanwhile, past the locks: the counts cannot follow
			continue
		}
		before := headOf(cur[at[j]])
		heads = append(heads, [2]*countedHead{&before, nil})
		gone = append(gone, pending[j])
	}
	done(heads, all)
	if err != nil {
		for _, i := range at {
			errs[i] = fmt.Errorf("store: delete ticket %s: %w", tbs[i].Number, err)
		}
		return errs
	}
	s.noteWritten(ctx)
	s.tellDeleted(gone)
	return errs
}

// failAll sets err as the result of each of errs not yet set.
func failAll(errs []error, err error) []error {
	for i := range errs {
		if errs[i] == nil {
			errs[i] = err
		}
	}
	return errs
}
