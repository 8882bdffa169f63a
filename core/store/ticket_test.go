package store

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang/core/ticket"
)

func newTicket(number string) *ticket.Ticket {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	return &ticket.Ticket{Number: number, Process: "it-incident", Catalog: "c1", Title: "Drucker druckt nicht",
		State: "new", Category: "open", Open: true, Priority: "medium", Team: "it-1st-level",
		Requester: "anna", Due: ticket.SortTime(now.Add(4 * time.Hour)), Created: now, Updated: now,
		Data: map[string]any{"summary": "Drucker in Raum 204", "impact": "single"}}
}

func TestTicketCreateUpdateHistory(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		tk := newTicket("INC-2026-000001")
		if err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Actor: "anna", Type: "created"}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Ticket(ctx, tk.Number)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 1 || got.Data["summary"] != "Drucker in Raum 204" {
			t.Fatalf("stored ticket = %+v", got)
		}
		got.State = "in_progress"
		got.Assignee = "bernd"
		if err := s.UpdateTicket(ctx, got, &ticket.HistoryEntry{Actor: "bernd", Type: "transition", Data: map[string]any{"to": "in_progress"}}); err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 {
			t.Errorf("version after update = %d, want 2", got.Version)
		}
		again, _ := s.Ticket(ctx, tk.Number)
		hist, err := s.History(ctx, again)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[0].Type != "created" || hist[1].Type != "transition" || hist[1].Seq != 2 || hist[1].ID != "INC-2026-000001/00000002" {
			t.Errorf("history = %+v", hist)
		}
		if _, err := s.Ticket(ctx, "INC-2026-999999"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing ticket: err = %v, want ErrNotFound", err)
		}
		stale := *got
		stale.Version = 1
		if err := s.UpdateTicket(ctx, &stale, &ticket.HistoryEntry{Type: "comment"}); !errors.Is(err, ErrConflict) {
			t.Errorf("update from a stale version: err = %v, want ErrConflict", err)
		}
	})
}

// Concurrent writers of one version: exactly one wins, the rest get
// ErrConflict, and every committed change has exactly one history entry.
func TestTicketUpdateConcurrentOneWinner(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		tk := newTicket("INC-2026-000002")
		tk.Data["counter"] = int64(0)
		if err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Type: "created"}); err != nil {
			t.Fatal(err)
		}
		const writers, rounds = 8, 15
		wins := 0
		for round := 0; round < rounds; round++ {
			base, err := s.Ticket(ctx, tk.Number)
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var wg sync.WaitGroup
			winners := 0
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					mine := *base
					mine.Data = map[string]any{"counter": base.Data["counter"].(int64) + 1, "writer": int64(w)}
					err := s.UpdateTicket(ctx, &mine, &ticket.HistoryEntry{Actor: fmt.Sprint(w), Type: "field_changed"})
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						winners++
					case !errors.Is(err, ErrConflict):
						t.Errorf("writer %d: %v", w, err)
					}
				}(w)
			}
			wg.Wait()
			if winners != 1 {
				t.Fatalf("round %d: %d winners, want exactly 1", round, winners)
			}
			wins += winners
		}
		final, _ := s.Ticket(ctx, tk.Number)
		if final.Version != int64(1+wins) || final.Data["counter"] != int64(wins) {
			t.Fatalf("final version %d counter %v after %d wins: a lost update", final.Version, final.Data["counter"], wins)
		}
		hist, err := s.History(ctx, final)
		if err != nil {
			t.Fatal(err)
		}
		for i, h := range hist {
			if h.Seq != int64(i+1) {
				t.Fatalf("history entry %d has seq %d", i, h.Seq)
			}
		}
	})
}

// A crash between claiming a version (history insert) and writing the
// ticket leaves an uncommitted entry: readers do not see it and the next
// writer replaces it.
func TestTicketUncommittedEntryIsReplaced(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	ctx := t.Context()
	tk := newTicket("INC-2026-000003")
	if err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Type: "created"}); err != nil {
		t.Fatal(err)
	}
	orphan := ticket.HistoryEntry{ID: HistoryID(tk.Number, 2), Ticket: tk.Number, Seq: 2, Type: "half-written", At: time.Now()}
	if err := s.Insert(ctx, HistoryCollection, orphan); err != nil {
		t.Fatal(err)
	}
	cur, _ := s.Ticket(ctx, tk.Number)
	if hist, _ := s.History(ctx, cur); len(hist) != 1 {
		t.Fatalf("uncommitted entry visible: %+v", hist)
	}
	cur.Title = "Drucker druckt wieder nicht"
	if err := s.UpdateTicket(ctx, cur, &ticket.HistoryEntry{Type: "field_changed"}); err != nil {
		t.Fatalf("update over an uncommitted entry: %v", err)
	}
	hist, _ := s.History(ctx, cur)
	if len(hist) != 2 || hist[1].Type != "field_changed" {
		t.Fatalf("history = %+v", hist)
	}
}

