package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang/core/ticket"
)

// rawRow is the stored form of document id in coll, as SQLite holds it.
func rawRow(t *testing.T, s *Store, coll, id string) string {
	t.Helper()
	table, err := s.sql.table(t.Context(), coll)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := jsonValue(id)
	var raw string
	q := fmt.Sprintf(`SELECT %s FROM %q WHERE %s->'$._id' = ?`, sqlColumn, table, sqlColumn)
	if err := s.sql.db.QueryRowContext(t.Context(), q, key).Scan(&raw); err != nil {
		t.Fatalf("read row %s: %v", id, err)
	}
	return raw
}

// odd is a ticket with every kind of value a ticket's data can hold.
func odd(number string) *ticket.Ticket {
	tk := newTicket(number)
	tk.Data = map[string]any{
		"text":    `Ümläute, "quotes", <tags> & \ backslash` + "\n\ttab \u2028",
		"empty":   "",
		"int":     42,
		"big":     int64(1) << 40,
		"neg":     -7,
		"float":   3.25,
		"whole":   2.0,
		"tiny":    1e-9,
		"yes":     true,
		"none":    nil,
		"when":    time.Date(2026, 12, 7, 1, 2, 3, 456_000_000, time.UTC),
		"list":    []any{"a", 1, 2.5, false, nil, map[string]any{"k": "v"}},
		"nolist":  []any{},
		"negzero": math.Copysign(0, -1),
		"nested":  map[string]any{"z": 1, "a": map[string]any{"deep": []any{"x"}}},
		"nothing": map[string]any{},
		"Ökonom":  "unicode key",
	}
	tk.Ext = map[string]any{"source": "mail"}
	tk.Children = []string{"C-1", "C-2"}
	tk.Links = []ticket.Link{{Kind: "related", Target: "L-1"}}
	tk.Migrations = []string{"m1"}
	return tk
}

// TestSJSONEncodeMatchesFerretDB writes tickets through FerretDB (insert
// and replace) and checks that the store's own encoding of the same
// ticket is the row FerretDB stored, byte for byte.
func TestSJSONEncodeMatchesFerretDB(t *testing.T) {
	s := openEmbedded(t, lowerTempDir(t))
	ctx := t.Context()
	for _, tc := range []struct {
		name  string
		tk    *ticket.Ticket
		exact bool
	}{
		{"plain", func() *ticket.Ticket {
			tk := newTicket("E-2026-000001")
			tk.Data = map[string]any{"summary": "<b>Ümläute</b> & \"quotes\"\n\u2028"}
			return tk
		}(), true},
		{"every value", odd("E-2026-000002"), false},
		{"closed", func() *ticket.Ticket {
			tk := newTicket("E-2026-000003")
			tk.Open, tk.Category, tk.ClosedOn = false, "closed", "c0"
			tk.Data = nil
			return tk
		}(), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tk := tc.tk
			if err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Type: "created"}); err != nil {
				t.Fatal(err)
			}
			check := func(how string) {
				doc, err := bson.MarshalWithRegistry(plainValues, tk)
				if err != nil {
					t.Fatal(err)
				}
				ours, err := bsonToSJSON(doc)
				if err != nil {
					t.Fatal(err)
				}
				stored := rawRow(t, s, TicketsCollection, tk.Number)
				// Maps are encoded in Go's random order: the bytes are
				// compared where each map has one key, the rest with the
				// order of keys set aside.
				if tc.exact && stored != string(ours) {
					t.Errorf("after %s:\nFerretDB: %s\nours:     %s", how, stored, ours)
				}
				if a, b := canonical(t, stored), canonical(t, string(ours)); !reflect.DeepEqual(a, b) {
					t.Errorf("after %s:\nFerretDB: %s\nours:     %s", how, stored, ours)
				}
			}
			check("insert")
			tk.Title = "replaced"
			if err := s.UpdateTicket(ctx, tk, &ticket.HistoryEntry{Type: "changed"}); err != nil {
				t.Fatal(err)
			}
			check("replace")
		})
	}
}

// TestUpdateTicketsReadsBack stores a batch through the store's own
// transaction and reads each ticket back through FerretDB: the same
// ticket, at the next version, with its history entry.
func TestUpdateTicketsReadsBack(t *testing.T) {
	s := openEmbedded(t, lowerTempDir(t))
	ctx := t.Context()
	var changes []TicketChange
	for i := range 3 {
		tk := odd(fmt.Sprintf("R-2026-%06d", i+1))
		if err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Type: "created"}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Ticket(ctx, tk.Number)
		if err != nil {
			t.Fatal(err)
		}
		was := *got
		got.State = "moved"
		got.Data["text"] = fmt.Sprint("changed ", i)
		changes = append(changes, TicketChange{Ticket: got, Entry: &ticket.HistoryEntry{Type: "migrated"}, Was: &was})
	}
	for i, err := range s.UpdateTickets(ctx, changes) {
		if err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
	}
	for _, c := range changes {
		got, err := s.Ticket(ctx, c.Ticket.Number)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 || c.Ticket.Version != 2 {
			t.Errorf("%s: version stored %d, in hand %d, want 2", got.Number, got.Version, c.Ticket.Version)
		}
		if !reflect.DeepEqual(got, c.Ticket) {
			t.Errorf("%s read back:\n%+v\nwant\n%+v", got.Number, got, c.Ticket)
		}
		h, err := s.History(ctx, got)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 2 || h[1].Type != "migrated" {
			t.Errorf("%s history = %+v", got.Number, h)
		}
	}
}

