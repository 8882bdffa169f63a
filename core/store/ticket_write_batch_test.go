package store

import (
	"errors"
	"fmt"
	"testing"

	"vorgang/core/ticket"
)

// TestUpdateTickets stores a batch in which one ticket changed since it
// was read: that one is a conflict and stays as the other writer left it,
// the rest are stored with their history entries, and the dashboard
// counts follow.
func TestUpdateTickets(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		var read []*ticket.Ticket
		for i := range 5 {
			tk := newTicket(fmt.Sprintf("B-2026-%06d", i+1))
			tk.State, tk.Open = "alt", true
			if err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Type: "created"}); err != nil {
				t.Fatal(err)
			}
			got, err := s.Ticket(ctx, tk.Number)
			if err != nil {
				t.Fatal(err)
			}
			read = append(read, got)
		}
		if _, err := s.Counts(ctx); err != nil { // loads the cache
			t.Fatal(err)
		}
		other, _ := s.Ticket(ctx, read[2].Number)
		other.Title = "changed meanwhile"
		if err := s.UpdateTicket(ctx, other, &ticket.HistoryEntry{Type: "changed"}); err != nil {
			t.Fatal(err)
		}
		var changes []TicketChange
		for _, tk := range read {
			was := *tk
			tk.State = "neu"
			changes = append(changes, TicketChange{Ticket: tk, Entry: &ticket.HistoryEntry{Type: "migrated"}, Was: &was})
		}
		errs := s.UpdateTickets(ctx, changes)
		for i, err := range errs {
			if wantConflict := i == 2; errors.Is(err, ErrConflict) != wantConflict || (!wantConflict && err != nil) {
				t.Errorf("change %d: %v, want conflict %v", i, err, wantConflict)
			}
		}
		for i, tk := range read {
			got, err := s.Ticket(ctx, tk.Number)
			if err != nil {
				t.Fatal(err)
			}
			want := "neu"
			if i == 2 {
				want = "alt"
			}
			if got.State != want || got.Version != 2 {
				t.Errorf("%s: state %s version %d, want %s version 2", tk.Number, got.State, got.Version, want)
			}
			if _, err := s.History(ctx, got); err != nil {
				t.Errorf("%s: %v", tk.Number, err)
			}
		}
		counts, err := s.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		byState := map[string]int64{}
		for _, c := range counts {
			byState[c.State] += c.N
		}
		if byState["neu"] != 4 || byState["alt"] != 1 {
			t.Errorf("counts by state = %v, want neu 4, alt 1", byState)
		}
	})
}
