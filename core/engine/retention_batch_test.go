package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// dueReports builds an engine over desk and st (the real store, perhaps
// wrapped), opens n citizen reports of process (street and address) and
// moves its clock 31 days on, past the desk's 30-day rule.
func dueReports(t *testing.T, desk, process string, st engine.Store, n int) (*engine.Engine, []*ticket.Ticket) {
	t.Helper()
	cat := testkit.Compile(t, []definition.File{{Path: "processes/" + process + ".yaml", Data: []byte(desk)}})
	clk := testkit.NewClock(clock)
	eng, err := engine.New(engine.Deps{Store: st, Catalog: func() *definition.Catalog { return cat }, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	var tickets []*ticket.Ticket
	for i := range n {
		tk, err := eng.Create(t.Context(), nil, engine.CreateRequest{Process: process,
			Data: map[string]any{"street": fmt.Sprint("Markt ", i), "email": fmt.Sprintf("person%d@example.org", i)}})
		if err != nil {
			t.Fatal(err)
		}
		tickets = append(tickets, tk)
	}
	clk.Advance(31 * 24 * time.Hour)
	return eng, tickets
}

// racingStore is the real store, but before the first batch of tickets
// is stored, meanwhile runs: another writer's change.
type racingStore struct {
	*store.Store
	once      sync.Once
	meanwhile func()
}

func (s *racingStore) UpdateTickets(ctx context.Context, changes []store.TicketChange) []error {
	s.once.Do(s.meanwhile)
	return s.Store.UpdateTickets(ctx, changes)
}

// TestRetentionBatchTicketChangedMeanwhile: retention stores tickets in
// batches; a ticket its citizen replied to after the batch was read loses
// the batch's race and is anonymised on its own, with the reply. Every
// ticket is anonymised once, no address or reply is left, and the chains
// verify.
func TestRetentionBatchTicketChangedMeanwhile(t *testing.T) {
	t.Parallel()
	const n = 7
	desk := fmt.Sprintf(retentionDesk, "nach-eingang", "RB", "created") + retentionShared
	st := &racingStore{Store: openStore(t)}
	eng, tickets := dueReports(t, desk, "nach-eingang", st, n)
	ctx := t.Context()
	raced := tickets[1] // in the first batch
	st.meanwhile = func() {
		if _, err := eng.CitizenReply(ctx, raced.Tracking, 0, "Rufen Sie Erika Mustermann an.", nil, "de"); err != nil {
			t.Errorf("reply meanwhile: %v", err)
		}
	}
	rep, err := eng.EnforceRetention(ctx, engine.RetentionRun{Batch: 3})
	if err != nil || rep.Failed > 0 || len(rep.Actions) != n {
		t.Fatalf("run: %d actions, %d failed, %v; want %d, 0", len(rep.Actions), rep.Failed, err, n)
	}
	for _, tk := range tickets {
		text := storedText(t, st.Store, tk.Number)
		if strings.Contains(text, "@example.org") || strings.Contains(text, "Mustermann") {
			t.Errorf("%s: personal data left: %s", tk.Number, text)
		}
		got, err := st.Ticket(ctx, tk.Number)
		if err != nil {
			t.Fatal(err)
		}
		h, err := st.History(ctx, got)
		if err != nil {
			t.Fatal(err)
		}
		records, replies := 0, 0
		for _, e := range h {
			switch e.Type {
			case ticket.EntryAnonymised:
				records++
			case ticket.EntryCitizenReply:
				replies++
			}
		}
		wantReplies := 0
		if tk.Number == raced.Number {
			wantReplies = 1
		}
		if records != 1 || replies != wantReplies {
			t.Errorf("%s: %d anonymised entries, %d replies; want 1, %d", tk.Number, records, replies, wantReplies)
		}
		if p := auditProblems(t, st.Store, tk.Number); len(p) > 0 {
			t.Errorf("%s: audit: %v", tk.Number, p)
		}
	}
}

// deletingStore is the real store, but before the first batch of tickets
// is deleted, meanwhile runs (another writer's change); it records how
// many tickets each batch held.
type deletingStore struct {
	*store.Store
	once      sync.Once
	meanwhile func()
	batches   []int
}

func (s *deletingStore) DeleteTickets(ctx context.Context, tbs []store.Tombstone) []error {
	s.once.Do(s.meanwhile)
	s.batches = append(s.batches, len(tbs))
	return s.Store.DeleteTickets(ctx, tbs)
}

// TestRetentionDeleteBatchTicketChangedMeanwhile: retention deletes the
// tickets of a batch together; of those changed after the batch was read,
// one its citizen replied to is deleted on its own with the reply, and
// one put under legal hold is kept. Every other ticket is deleted in the
// batch, and the audit accepts every deleted number.
func TestRetentionDeleteBatchTicketChangedMeanwhile(t *testing.T) {
	t.Parallel()
	const n = 5
	st := &deletingStore{Store: openStore(t)}
	eng, tickets := dueReports(t, deleteDesk, "loeschen", st, n)
	ctx := t.Context()
	replied, held := tickets[1], tickets[2]
	st.meanwhile = func() {
		if _, err := eng.CitizenReply(ctx, replied.Tracking, 0, "Rufen Sie Erika Mustermann an.", nil, "de"); err != nil {
			t.Errorf("reply meanwhile: %v", err)
		}
		if _, err := eng.SetLegalHold(ctx, privacyOfficer, held.Number, true, "Klage anhängig"); err != nil {
			t.Errorf("legal hold meanwhile: %v", err)
		}
	}
	rep, err := eng.EnforceRetention(ctx, engine.RetentionRun{})
	if err != nil || rep.Failed != 1 || len(rep.Actions) != n {
		t.Fatalf("run: %d actions, %d failed, %v; want %d, the held one failed", len(rep.Actions), rep.Failed, err, n)
	}
	if len(st.batches) != 1 || st.batches[0] != n {
		t.Errorf("deleted in batches of %v, want one of %d", st.batches, n)
	}
	for _, tk := range tickets {
		if tk.Number == held.Number {
			if !strings.Contains(storedText(t, st.Store, tk.Number), "person2@example.org") {
				t.Errorf("%s: the held ticket lost its data", tk.Number)
			}
			if _, err := st.Tombstone(ctx, tk.Number); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: tombstone of the held ticket: %v, want none", tk.Number, err)
			}
			continue
		}
		if _, err := st.Ticket(ctx, tk.Number); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: %v, want it deleted", tk.Number, err)
		}
		tb, err := st.Tombstone(ctx, tk.Number)
		if err != nil {
			t.Fatal(err)
		}
		want := int64(1)
		if tk.Number == replied.Number {
			want = 2 // with the reply
		}
		if tb.Entries != want {
			t.Errorf("%s: tombstone of %d entries, want %d", tk.Number, tb.Entries, want)
		}
		if p := auditProblems(t, st.Store, tk.Number); len(p) > 0 {
			t.Errorf("%s: audit: %v", tk.Number, p)
		}
	}
}
