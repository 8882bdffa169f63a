package engine_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"vorgang/core/engine"
	"vorgang/core/fault"
)

// TestKeyedCreateNotesNumberInItsClaim: the claim of an idempotent create
// carries the ticket's number from its insert on; the create writes it no
// second time.
func TestKeyedCreateNotesNumberInItsClaim(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	tk, err := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low"), IdempotencyKey: "k1"})
	if err != nil {
		t.Fatal(err)
	}
	var claim struct {
		Number  string `bson:"number"`
		Version int64  `bson:"version"`
	}
	if err := f.store.Get(ctx, "create_requests", "create/anna/k1", &claim); err != nil {
		t.Fatal(err)
	}
	if claim.Number != tk.Number || claim.Version != 1 {
		t.Errorf("claim = number %q version %d, want number %q version 1", claim.Number, claim.Version, tk.Number)
	}
}

// TestRacingRetriesLeaveNoGap: requests racing under one key, each with a
// number of its own drawn, make one ticket; the numbers the losers drew go
// to the next creates, so the numbers stay gap-free and unique.
func TestRacingRetriesLeaveNoGap(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	const racers, after = 8, 8
	var wg sync.WaitGroup
	got := make([]string, racers)
	for i := range racers {
		wg.Go(func() {
			for range 50 {
				tk, err := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low"), IdempotencyKey: "same"})
				if errors.Is(err, fault.InProgress) {
					time.Sleep(20 * time.Millisecond)
					continue
				}
				if err != nil {
					t.Error(err)
					return
				}
				got[i] = tk.Number
				return
			}
		})
	}
	wg.Wait()
	for _, n := range got {
		if n != got[0] {
			t.Fatalf("numbers %v: want one ticket", got)
		}
	}
	numbers := []string{got[0]}
	for range after {
		tk, err := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low")})
		if err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, tk.Number)
	}
	slices.Sort(numbers)
	for i, n := range numbers {
		if want := fmt.Sprintf("INC-2026-%06d", i+1); n != want {
			t.Fatalf("numbers %v: want INC-2026-000001 to %06d without gap", numbers, len(numbers))
		}
	}
}
