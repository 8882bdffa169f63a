package store

import (
	"errors"
	"testing"
	"time"

	"vorgang/core/ticket"
)

// TestDeleteTicket: a deletion at a stale version changes nothing; at the
// ticket's version it removes the record, the history and the counts, keeps
// the tombstone, tells the watchers, and a second call is a no-op.
func TestDeleteTicket(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		tk := newTicket("INC-2026-000077")
		if err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Actor: "anna", Type: "created"}); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateTicket(ctx, tk, &ticket.HistoryEntry{Actor: "bernd", Type: "comment"}); err != nil {
			t.Fatal(err)
		}
		var heard []TicketChange
		s.OnTicketChange(func(c TicketChange) { heard = append(heard, c) })
		tb := Tombstone{Number: tk.Number, Process: tk.Process, Rule: "r", At: time.Now().UTC(), Entries: 1, Head: "h"}
		if err := s.DeleteTicket(ctx, tb); !errors.Is(err, ErrConflict) {
			t.Fatalf("delete at a stale version: %v, want a conflict", err)
		}
		if _, err := s.Tombstone(ctx, tk.Number); !errors.Is(err, ErrNotFound) {
			t.Fatalf("tombstone after a conflict: %v, want none", err)
		}
		tb.Entries = 2
		for range 2 {
			if err := s.DeleteTicket(ctx, tb); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Ticket(ctx, tk.Number); !errors.Is(err, ErrNotFound) {
			t.Errorf("ticket: %v, want it gone", err)
		}
		for seq := int64(1); seq <= 2; seq++ {
			var h ticket.HistoryEntry
			if err := s.Get(ctx, HistoryCollection, HistoryID(tk.Number, seq), &h); !errors.Is(err, ErrNotFound) {
				t.Errorf("history entry %d: %v, want it gone", seq, err)
			}
		}
		got, err := s.Tombstone(ctx, tk.Number)
		if err != nil || got.Entries != 2 || got.Rule != "r" {
			t.Errorf("tombstone %+v, %v", got, err)
		}
		counts, err := s.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(counts) != 0 {
			t.Errorf("counts %+v, want none open", counts)
		}
		if len(heard) != 1 || !heard[0].Deleted || heard[0].Ticket.Number != tk.Number {
			t.Errorf("watchers heard %+v, want one deletion", heard)
		}
	})
}
