package store

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"vorgang/core/ticket"
)

// TestOpenByState counts open tickets per process and state, through the
// embedded store's index and through the driver's aggregation alike;
// finished tickets do not count.
func TestOpenByState(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		for i, spec := range []struct {
			process, state string
			open           bool
		}{
			{"it-incident", "new", true}, {"it-incident", "new", true}, {"it-incident", "in_progress", true},
			{"it-incident", "closed", false}, {"fleet-booking", "booked", true}, {"fleet-booking", "returned", false},
		} {
			tk := newTicket(fmt.Sprintf("X-2026-%06d", i+1))
			tk.Process, tk.State, tk.Open = spec.process, spec.state, spec.open
			if err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Type: "created"}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.OpenByState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(got, func(a, b StateCount) int {
			return strings.Compare(a.Process+"/"+a.State, b.Process+"/"+b.State)
		})
		want := []StateCount{{"fleet-booking", "booked", 1}, {"it-incident", "in_progress", 1}, {"it-incident", "new", 2}}
		if !slices.Equal(got, want) {
			t.Errorf("OpenByState = %v, want %v", got, want)
		}
		numbers, err := s.OpenTicketNumbers(ctx, "it-incident")
		if want := []string{"X-2026-000001", "X-2026-000002", "X-2026-000003"}; err != nil || !slices.Equal(numbers, want) {
			t.Errorf("OpenTicketNumbers = %v, %v; want %v", numbers, err, want)
		}
	})
}

// TestCountOpenGroups counts open tickets per team, state and priority
// where some tickets have no team and groups differ in any one key: the
// index walk finds every group the aggregation finds, and counts it alike.
func TestCountOpenGroups(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	ctx := t.Context()
	want := map[string]int64{}
	i := 0
	for _, team := range []string{"", "a", "b"} {
		for _, state := range []string{"new", "waiting"} {
			for _, prio := range []string{"high", "low"} {
				for _, open := range []bool{true, false, true} {
					i++
					tk := newTicket(fmt.Sprintf("X-2026-%06d", i))
					tk.Team, tk.State, tk.Priority, tk.Open = team, state, prio, open
					if team == "b" && state == "waiting" {
						continue // a gap in the middle of the groups
					}
					if err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Type: "created"}); err != nil {
						t.Fatal(err)
					}
					if open {
						want[team+"/"+state+"/"+prio]++
					}
				}
			}
		}
	}
	queryModes(t, s, func(t *testing.T) {
		counts, err := s.countOpen(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for _, c := range counts {
			got[c.Team+"/"+c.State+"/"+c.Priority] = c.N
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("counts\n got %v\nwant %v", got, want)
		}
	})
}
