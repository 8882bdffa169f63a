package store

import (
	"slices"
	"testing"
	"time"

	"vorgang/core/ticket"
)

// TicketsBetween pages through the tickets whose creation or closing
// time is in a range, in (time, number) order across tickets that share a
// time, whole; open tickets have no closing time and are in no closing
// range.
func TestTicketsBetween(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		base := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		tickets := []struct {
			number  string
			created time.Duration // after base
			closed  time.Duration // after base; 0: open
		}{
			{"T-1", 0, 0},
			{"T-2", time.Hour, 5 * time.Hour},
			{"T-3", time.Hour, 3 * time.Hour},
			{"T-4", time.Hour, 3 * time.Hour},
			{"T-5", 2 * time.Hour, 0},
			{"T-6", 9 * time.Hour, 10 * time.Hour}, // after both ranges below
		}
		for _, tc := range tickets {
			tk := newTicket(tc.number)
			tk.Created = base.Add(tc.created)
			if tc.closed > 0 {
				tk.Open, tk.State, tk.Category, tk.ClosedAt = false, "closed", "closed", base.Add(tc.closed)
			}
			if err := s.CreateTicket(ctx, tk, ticket.NewEntry("anna", ticket.Created{State: tk.State})); err != nil {
				t.Fatal(err)
			}
		}
		walk := func(by TicketTime, from, to time.Time) []string {
			var got []string
			var after TicketCursor
			for {
				page, err := s.TicketsBetween(ctx, by, from, to, after, 2)
				if err != nil {
					t.Fatal(err)
				}
				for _, tk := range page {
					if tk.Title == "" || tk.Data["summary"] == nil {
						t.Errorf("%s read without its content: %+v", tk.Number, tk)
					}
					got = append(got, tk.Number)
				}
				if len(page) < 2 {
					return got
				}
				after = CursorOf(by, page[len(page)-1])
			}
		}
		cases := []struct {
			name     string
			by       TicketTime
			from, to time.Time
			want     []string
		}{
			{"created in the morning", TicketCreated, base, base.Add(3 * time.Hour), []string{"T-1", "T-2", "T-3", "T-4", "T-5"}},
			{"created from ten past nine", TicketCreated, base.Add(10 * time.Minute), base.Add(3 * time.Hour), []string{"T-2", "T-3", "T-4", "T-5"}},
			{"created before ten", TicketCreated, base, base.Add(time.Hour), []string{"T-1"}},
			{"closed by two", TicketClosed, base, base.Add(5 * time.Hour), []string{"T-3", "T-4"}},
			{"closed by three", TicketClosed, base, base.Add(6 * time.Hour), []string{"T-3", "T-4", "T-2"}},
			{"created, no upper bound", TicketCreated, base.Add(2 * time.Hour), time.Time{}, []string{"T-5", "T-6"}},
			{"closed ever", TicketClosed, time.Time{}, time.Time{}, []string{"T-3", "T-4", "T-2", "T-6"}},
		}
		for _, tc := range cases {
			if got := walk(tc.by, tc.from, tc.to); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
		if _, err := s.TicketsBetween(ctx, "updated", base, base, TicketCursor{}, 2); err == nil {
			t.Error("a range of a time without its index was answered")
		}
	})
}