// seedQueryTickets stores tickets over three teams, two assignees and
// several states, due times and priorities, and returns them.
func seedQueryTickets(t *testing.T, s *Store, n int) []*ticket.Ticket {
	t.Helper()
	ctx := t.Context()
	teams := []string{"it-1st-level", "it-2nd-level", "buergerbuero"}
	states := []string{"new", "in_progress", "waiting", "resolved", "closed"}
	prios := []string{"critical", "high", "medium", "low"}
	base := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	var out []*ticket.Ticket
	for i := 0; i < n; i++ {
		tk := newTicket(fmt.Sprintf("INC-2026-%06d", 100+i))
		tk.Team = teams[i%3]
		tk.State = states[i%5]
		tk.Category = map[string]string{"resolved": "resolved", "closed": "closed"}[tk.State]
		if tk.Category == "" {
			tk.Category = "open"
		}
		tk.Open = tk.Category == "open"
		tk.Priority = prios[i%4]
		tk.Due = ticket.SortTime(base.Add(time.Duration((i*7919)%97) * time.Hour))
		if i%11 == 0 {
			tk.Due = ticket.NoDue
		}
		if i%2 == 0 {
			tk.Assignee = []string{"bernd", "carla"}[i/2%2]
		}
		tk.Requester = []string{"anna", "dora", "emil"}[i%3]
		tk.Title = []string{"Drucker druckt nicht", "Ärger mit dem VPN", "Monitor flackert", "Zugang zum ÄRGER-Portal", "Maus 100% defekt"}[i%7%5]
		if i%4 == 0 {
			tk.Tracking = fmt.Sprintf("trk-%d", i)
		}
		if err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Type: "created"}); err != nil {
			t.Fatal(err)
		}
		out = append(out, tk)
	}
	return out
}

// expectedInbox computes an inbox of open tickets by brute force.
func expectedInbox(all []*ticket.Ticket, keep func(*ticket.Ticket) bool) []string {
	return expectedList(all, false, keep)
}

// expectedList computes an inbox of open or closed tickets by brute force.
func expectedList(all []*ticket.Ticket, closed bool, keep func(*ticket.Ticket) bool) []string {
	var sel []*ticket.Ticket
	for _, tk := range all {
		if tk.Open != closed && keep(tk) {
			sel = append(sel, tk)
		}
	}
	sort.Slice(sel, func(i, j int) bool {
		if sel[i].Due != sel[j].Due {
			return sel[i].Due < sel[j].Due
		}
		return sel[i].Number < sel[j].Number
	})
	out := make([]string, len(sel))
	for i, tk := range sel {
		out[i] = tk.Number
	}
	return out
}

// queryModes runs f on the embedded store through SQL over the indexes and
// through the driver queries MongoDB gets, so both code paths are checked
// against the same expectations.
func queryModes(t *testing.T, s *Store, f func(t *testing.T)) {
	t.Run("index", f)
	t.Run("driver", func(t *testing.T) {
		x := s.sql
		s.sql = nil
		defer func() { s.sql = x }()
		f(t)
	})
}

