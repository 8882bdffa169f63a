package engine_test

import (
	"context"
	"errors"
	"testing"

	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// cutOff is a store whose ticket updates fail: a migration stopped after
// it rewrote the entries and before its sealed entry was stored.
type cutOff struct{ *store.Store }

func (cutOff) UpdateTicket(context.Context, *ticket.Ticket, *ticket.HistoryEntry) error {
	return errors.New("killed")
}

// TestSealLegacyHistory: history written before values were sealed is
// sealed by the migration, still verifies, attests its former head, can
// then be anonymised and verifies after that; a run cut off half way is
// completed by the next one; a second migration changes nothing.
func TestSealLegacyHistory(t *testing.T) {
	t.Parallel()
	st := openLegacyStore(t)
	ctx := t.Context()
	f := fixtureOver(t, st)
	numbers, err := st.TicketNumbers(ctx, "", 500)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range numbers {
		before, err := st.Ticket(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if _, err := engine.SealHistory(ctx, cutOff{st}, n, clock); err == nil {
				t.Fatalf("%s: the cut-off migration reported no error", n)
			}
		}
		sealed, err := engine.SealHistory(ctx, st, n, clock)
		if err != nil || !sealed {
			t.Fatalf("%s: sealed %v, %v", n, sealed, err)
		}
		if p := auditProblems(t, st, n); len(p) > 0 {
			t.Fatalf("%s after sealing: %v", n, p)
		}
		after, err := st.Ticket(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		hist, err := st.History(ctx, after)
		if err != nil {
			t.Fatal(err)
		}
		last, err := hist[len(hist)-1].Decode()
		if err != nil {
			t.Fatal(err)
		}
		if s, ok := last.(ticket.Sealed); !ok || s.LegacyHead != before.HistoryHash || s.Entries != int(before.Version) {
			t.Fatalf("%s: last entry %#v, want the sealed entry attesting head %s of %d entries", n, last, before.HistoryHash, before.Version)
		}
		if again, err := engine.SealHistory(ctx, st, n, clock); err != nil || again {
			t.Fatalf("%s: second migration %v, %v; want nothing to do", n, again, err)
		}
		if _, err := f.eng.Anonymise(ctx, n, engine.Anonymisation{Reason: ticket.ReasonRequest, Requester: true, Attachments: true}); err != nil {
			t.Fatalf("%s: anonymise after sealing: %v", n, err)
		}
		if p := auditProblems(t, st, n); len(p) > 0 {
			t.Fatalf("%s after anonymising: %v", n, p)
		}
	}
}

// TestSealRefusesBrokenHistory: a chain changed before the migration is
// not sealed, which would hide the change.
func TestSealRefusesBrokenHistory(t *testing.T) {
	t.Parallel()
	st := openLegacyStore(t)
	ctx := t.Context()
	numbers, err := st.TicketNumbers(ctx, "", 1)
	if err != nil {
		t.Fatal(err)
	}
	tk, err := st.Ticket(ctx, numbers[0])
	if err != nil {
		t.Fatal(err)
	}
	hist, err := st.History(ctx, tk)
	if err != nil {
		t.Fatal(err)
	}
	hist[0].Data["state"] = "forged"
	if err := st.RewriteHistory(ctx, tk.Number, hist[:1]); err != nil {
		t.Fatal(err)
	}
	if _, err := engine.SealHistory(ctx, st, tk.Number, clock); !errors.Is(err, fault.Conflict) {
		t.Fatalf("sealing a broken history: %v, want a conflict", err)
	}
	if p := auditProblems(t, st, tk.Number); len(p) == 0 {
		t.Fatal("the break is no longer reported")
	}
}
