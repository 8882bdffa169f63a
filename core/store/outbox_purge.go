package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"vorgang/core/ticket"
)

// DefaultOutboxKeep is how long done outbox items are kept: long enough to
// see what went out recently, short enough that the outbox does not grow
// with every ticket ever made.
const DefaultOutboxKeep = 7 * 24 * time.Hour

// purgeBatch bounds the items one PurgeOutbox call deletes, so a first run
// on a big store does not hold the disk busy for long.
const purgeBatch = 2000

// PurgeOutbox deletes done items that were done before cutoff, at most
// purgeBatch of them, and returns how many it deleted. Failed items stay
// (an administrator looks at them), and so does everything not done.
// Items done by versions that did not record when (next_at is NoDue) are
// deleted once they were queued before cutoff.
func (s *Store) PurgeOutbox(ctx context.Context, cutoff time.Time) (int, error) {
	deleted := 0
	// Done items in the order they were done, up to cutoff; then the
	// items of earlier versions, which all sort last (NoDue).
	phases := []struct {
		after string
		stale func(*OutboxItem) bool
	}{
		{"", func(it *OutboxItem) bool { return it.NextAt < ticket.SortTime(cutoff) }},
		{ticket.NoDue + "|", func(it *OutboxItem) bool { return it.Created.Before(cutoff) }},
	}
	for _, ph := range phases {
		after := ph.after
	pages:
		for deleted < purgeBatch {
			items, next, err := s.ListOutbox(ctx, OutboxQuery{State: OutboxDone, After: after, Limit: MaxPage})
			if err != nil {
				return deleted, fmt.Errorf("store: purge outbox: %w", err)
			}
			for i := range items {
				it := &items[i]
				if it.NextAt == ticket.NoDue && ph.after == "" {
					break pages // the items of earlier versions: the next phase
				}
				if !ph.stale(it) {
					if ph.after == "" {
						break pages // done after cutoff, as is everything after it
					}
					continue
				}
				if err := s.Delete(ctx, OutboxCollection, it.ID); err != nil && !errors.Is(err, ErrNotFound) {
					return deleted, fmt.Errorf("store: purge outbox: %w", err)
				}
				deleted++
			}
			if next == "" {
				break
			}
			after = next
		}
	}
	return deleted, nil
}
