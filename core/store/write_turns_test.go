package store

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"vorgang/core/ticket"
)

// TestForeignWritesAreNotStarved: while creates keep the store's own
// writer busy without a pause, a write through FerretDB (as an
// Idempotency-Key's claim is) gets its turn after the writer's current
// transaction, not after whatever number of them SQLite's polling happens
// to miss. It counts the creates stored while each such write was under
// way: a handful at most (those under way when it began, and one group).
func TestForeignWritesAreNotStarved(t *testing.T) {
	s := openEmbedded(t, lowerTempDir(t))
	ctx := t.Context()
	const creators, writes = 4, 40
	var stored atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := range creators {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				tk := newTicket(fmt.Sprintf("INC-2026-%d%05d", c+1, i))
				if err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Actor: "anna", Type: "created"}); err != nil {
					t.Error(err)
					return
				}
				stored.Add(1)
			}
		})
	}
	worst := int64(0)
	for i := range writes {
		before := stored.Load()
		claim := NumberClaim{ID: claimID("turns", int64(i+1)), Scope: "turns", N: int64(i + 1), Owner: "a key"}
		if err := s.Insert(ctx, counterClaimsCollection, claim); err != nil {
			t.Error(err)
			break
		}
		worst = max(worst, stored.Load()-before)
	}
	close(stop)
	wg.Wait()
	// Under way when the write began: at most one create per creator;
	// then the group the writer was committing, at most one per creator.
	if limit := int64(2 * creators); worst > limit {
		t.Errorf("%d creates were stored while one write waited (of %d writes, %d creates in all); want at most %d", worst, writes, stored.Load(), limit)
	}
}
