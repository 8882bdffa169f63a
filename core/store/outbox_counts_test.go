package store

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// Outbox counts give per kind and state how many items are not done and
// when the oldest was queued, alike through SQL and the driver.
func TestOutboxCounts(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	ctx := t.Context()
	t0 := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	for i, kind := range []string{"mail", "mail", "webhook", "mail"} {
		if err := s.Enqueue(ctx, &OutboxItem{ID: kind + string(rune('a'+i)), Kind: kind, Created: t0.Add(time.Duration(i) * time.Minute)}, t0); err != nil {
			t.Fatal(err)
		}
	}
	items, err := s.ClaimOutbox(ctx, "w", t0, time.Minute, 10, "webhook")
	if err != nil || len(items) != 1 {
		t.Fatalf("claim: %v %v", items, err)
	}
	if err := s.FailOutbox(ctx, &items[0], errors.New("down"), t0, 0, 0); err != nil {
		t.Fatal(err)
	}
	done, _ := s.ClaimOutbox(ctx, "w", t0, time.Minute, 1, "mail")
	if err := s.CompleteOutbox(ctx, &done[0]); err != nil {
		t.Fatal(err)
	}
	queryModes(t, s, func(t *testing.T) {
		got, err := s.OutboxCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(got, func(a, b OutboxCount) int { return compareStrings(a.Kind+a.State, b.Kind+b.State) })
		want := []OutboxCount{
			{Kind: "mail", State: OutboxPending, N: 2, Oldest: t0.Add(time.Minute)},
			{Kind: "webhook", State: OutboxFailed, N: 1, Oldest: t0.Add(2 * time.Minute)},
		}
		if len(got) != len(want) {
			t.Fatalf("counts %+v, want %+v", got, want)
		}
		for i := range want {
			if got[i].Kind != want[i].Kind || got[i].State != want[i].State || got[i].N != want[i].N || !got[i].Oldest.Equal(want[i].Oldest) {
				t.Errorf("counts %+v, want %+v", got, want)
			}
		}
	})
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
