package store

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"vorgang/core/store/storetest"
	"vorgang/core/ticket"
)

// TestCreatesTogether: concurrent creates are each stored with their first
// entry, read back as written; among them, a create whose entry a crash
// left behind is stored after all, and one of a number that exists fails
// without touching the others.
func TestCreatesTogether(t *testing.T) {
	s := openEmbedded(t, lowerTempDir(t))
	ctx := t.Context()
	existing := newTicket("INC-2026-000100")
	if err := s.CreateTicket(ctx, existing, &ticket.HistoryEntry{Actor: "anna", Type: "created"}); err != nil {
		t.Fatal(err)
	}
	leftover := &ticket.HistoryEntry{ID: HistoryID("INC-2026-000101", 1), Ticket: "INC-2026-000101", Seq: 1, Type: "created", Actor: "crashed"}
	if err := s.Insert(ctx, HistoryCollection, leftover); err != nil {
		t.Fatal(err)
	}
	numbers := []string{"INC-2026-000100", "INC-2026-000101"}
	for i := range 14 {
		numbers = append(numbers, fmt.Sprintf("INC-2026-%06d", i+1))
	}
	errs := make([]error, len(numbers))
	tickets := make([]*ticket.Ticket, len(numbers))
	var wg sync.WaitGroup
	for i, n := range numbers {
		tickets[i] = newTicket(n)
		tickets[i].Title = "Ticket " + n
		wg.Go(func() {
			errs[i] = s.CreateTicket(ctx, tickets[i], &ticket.HistoryEntry{Actor: "anna", Type: "created"})
		})
	}
	wg.Wait()
	if errs[0] == nil {
		t.Error("a second create of an existing number succeeded")
	}
	if got, err := s.Ticket(ctx, existing.Number); err != nil || got.Title != existing.Title {
		t.Errorf("the existing ticket = %+v, %v; want it unchanged", got, err)
	}
	// The dashboard counts follow: the existing ticket and the 15 new
	// ones, all open in one team, state and priority.
	counts, err := s.Counts(ctx)
	if want := []Count{{Team: "it-1st-level", State: "new", Priority: "medium", N: 16}}; err != nil || !reflect.DeepEqual(counts, want) {
		t.Errorf("counts = %+v, %v; want %+v", counts, err, want)
	}
	for i, n := range numbers[1:] {
		if err := errs[i+1]; err != nil {
			t.Errorf("create %s: %v", n, err)
			continue
		}
		got, err := s.Ticket(ctx, n)
		if err != nil {
			t.Errorf("read %s: %v", n, err)
			continue
		}
		if !reflect.DeepEqual(got, tickets[i+1]) {
			t.Errorf("read %s = %+v, want %+v", n, got, tickets[i+1])
		}
		hist, err := s.History(ctx, got)
		if err != nil || len(hist) != 1 || hist[0].Actor != "anna" || hist[0].Seq != 1 {
			t.Errorf("history of %s = %+v, %v; want the create's entry", n, hist, err)
		}
	}
}

// TestCreateOnAFullDisk: a create the full disk refuses fails with
// ErrDiskFull and leaves nothing a reader sees; once space is freed the
// same create succeeds.
func TestCreateOnAFullDisk(t *testing.T) {
	dir := storetest.SmallDisk(t, "8m")
	s, err := Open(t.Context(), Config{DataDir: dir, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeStore(t, s) })
	ctx := t.Context()
	free := storetest.FillDisk(t, dir)
	pad := strings.Repeat("x", 16<<10)
	var refused *ticket.Ticket
	// SQLite may still find room in its write-ahead log for a few writes.
	for i := range 200 {
		tk := newTicket(fmt.Sprintf("INC-2026-%06d", i+1))
		tk.Data["pad"] = pad
		err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Actor: "anna", Type: "created"})
		if err == nil {
			continue
		}
		if !errors.Is(err, ErrDiskFull) {
			t.Fatalf("create on a full disk: %v, want ErrDiskFull", err)
		}
		refused = tk
		break
	}
	if refused == nil {
		t.Fatal("200 creates of 16 KB succeeded on a full disk")
	}
	if _, err := s.Ticket(ctx, refused.Number); !errors.Is(err, ErrNotFound) {
		t.Errorf("the refused ticket reads as %v, want ErrNotFound", err)
	}

	free()
	again := newTicket(refused.Number)
	if err := s.CreateTicket(ctx, again, &ticket.HistoryEntry{Actor: "anna", Type: "created"}); err != nil {
		t.Fatalf("create after space was freed: %v", err)
	}
	got, err := s.Ticket(ctx, refused.Number)
	if err != nil {
		t.Fatal(err)
	}
	if hist, err := s.History(ctx, got); err != nil || len(hist) != 1 {
		t.Errorf("history after the retry = %+v, %v; want one entry", hist, err)
	}
}