func TestInboxPagesMatchBruteForce(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	all := seedQueryTickets(t, s, 90)
	tests := []struct {
		name string
		q    ticket.Query
		keep func(*ticket.Ticket) bool
	}{
		{"team", ticket.Query{Team: "it-1st-level"}, func(tk *ticket.Ticket) bool { return tk.Team == "it-1st-level" }},
		{"assignee", ticket.Query{Assignee: "bernd"}, func(tk *ticket.Ticket) bool { return tk.Assignee == "bernd" }},
		{"requester", ticket.Query{Requester: "dora"}, func(tk *ticket.Ticket) bool { return tk.Requester == "dora" }},
		{"team and states", ticket.Query{Team: "it-2nd-level", States: []string{"new", "waiting"}},
			func(tk *ticket.Ticket) bool {
				return tk.Team == "it-2nd-level" && (tk.State == "new" || tk.State == "waiting")
			}},
		{"team and priority", ticket.Query{Team: "buergerbuero", Priorities: []string{"critical"}},
			func(tk *ticket.Ticket) bool { return tk.Team == "buergerbuero" && tk.Priority == "critical" }},
		{"no match", ticket.Query{Team: "nobody"}, func(*ticket.Ticket) bool { return false }},
		{"closed of a team", ticket.Query{Team: "it-1st-level", Closed: true}, func(tk *ticket.Ticket) bool { return tk.Team == "it-1st-level" }},
		{"text folds umlauts", ticket.Query{Team: "it-2nd-level", Text: "ärger"},
			func(tk *ticket.Ticket) bool {
				return tk.Team == "it-2nd-level" && strings.Contains(strings.ToLower(tk.Title), "ärger")
			}},
		{"text is no pattern", ticket.Query{Assignee: "carla", Text: "100%"},
			func(tk *ticket.Ticket) bool { return tk.Assignee == "carla" && strings.Contains(tk.Title, "100%") }},
		{"closed with text", ticket.Query{Requester: "anna", Closed: true, Text: "DRUCKER"},
			func(tk *ticket.Ticket) bool { return tk.Requester == "anna" && strings.Contains(tk.Title, "Drucker") }},
		{"text in the number", ticket.Query{Team: "it-1st-level", Text: "inc-2026-00011"},
			func(tk *ticket.Ticket) bool {
				return tk.Team == "it-1st-level" && strings.HasPrefix(tk.Number, "INC-2026-00011")
			}},
	}
	queryModes(t, s, func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				want := expectedList(all, tt.q.Closed, tt.keep)
				if len(want) == 0 && tt.name != "no match" {
					t.Fatal("the case selects nothing: it would not test the filter")
				}
				var got []string
				q := tt.q
				q.Limit = 4
				for page := 0; page < 50; page++ {
					rows, next, err := s.Inbox(t.Context(), q)
					if err != nil {
						t.Fatal(err)
					}
					for _, r := range rows {
						got = append(got, r.Number)
					}
					if next == "" {
						break
					}
					q.After = next
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("inbox pages\n got %v\nwant %v", got, want)
				}
			})
		}
	})
}

func TestInboxRejectsBadQueries(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	for name, q := range map[string]ticket.Query{
		"no owner":   {},
		"two owners": {Team: "a", Assignee: "b"},
		"bad cursor": {Team: "a", After: "yesterday"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := s.Inbox(t.Context(), q); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func TestCountsDueBeforeAndTracking(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	all := seedQueryTickets(t, s, 60)
	queryModes(t, s, func(t *testing.T) {
		ctx := t.Context()
		counts, err := s.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for _, c := range counts {
			got[c.Team+"/"+c.State+"/"+c.Priority] = c.N
		}
		want := map[string]int64{}
		for _, tk := range all {
			if tk.Open {
				want[tk.Team+"/"+tk.State+"/"+tk.Priority]++
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("counts\n got %v\nwant %v", got, want)
		}

		cutoff := ticket.SortTime(time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC))
		var gotDue []string
		after := ""
		for {
			rows, err := s.DueBefore(ctx, cutoff, after, 7)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				gotDue = append(gotDue, r.Number)
			}
			if len(rows) < 7 {
				break
			}
			after = rows[len(rows)-1].Cursor()
		}
		wantDue := expectedInbox(all, func(tk *ticket.Ticket) bool { return tk.Due < cutoff })
		if fmt.Sprint(gotDue) != fmt.Sprint(wantDue) {
			t.Errorf("due before\n got %v\nwant %v", gotDue, wantDue)
		}

		if n, err := s.TicketByTracking(ctx, "trk-8"); err != nil || n != all[8].Number {
			t.Errorf("by tracking: %q, %v; want %s", n, err, all[8].Number)
		}
		if _, err := s.TicketByTracking(ctx, "trk-unknown"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown token: err = %v, want ErrNotFound", err)
		}
	})
}

func TestTrackingTokenIsUnique(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	a, b := newTicket("INC-2026-000010"), newTicket("INC-2026-000011")
	a.Tracking, b.Tracking = "same", "same"
	if err := s.CreateTicket(t.Context(), a, &ticket.HistoryEntry{Type: "created"}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateTicket(t.Context(), b, &ticket.HistoryEntry{Type: "created"}); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("second ticket with the same tracking token: err = %v, want ErrDuplicate", err)
	}
}

// A change is visible to the index queries as soon as it is acknowledged.
func TestInboxSeesWritesImmediately(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	ctx := t.Context()
	tk := newTicket("INC-2026-000020")
	if err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Type: "created"}); err != nil {
		t.Fatal(err)
	}
	tk.Team = "it-2nd-level"
	if err := s.UpdateTicket(ctx, tk, &ticket.HistoryEntry{Type: "team_changed"}); err != nil {
		t.Fatal(err)
	}
	first, _, _ := s.Inbox(ctx, ticket.Query{Team: "it-1st-level"})
	second, _, _ := s.Inbox(ctx, ticket.Query{Team: "it-2nd-level"})
	if len(first) != 0 || len(second) != 1 || second[0].Team != "it-2nd-level" {
		t.Fatalf("after moving the ticket: 1st level %v, 2nd level %v", first, second)
	}
}

