package engine_test

import (
	"testing"
	"time"

	"vorgang/core/engine"
)

// Claims older than the cutoff are deleted, so their keys open new tickets;
// younger claims stay and still answer their retries.
func TestPurgeCreateClaims(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	create := func(key string) string {
		t.Helper()
		tk, err := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low"), IdempotencyKey: key})
		if err != nil {
			t.Fatal(err)
		}
		return tk.Number
	}
	old := create("form-old")
	// Claims record the second they were made: the next one is made in a
	// later second than cutoff.
	cutoff := time.Now()
	time.Sleep(time.Until(cutoff.Truncate(time.Second).Add(time.Second + 50*time.Millisecond)))
	young := create("form-young")

	n, err := f.eng.PurgeCreateClaims(ctx, cutoff)
	if err != nil || n != 1 {
		t.Fatalf("purge = %d, %v; want 1 claim deleted", n, err)
	}
	if again := create("form-young"); again != young {
		t.Errorf("retry of the kept claim opened %s, want %s", again, young)
	}
	if again := create("form-old"); again == old {
		t.Errorf("the purged key still answers %s; want a new ticket", old)
	}
	if n, err := f.eng.PurgeCreateClaims(ctx, cutoff); err != nil || n != 0 {
		t.Errorf("second purge = %d, %v; want nothing left to delete", n, err)
	}
}
