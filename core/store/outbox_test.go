package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestOutboxLifecycle(t *testing.T) {
	queryModesStore(t, func(t *testing.T, s *Store, prefix string) {
		ctx := t.Context()
		now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
		item := &OutboxItem{ID: prefix + "mail-1", Kind: "mail", Payload: map[string]any{"to": "anna@example.org"}}
		if err := s.Enqueue(ctx, item, now); err != nil {
			t.Fatal(err)
		}
		if err := s.Enqueue(ctx, &OutboxItem{ID: prefix + "mail-1", Kind: "mail"}, now); !errors.Is(err, ErrDuplicate) {
			t.Fatalf("second enqueue of one id: %v", err)
		}
		got, err := s.ClaimOutbox(ctx, "w1", now, time.Minute, 10)
		if err != nil || len(got) != 1 || got[0].Attempts != 1 {
			t.Fatalf("claim: %+v, %v", got, err)
		}
		// Claimed: nobody else gets it while the claim lasts.
		if again, _ := s.ClaimOutbox(ctx, "w2", now.Add(30*time.Second), time.Minute, 10); len(again) != 0 {
			t.Fatalf("claimed item handed out twice: %+v", again)
		}
		// The SMTP server is down: retry later.
		if err := s.FailOutbox(ctx, &got[0], errors.New("dial tcp: connection refused"), now, Backoff(got[0].Attempts), 3); err != nil {
			t.Fatal(err)
		}
		if early, _ := s.ClaimOutbox(ctx, "w1", now.Add(10*time.Second), time.Minute, 10); len(early) != 0 {
			t.Fatalf("claimed before its retry time: %+v", early)
		}
		// The worker crashes after claiming: the claim runs out, another takes over.
		second, _ := s.ClaimOutbox(ctx, "w1", now.Add(Backoff(1)), time.Minute, 10)
		if len(second) != 1 || second[0].Attempts != 2 {
			t.Fatalf("retry claim: %+v", second)
		}
		third, _ := s.ClaimOutbox(ctx, "w2", now.Add(Backoff(1)+2*time.Minute), time.Minute, 10)
		if len(third) != 1 || third[0].ClaimedBy != "w2" || third[0].Attempts != 3 {
			t.Fatalf("takeover after an expired claim: %+v", third)
		}
		// The first worker's late completion loses: its claim is gone.
		if err := s.CompleteOutbox(ctx, &second[0]); !errors.Is(err, ErrConflict) {
			t.Fatalf("stale completion: %v", err)
		}
		if err := s.FailOutbox(ctx, &third[0], errors.New("550 mailbox unavailable"), now, time.Minute, 3); err != nil {
			t.Fatal(err)
		}
		var stored OutboxItem
		if err := s.Get(ctx, OutboxCollection, prefix+"mail-1", &stored); err != nil || stored.State != OutboxFailed || stored.LastError != "550 mailbox unavailable" {
			t.Fatalf("after the last attempt: %+v, %v", stored, err)
		}
		if late, _ := s.ClaimOutbox(ctx, "w1", now.Add(24*time.Hour), time.Minute, 10); len(late) != 0 {
			t.Fatalf("failed item claimed again: %+v", late)
		}
	})
}

// queryModesStore runs f on one embedded store through the SQL index path
// and the driver path, with distinct id prefixes.
func queryModesStore(t *testing.T, f func(t *testing.T, s *Store, prefix string)) {
	s := openEmbedded(t, t.TempDir())
	queryModes(t, s, func(t *testing.T) {
		prefix := "idx-"
		if s.sql == nil {
			prefix = "drv-"
		}
		f(t, s, prefix)
	})
}

// Eight workers drain 80 items: every item is done exactly once.
func TestOutboxConcurrentWorkers(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	ctx := t.Context()
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	const items = 80
	for i := 0; i < items; i++ {
		if err := s.Enqueue(ctx, &OutboxItem{ID: fmt.Sprintf("job-%03d", i), Kind: "mail"}, now); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	done := map[string]int{}
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				batch, err := s.ClaimOutbox(ctx, fmt.Sprint("w", w), now, time.Hour, 5)
				if err != nil {
					t.Error(err)
					return
				}
				if len(batch) == 0 {
					return
				}
				for i := range batch {
					if err := s.CompleteOutbox(ctx, &batch[i]); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					done[batch[i].ID]++
					mu.Unlock()
				}
			}
		}(w)
	}
	wg.Wait()
	if len(done) != items {
		t.Fatalf("%d of %d items done", len(done), items)
	}
	for id, n := range done {
		if n != 1 {
			t.Fatalf("item %s done %d times", id, n)
		}
	}
}