// canonical is a stored row decoded, with the order of keys ("$k") sorted.
func canonical(t *testing.T, raw string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if keys, ok := x.([]any); ok && k == "$k" {
					slices.SortFunc(keys, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	return v
}

// TestSJSONEncodeRefuses checks that what FerretDB refuses to store is
// refused by the store's own encoding too.
func TestSJSONEncodeRefuses(t *testing.T) {
	for name, data := range map[string]map[string]any{
		"nested array": {"l": []any{[]any{1}}},
		"dollar":       {"$x": 1},
		"dot":          {"a.b": 1},
		"infinity":     {"f": math.Inf(1)},
		"nested _id":   {"d": map[string]any{"_id": 1}},
	} {
		t.Run(name, func(t *testing.T) {
			tk := newTicket("X-1")
			tk.Data = data
			doc, err := bson.MarshalWithRegistry(plainValues, tk)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := bsonToSJSON(doc); err == nil {
				t.Error("encoded")
			}
		})
	}
}

// TestUpdateTicketsRewritesHistory stores a batch whose changes rewrite
// committed history entries: the winner's entries are replaced with its
// ticket, in FerretDB's encoding; a change that lost its race rewrites
// nothing, and entries of another ticket are refused.
func TestUpdateTicketsRewritesHistory(t *testing.T) {
	s := openEmbedded(t, lowerTempDir(t))
	ctx := t.Context()
	first := func(number string) *ticket.HistoryEntry {
		return &ticket.HistoryEntry{Type: "created", Actor: "person@example.org",
			Data:  map[string]any{"data": map[string]any{"street": "Markt 1", "n": 2}},
			Salts: map[string]string{"data/data/street": "c2FsdA"}}
	}
	read := func(tk *ticket.Ticket) ([]ticket.HistoryEntry, *ticket.Ticket) {
		t.Helper()
		got, err := s.Ticket(ctx, tk.Number)
		if err != nil {
			t.Fatal(err)
		}
		h, err := s.History(ctx, got)
		if err != nil {
			t.Fatal(err)
		}
		return h, got
	}
	var tickets []*ticket.Ticket
	for i := range 3 {
		tk := newTicket(fmt.Sprintf("W-2026-%06d", i+1))
		if err := s.CreateTicket(ctx, tk, first(tk.Number)); err != nil {
			t.Fatal(err)
		}
		tickets = append(tickets, tk)
	}
	redacted := func(h ticket.HistoryEntry) ticket.HistoryEntry {
		h.Data = map[string]any{"data": map[string]any{"n": int64(2)}}
		h.Salts = nil
		h.Redacted = map[string]string{"data/data/street": "digest"}
		h.Actor = ""
		return h
	}
	var changes []TicketChange
	var wants []ticket.HistoryEntry
	for i, tk := range tickets {
		h, got := read(tk)
		was := *got
		if i == 1 {
			got.Version = 0 // read before a change it did not see
		}
		want := redacted(h[0])
		wants = append(wants, want)
		changes = append(changes, TicketChange{Ticket: got, Was: &was, Entry: &ticket.HistoryEntry{Type: "anonymised"},
			Rewrite: []ticket.HistoryEntry{want}})
	}
	changes = append(changes, TicketChange{Ticket: func() *ticket.Ticket { _, g := read(tickets[2]); return g }(),
		Entry: &ticket.HistoryEntry{Type: "anonymised"}, Rewrite: []ticket.HistoryEntry{wants[0]}})
	changes[3].Ticket.Number = "W-2026-000009"
	errs := s.UpdateTickets(ctx, changes)
	for i, want := range []error{nil, ErrConflict, nil, nil} {
		if i == 3 {
			if errs[3] == nil || !strings.Contains(errs[3].Error(), "not one of its entries") {
				t.Errorf("entries of another ticket: %v", errs[3])
			}
			continue
		}
		if want == nil && errs[i] != nil || want != nil && !errors.Is(errs[i], want) {
			t.Errorf("change %d = %v, want %v", i, errs[i], want)
		}
	}
	for i, tk := range tickets {
		h, _ := read(tk)
		if i == 1 {
			if h[0].Actor != "person@example.org" || len(h) != 1 {
				t.Errorf("lost change rewrote its history: %+v", h)
			}
			continue
		}
		if len(h) != 2 || !reflect.DeepEqual(h[0], wants[i]) {
			t.Errorf("%s entry 1 read back:\n%+v\nwant\n%+v", tk.Number, h[0], wants[i])
		}
		ours := rawRow(t, s, HistoryCollection, h[0].ID)
		if err := s.RewriteHistory(ctx, tk.Number, h[:1]); err != nil {
			t.Fatal(err)
		}
		if a, b := canonical(t, rawRow(t, s, HistoryCollection, h[0].ID)), canonical(t, ours); !reflect.DeepEqual(a, b) {
			t.Errorf("entry row:\nFerretDB: %v\nours:     %v", a, b)
		}
	}
}
