package store

import (
	"slices"
	"sync"
	"testing"
	"time"

	"vorgang/core/ticket"
)

// Watchers hear of every committed ticket write, not of refused ones;
// TicketsChangedSince lists tickets by their last change, page by page;
// TicketTexts returns the tickets in number order with their committed
// text entries.
func TestTicketChangesAndTexts(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		var mu sync.Mutex
		var heard []string
		s.OnTicketChange(func(c TicketChange) {
			mu.Lock()
			defer mu.Unlock()
			heard = append(heard, c.Ticket.Number+"@"+string(rune('0'+c.Ticket.Version))+":"+c.Entry.Type)
		})
		base := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
		for i, n := range []string{"T-3", "T-1", "T-2"} {
			tk := newTicket(n)
			tk.Updated = base.Add(time.Duration(i) * time.Minute)
			if err := s.CreateTicket(ctx, tk, ticket.NewEntry("anna", ticket.Created{State: "new", Data: tk.Data})); err != nil {
				t.Fatal(err)
			}
		}
		tk, err := s.Ticket(ctx, "T-1")
		if err != nil {
			t.Fatal(err)
		}
		tk.Updated = base.Add(10 * time.Minute)
		if err := s.UpdateTicket(ctx, tk, ticket.NewEntry("ben", ticket.Commented{Text: "Toner getauscht", Internal: true})); err != nil {
			t.Fatal(err)
		}
		stale := *tk
		stale.Version = 1
		if err := s.UpdateTicket(ctx, &stale, ticket.NewEntry("ben", ticket.Commented{Text: "verloren"})); err == nil {
			t.Fatal("an update of an old version was stored")
		}
		want := []string{"T-3@1:created", "T-1@1:created", "T-2@1:created", "T-1@2:comment"}
		if !slices.Equal(heard, want) {
			t.Errorf("watchers heard %v, want %v", heard, want)
		}

		var order []string
		after := TicketStamp{}
		for {
			page, err := s.TicketsChangedSince(ctx, base.Add(time.Minute), after, 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			order = append(order, page[0].Number)
			after = page[0]
		}
		if want := []string{"T-2", "T-1"}; !slices.Equal(order, want) {
			t.Errorf("changed since 9:01 = %v, want %v (T-2 at 9:02, then T-1 at 9:10)", order, want)
		}
		if after.Version != 2 || !after.Updated.Equal(base.Add(10*time.Minute)) {
			t.Errorf("last stamp %+v", after)
		}

		texts, err := s.TicketTexts(ctx, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		var numbers []string
		for _, tt := range texts {
			numbers = append(numbers, tt.Ticket.Number)
		}
		if want := []string{"T-1", "T-2", "T-3"}; !slices.Equal(numbers, want) {
			t.Fatalf("texts of %v, want %v", numbers, want)
		}
		one := texts[0]
		if one.Ticket.Version != 2 || one.Ticket.Title != "Drucker druckt nicht" || one.Ticket.Team != "it-1st-level" || !one.Ticket.Open ||
			one.Ticket.Data["summary"] != "Drucker in Raum 204" || !one.Ticket.Created.Equal(base) {
			t.Errorf("ticket %+v", one.Ticket)
		}
		if len(one.Entries) != 2 || one.Entries[1].Type != "comment" || one.Entries[1].Data["text"] != "Toner getauscht" ||
			!one.Entries[1].Internal() || one.Entries[1].Seq != 2 {
			t.Errorf("entries %+v", one.Entries)
		}
		if len(texts[1].Entries) != 1 {
			t.Errorf("T-2's entries %+v: another ticket's entries or an uncommitted one", texts[1].Entries)
		}
		rest, err := s.TicketTexts(ctx, "T-2", 10)
		if err != nil || len(rest) != 1 || rest[0].Ticket.Number != "T-3" {
			t.Errorf("texts after T-2: %+v, %v", rest, err)
		}
	})
}
