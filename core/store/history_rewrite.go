package store

import (
	"context"
	"fmt"

	"vorgang/core/ticket"
)

// RewriteHistory replaces committed history entries of the ticket number
// in place. Only the engine's anonymisation (values removed, their salted
// digests kept) and the sealing of unsealed history use it: both leave
// every hash of the chain verifiable, which `vorgang audit verify`
// checks. Entries are written one by one; each is whole in itself.
func (s *Store) RewriteHistory(ctx context.Context, number string, entries []ticket.HistoryEntry) error {
	if s.localLocks {
		defer s.locks.Lock(TicketsCollection, number)()
	}
	if err := checkRewrite(number, entries); err != nil {
		return err
	}
	return s.rewriteHistoryUnlocked(ctx, number, entries)
}

// checkRewrite refuses entries that are not the ticket number's.
func checkRewrite(number string, entries []ticket.HistoryEntry) error {
	for i := range entries {
		e := &entries[i]
		if e.Ticket != number || e.ID != HistoryID(number, e.Seq) {
			return fmt.Errorf("store: rewrite history of %s: entry %s is not one of its entries", number, e.ID)
		}
	}
	return nil
}

// rewriteHistoryUnlocked replaces entries one by one; the caller holds the
// ticket's lock (or has claimed its next entry).
func (s *Store) rewriteHistoryUnlocked(ctx context.Context, number string, entries []ticket.HistoryEntry) error {
	coll := s.db.Collection(HistoryCollection)
	for i := range entries {
		e := &entries[i]
		res, err := coll.ReplaceOne(ctx, byID(e.ID), e)
		if err != nil {
			return fmt.Errorf("store: rewrite history entry %s: %w", e.ID, s.classify(ctx, writeError(err)))
		}
		if res.MatchedCount == 0 {
			return fmt.Errorf("store: rewrite history entry %s: %w", e.ID, ErrNotFound)
		}
	}
	return nil
}
