package store

import (
	"errors"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang/core/ticket"
)

// Purging deletes done items done before the cutoff, and done items of
// earlier versions (no completion time) queued before it; failed, pending
// and recently done items stay.
func TestPurgeOutboxKeepsWhatMatters(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	ctx := t.Context()
	now := time.Now()
	long := now.Add(-30 * 24 * time.Hour)
	enqueue := func(id string, created time.Time) *OutboxItem {
		it := &OutboxItem{ID: id, Kind: "mail", Created: created}
		if err := s.Enqueue(ctx, it, long); err != nil {
			t.Fatal(err)
		}
		claimed, err := s.ClaimOutboxItem(ctx, "w", id, now, time.Minute)
		if err != nil || claimed == nil {
			t.Fatalf("claim %s: %v", id, err)
		}
		return claimed
	}
	for _, id := range []string{"done-a", "done-b", "done-c"} {
		if err := s.CompleteOutbox(ctx, enqueue(id, long)); err != nil {
			t.Fatal(err)
		}
	}
	failed := enqueue("failed", long)
	if err := s.FailOutbox(ctx, failed, errors.New("refused"), now, 0, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.Enqueue(ctx, &OutboxItem{ID: "pending", Kind: "mail", Created: long}, now); err != nil {
		t.Fatal(err)
	}
	// Done by an earlier version: no completion time recorded.
	for id, created := range map[string]time.Time{"old-done": long, "old-done-recent": now} {
		it := enqueue(id, created)
		if _, err := s.Update(ctx, OutboxCollection, it.ID, it.Version, bson.M{"$set": bson.M{"state": OutboxDone, "next_at": ticket.NoDue}}); err != nil {
			t.Fatal(err)
		}
	}

	if n, err := s.PurgeOutbox(ctx, now.Add(-time.Hour)); err != nil || n != 1 {
		t.Fatalf("purge before the items were done: %d, %v; want only the old item of an earlier version", n, err)
	}
	n, err := s.PurgeOutbox(ctx, now.Add(time.Hour))
	if err != nil || n != 4 {
		t.Fatalf("purge after: %d, %v; want the three done and the recent item of an earlier version", n, err)
	}
	for id, want := range map[string]bool{"done-a": false, "done-b": false, "done-c": false, "old-done": false,
		"old-done-recent": false, "failed": true, "pending": true} {
		_, err := s.OutboxItemByID(ctx, id)
		if got := err == nil; got != want {
			t.Errorf("%s kept = %v, want %v (%v)", id, got, want, err)
		}
	}
}
