package store

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"vorgang/core/ticket"
)

// TestHistories reads the histories of several tickets at once: each is
// what History returns for its ticket, and an entry that is missing is
// ErrNotFound.
func TestHistories(t *testing.T) {
	s := openEmbedded(t, lowerTempDir(t))
	ctx := t.Context()
	var tickets []*ticket.Ticket
	for i := range 4 {
		tk := odd(fmt.Sprintf("H-2026-%06d", i+1))
		if err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Type: "created", Data: map[string]any{"n": int64(i)}}); err != nil {
			t.Fatal(err)
		}
		for j := range i {
			if err := s.UpdateTicket(ctx, tk, &ticket.HistoryEntry{Type: "commented", Data: map[string]any{"text": fmt.Sprint("c", j)}}); err != nil {
				t.Fatal(err)
			}
		}
		tickets = append(tickets, tk)
	}
	got, err := s.Histories(ctx, tickets)
	if err != nil {
		t.Fatal(err)
	}
	for i, tk := range tickets {
		want, err := s.History(ctx, tk)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) != i+1 || !reflect.DeepEqual(got[i], want) {
			t.Errorf("%s: Histories\n%+v\nHistory\n%+v", tk.Number, got[i], want)
		}
	}
	ahead := *tickets[0]
	ahead.Version = 3
	if _, err := s.Histories(ctx, []*ticket.Ticket{&ahead}); !errors.Is(err, ErrNotFound) {
		t.Errorf("a missing entry: %v, want ErrNotFound", err)
	}
}
