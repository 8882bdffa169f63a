package store

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"vorgang/core/ticket"
)

// TestOpenByCatalog counts the open tickets per definition version they
// started on; finished tickets do not count.
func TestOpenByCatalog(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		for i, c := range []struct {
			catalog string
			open    bool
		}{{"c1", true}, {"c1", true}, {"c2", true}, {"c2", false}, {"c3", false}} {
			tk := newTicket(fmt.Sprintf("V-2026-%06d", i+1))
			tk.Catalog, tk.Open = c.catalog, c.open
			if err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Type: "created"}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.OpenByCatalog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := []CatalogCount{{"c1", 2}, {"c2", 1}}; !reflect.DeepEqual(got, want) {
			t.Errorf("OpenByCatalog = %+v, want %+v", got, want)
		}
	})
}

// TestOpenTicketNumbersInStates lists the open tickets of a process, or
// of some of its states only.
func TestOpenTicketNumbersInStates(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		for i, c := range []struct {
			process, state string
			open           bool
		}{{"p", "a", true}, {"p", "b", true}, {"p", "c", true}, {"p", "a", false}, {"q", "a", true}} {
			tk := newTicket(fmt.Sprintf("S-2026-%06d", i+1))
			tk.Process, tk.State, tk.Open = c.process, c.state, c.open
			if err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Type: "created"}); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			states []string
			want   []string
		}{
			{nil, []string{"S-2026-000001", "S-2026-000002", "S-2026-000003"}},
			{[]string{"a", "c"}, []string{"S-2026-000001", "S-2026-000003"}},
			{[]string{"x"}, nil},
		} {
			got, err := s.OpenTicketNumbers(ctx, "p", tc.states...)
			slices.Sort(got)
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("OpenTicketNumbers(p, %v) = %v, %v; want %v", tc.states, got, err, tc.want)
			}
		}
	})
}
