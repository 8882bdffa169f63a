package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

// TestInsertBatchesKeepSingleResults: many goroutines insert at once, some
// of them the same _id; each gets the result a single insert would have
// given it: exactly one success per _id, ErrDuplicate for the others, and
// every document stored once.
func TestInsertBatchesKeepSingleResults(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		if err := s.Insert(ctx, "batch_test", map[string]any{"_id": "taken"}); err != nil {
			t.Fatal(err)
		}
		const goroutines, each = 16, 25
		var (
			mu        sync.Mutex
			wins      = map[string]int{}
			dups      int
			otherErrs []error
			wg        sync.WaitGroup
		)
		for g := range goroutines {
			wg.Go(func() {
				for i := range each {
					// Half the ids are shared by two goroutines, one is taken.
					id := fmt.Sprintf("doc-%d-%d", g/2, i)
					if i == 0 {
						id = "taken"
					}
					err := s.Insert(ctx, "batch_test", map[string]any{"_id": id, "by": g})
					mu.Lock()
					switch {
					case err == nil:
						wins[id]++
					case errors.Is(err, ErrDuplicate):
						dups++
					default:
						otherErrs = append(otherErrs, err)
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(otherErrs) > 0 {
			t.Fatalf("errors: %v", otherErrs[0])
		}
		for id, n := range wins {
			if n != 1 {
				t.Errorf("%s inserted %d times", id, n)
			}
		}
		wantWins := goroutines / 2 * (each - 1)
		if len(wins) != wantWins || dups != goroutines*each-wantWins {
			t.Errorf("%d ids won, %d duplicates; want %d and %d", len(wins), dups, wantWins, goroutines*each-wantWins)
		}
		n, err := s.DB().Collection("batch_test").CountDocuments(ctx, map[string]any{})
		if err != nil || n != int64(wantWins+1) {
			t.Errorf("%d documents stored, %v; want %d", n, err, wantWins+1)
		}
	})
}
