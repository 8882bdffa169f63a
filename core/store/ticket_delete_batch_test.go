package store

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"vorgang/core/ticket"
)

// deletionStores are the stores DeleteTickets is tested on: the embedded
// one (the batch in one transaction) and one reached by a URI (each ticket
// on its own, as on MongoDB, with this process's locks).
func deletionStores(t *testing.T) map[string]*Store {
	t.Helper()
	stores := testStores(t)
	owner := openEmbedded(t, lowerTempDir(t))
	stores["by uri"] = openURI(t, owner.embedded.uri, DefaultDatabase)
	return stores
}

// TestDeleteTickets: of one batch, the tickets at the version read are
// deleted with their history and counts, each leaving its tombstone; a
// ticket changed since is a conflict and keeps everything (no tombstone);
// one that is gone is no error; one named twice is a conflict the second
// time; a deletion cut off after its tombstone is completed with that
// tombstone. Watchers hear of each deleted ticket once.
func TestDeleteTickets(t *testing.T) {
	for name, s := range deletionStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			var tickets []*ticket.Ticket
			for i := range 4 {
				tk := newTicket(fmt.Sprintf("INC-2026-%06d", 100+i))
				if err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Actor: "anna", Type: "created"}); err != nil {
					t.Fatal(err)
				}
				if err := s.UpdateTicket(ctx, tk, &ticket.HistoryEntry{Actor: "bernd", Type: "comment"}); err != nil {
					t.Fatal(err)
				}
				tickets = append(tickets, tk)
			}
			at := time.Now().UTC().Truncate(time.Millisecond)
			tomb := func(tk *ticket.Ticket, entries int64) Tombstone {
				return Tombstone{Number: tk.Number, Process: tk.Process, Rule: "r", At: at, Entries: entries, Head: "h"}
			}
			fresh, stale, cutOff, twice := tickets[0], tickets[1], tickets[2], tickets[3]
			begun := tomb(cutOff, 2)
			begun.At = at.Add(-time.Hour)
			if err := s.Insert(ctx, TombstonesCollection, &begun); err != nil {
				t.Fatal(err)
			}
			var heard []string
			s.OnTicketChange(func(c TicketChange) {
				if c.Deleted {
					heard = append(heard, c.Ticket.Number)
				}
			})
			errs := s.DeleteTickets(ctx, []Tombstone{
				tomb(fresh, 2), tomb(stale, 1), {Number: "INC-2026-999999", Entries: 1},
				tomb(cutOff, 2), tomb(twice, 2), tomb(twice, 2),
			})
			for i, want := range []error{nil, ErrConflict, nil, nil, nil, ErrConflict} {
				if (want == nil) != (errs[i] == nil) || (want != nil && !errors.Is(errs[i], want)) {
					t.Errorf("result %d: %v, want %v", i, errs[i], want)
				}
			}
			for _, tk := range []*ticket.Ticket{fresh, cutOff, twice} {
				if _, err := s.Ticket(ctx, tk.Number); !errors.Is(err, ErrNotFound) {
					t.Errorf("%s: %v, want it deleted", tk.Number, err)
				}
				for seq := int64(1); seq <= 2; seq++ {
					var h ticket.HistoryEntry
					if err := s.Get(ctx, HistoryCollection, HistoryID(tk.Number, seq), &h); !errors.Is(err, ErrNotFound) {
						t.Errorf("%s entry %d: %v, want it deleted", tk.Number, seq, err)
					}
				}
				if tb, err := s.Tombstone(ctx, tk.Number); err != nil || tb.Entries != 2 {
					t.Errorf("%s: tombstone %+v, %v", tk.Number, tb, err)
				}
			}
			if tb, err := s.Tombstone(ctx, cutOff.Number); err != nil || !tb.At.Equal(begun.At) {
				t.Errorf("tombstone of the cut-off deletion %+v, %v; want the first kept", tb, err)
			}
			if _, err := s.Ticket(ctx, stale.Number); err != nil {
				t.Errorf("the changed ticket: %v, want it kept", err)
			}
			if h, err := s.History(ctx, stale); err != nil || len(h) != 2 {
				t.Errorf("history of the changed ticket: %d entries, %v; want 2", len(h), err)
			}
			if _, err := s.Tombstone(ctx, stale.Number); !errors.Is(err, ErrNotFound) {
				t.Errorf("tombstone of the changed ticket: %v, want none", err)
			}
			counts, err := s.Counts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(counts) != 1 || counts[0].N != 1 {
				t.Errorf("counts %+v, want the changed ticket alone", counts)
			}
			slices.Sort(heard)
			if want := []string{fresh.Number, cutOff.Number, twice.Number}; !slices.Equal(heard, want) {
				t.Errorf("watchers heard %v, want %v", heard, want)
			}
		})
	}
}

// TestDeleteTicketWithFileOfItsStripe: a ticket is deleted with its file
// when the file's lock shares the ticket's stripe (the deletion holds
// both, taken together, rather than waiting for one while holding the
// other).
func TestDeleteTicketWithFileOfItsStripe(t *testing.T) {
	for name, s := range deletionStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			tk := newTicket("INC-2026-000200")
			if err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Actor: "anna", Type: "created"}); err != nil {
				t.Fatal(err)
			}
			id := ""
			for i := 0; id == ""; i++ {
				if c := fmt.Sprintf("f%d", i); s.locks.stripe(AttachmentsCollection, c) == s.locks.stripe(TicketsCollection, tk.Number) {
					id = c
				}
			}
			a := &Attachment{ID: id, Name: "hof.png", ContentType: "image/png", Ticket: tk.Number}
			if err := s.PutAttachment(ctx, a, bytes.NewReader([]byte("png")), 1<<10); err != nil {
				t.Fatal(err)
			}
			tb := Tombstone{Number: tk.Number, Process: tk.Process, Rule: "r", At: time.Now().UTC(), Entries: 1, Files: []string{id}}
			if err := s.DeleteTicket(ctx, tb); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Attachment(ctx, id); !errors.Is(err, ErrNotFound) {
				t.Errorf("attachment: %v, want it deleted", err)
			}
		})
	}
}