// Every query shape has an index on MongoDB (its keys are a prefix of an
// index's keys) and is answered from an index on the embedded store.
func TestEveryQueryShapeHasAnIndex(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	for _, c := range ownSchema {
		if err := c.check(); err != nil {
			t.Error(err)
		}
		for _, shape := range c.Shapes {
			t.Run(shape.Name, func(t *testing.T) {
				if shape.Scans {
					return
				}
				if err := s.verifyPlan(t.Context(), c.Name, shape); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
	for name := range shapeSQL {
		declared := false
		for _, c := range ownSchema {
			if _, err := s.schema.shape(c.Name, name); err == nil {
				declared = true
			}
		}
		if !declared {
			t.Errorf("SQL for the undeclared shape %s", name)
		}
	}
	var plan string
	table, _ := s.sql.table(t.Context(), TicketsCollection)
	plan, _ = s.sql.explain(t.Context(), fmt.Sprintf("SELECT 1 FROM %q WHERE %s->'$._id' = ?", table, sqlColumn), `"x"`)
	if !planUsesIndex(plan) {
		t.Errorf("FerretDB's own _id lookups would scan: %s", plan)
	}
	_ = bson.D{}
}

// The embedded store's cached counts follow creates and updates exactly.
func TestCountsFollowWrites(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	ctx := t.Context()
	all := seedQueryTickets(t, s, 20)
	if _, err := s.Counts(ctx); err != nil { // loads the cache
		t.Fatal(err)
	}
	extra := newTicket("INC-2026-000500")
	if err := s.CreateTicket(ctx, extra, &ticket.HistoryEntry{Type: "created"}); err != nil {
		t.Fatal(err)
	}
	dup := newTicket("INC-2026-000501")
	dup.Tracking = all[0].Tracking
	if err := s.CreateTicket(ctx, dup, &ticket.HistoryEntry{Type: "created"}); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("duplicate tracking token: %v", err)
	}
	for i, tk := range all[:10] {
		cur, _ := s.Ticket(ctx, tk.Number)
		switch i % 3 {
		case 0:
			cur.Team = "it-2nd-level"
		case 1:
			cur.State, cur.Category, cur.Open = "closed", "closed", false
		case 2:
			cur.State, cur.Category, cur.Open, cur.Priority = "new", "open", true, "low"
		}
		if err := s.UpdateTicket(ctx, cur, &ticket.HistoryEntry{Type: "changed"}); err != nil {
			t.Fatal(err)
		}
	}
	cached, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := s.countOpen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(fresh, func(i, j int) bool {
		return fresh[i].Team+fresh[i].State+fresh[i].Priority < fresh[j].Team+fresh[j].State+fresh[j].Priority
	})
	if fmt.Sprint(cached) != fmt.Sprint(fresh) {
		t.Fatalf("cached counts drifted\ncached %v\nstored %v", cached, fresh)
	}
}

func TestTicketNumbersPages(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	all := seedQueryTickets(t, s, 25)
	queryModes(t, s, func(t *testing.T) {
		var got []string
		after := ""
		for {
			page, err := s.TicketNumbers(t.Context(), after, 10)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, page...)
			if len(page) < 10 {
				break
			}
			after = page[len(page)-1]
		}
		if len(got) != len(all) || got[0] != all[0].Number || got[len(got)-1] != all[len(all)-1].Number {
			t.Fatalf("numbers = %v", got)
		}
	})
}
