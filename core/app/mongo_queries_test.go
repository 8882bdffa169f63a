package app_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"vorgang/core/app"
	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/knowledge"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// queryLog records the queries a store sends in MongoDB mode, each with the
// operation that sent it.
type queryLog struct {
	mu      sync.Mutex
	current string
	seen    map[string][]string // query → operations
	queries map[string]store.IssuedQuery
}

func (l *queryLog) observe(q store.IssuedQuery) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := q.String()
	if l.seen == nil {
		l.seen, l.queries = map[string][]string{}, map[string]store.IssuedQuery{}
	}
	if ops := l.seen[key]; len(ops) == 0 || ops[len(ops)-1] != l.current {
		l.seen[key] = append(ops, l.current)
	}
	l.queries[key] = q
}

func (l *queryLog) during(op string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.current = op
}

// TestEveryMongoDBQueryIsServedByADeclaredIndex runs the operations of the
// engine, the store and the services on a store in MongoDB mode (the
// embedded FerretDB reached through its connection string, so no MongoDB
// server is needed), records every query at the driver, and checks each
// against the indexes the schemas declare in equality-sort-range order: a
// new query no declared index serves fails here, named with the index it
// needs.
func TestEveryMongoDBQueryIsServedByADeclaredIndex(t *testing.T) {
	// The driver lower-cases socket paths: the folder must not have
	// upper-case letters, as t.TempDir's (named after the test) has.
	dir, err := os.MkdirTemp("", "vorgang-app-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	now := time.Date(2026, 3, 7, 22, 0, 0, 0, time.UTC)
	clock := testkit.NewClock(now)
	first := testkit.NewApp(t, app.Config{DataDir: dir, Holder: "first", Now: clock.Now})
	var log queryLog
	log.during("open")
	a := testkit.NewApp(t, app.Config{MongoURI: first.Store.EmbeddedURI(), Holder: "second", Now: clock.Now, ObserveQueries: log.observe})
	if a.Store.Mode() != store.ModeMongoDB {
		t.Fatalf("mode %s, want %s", a.Store.Mode(), store.ModeMongoDB)
	}
	admin := &auth.Principal{User: "admin", Admin: true}
	st := a.Store
	var numbers []string
	var tracking string

	ops := []struct {
		name string
		run  func(ctx context.Context) error
	}{
		{"create tickets", func(ctx context.Context) error {
			for i := range 4 {
				tk, err := a.Engine.Create(ctx, admin, engine.CreateRequest{Process: "it-incident", Data: incident(fmt.Sprint("Drucker ", i))})
				if err != nil {
					return err
				}
				numbers = append(numbers, tk.Number)
				tracking = tk.Tracking
			}
			_, err := a.Engine.Create(ctx, admin, engine.CreateRequest{Process: "it-incident", Data: incident("einmal"), IdempotencyKey: "k-1"})
			return err
		}},
		{"transition, comment, assign", func(ctx context.Context) error {
			if _, err := a.Engine.Transition(ctx, admin, numbers[0], engine.TransitionRequest{Transition: "start"}); err != nil {
				return err
			}
			if _, err := a.Engine.Comment(ctx, admin, numbers[1], 0, "Nachfrage", true, "de"); err != nil {
				return err
			}
			_, err := a.Engine.Assign(ctx, admin, numbers[2], 0, "admin", "de")
			return err
		}},
		{"view ticket and history", func(ctx context.Context) error {
			if _, err := a.Engine.View(ctx, admin, numbers[0]); err != nil {
				return err
			}
			_, _, err := a.Engine.History(ctx, admin, numbers[0])
			return err
		}},
		{"inboxes", func(ctx context.Context) error {
			for _, q := range []ticket.Query{
				{Team: "it-1st-level"},
				{Team: "it-1st-level", States: []string{"new"}, Priorities: []string{"low"}, Process: "it-incident", Limit: 1},
				{Team: "it-1st-level", Closed: true, Text: "drucker"},
				{Assignee: "admin"},
				{Requester: "admin"},
			} {
				_, next, err := st.Inbox(ctx, q)
				if err != nil {
					return err
				}
				if next != "" {
					q.After = next
					if _, _, err := st.Inbox(ctx, q); err != nil {
						return err
					}
				}
			}
			_, _, err := a.Engine.Inbox(ctx, admin, ticket.Query{Team: "it-1st-level"})
			return err
		}},
		{"SLA sweep and due tickets", func(ctx context.Context) error {
			clock.Advance(72 * time.Hour)
			if _, err := a.Engine.SweepSLA(ctx); err != nil {
				return err
			}
			rows, err := st.DueBefore(ctx, ticket.SortTime(clock.Now().Add(1000*time.Hour)), "", 1)
			if err != nil || len(rows) == 0 {
				return err
			}
			_, err = st.DueBefore(ctx, ticket.SortTime(clock.Now().Add(1000*time.Hour)), rows[0].Cursor(), 1)
			return err
		}},
		{"counts", func(ctx context.Context) error {
			if _, err := a.Engine.Counts(ctx, admin); err != nil {
				return err
			}
			if _, err := st.OpenByState(ctx); err != nil {
				return err
			}
			_, err := st.OpenByCatalog(ctx)
			return err
		}},
		{"tickets by tracking, number, text and change", func(ctx context.Context) error {
			// Staff tickets have no tracking token: the lookup of one
			// is the query, whether it finds a ticket or not.
			if _, err := st.TicketByTracking(ctx, tracking+"token"); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if _, err := st.TicketsByNumber(ctx, numbers); err != nil {
				return err
			}
			if _, err := st.TicketNumbers(ctx, "", 2); err != nil {
				return err
			}
			if _, err := st.OpenTicketNumbers(ctx, "it-incident", "new"); err != nil {
				return err
			}
			if _, err := st.TicketTexts(ctx, "", 2); err != nil {
				return err
			}
			stamps, err := st.TicketsChangedSince(ctx, now, store.TicketStamp{}, 1)
			if err != nil || len(stamps) == 0 {
				return err
			}
			_, err = st.TicketsChangedSince(ctx, now, stamps[0], 1)
			return err
		}},
		{"hook queries of tickets", func(ctx context.Context) error {
			_, err := st.FindTickets(ctx, store.TicketFilter{Process: "it-incident", Limit: 5})
			return err
		}},
		{"outbox", func(ctx context.Context) error {
			a.Engine.RunEffects(ctx)
			for _, state := range []string{store.OutboxPending, store.OutboxFailed, store.OutboxDone} {
				_, next, err := st.ListOutbox(ctx, store.OutboxQuery{State: state, Limit: 1})
				if err != nil {
					return err
				}
				if next != "" {
					if _, _, err := st.ListOutbox(ctx, store.OutboxQuery{State: state, Kind: "mail", After: next, Limit: 1}); err != nil {
						return err
					}
				}
			}
			if _, err := st.OutboxCounts(ctx); err != nil {
				return err
			}
			items, err := st.ClaimOutbox(ctx, "w", clock.Now(), time.Minute, 5)
			if err != nil {
				return err
			}
			for _, it := range items {
				if _, err := st.OutboxWaitsBefore(ctx, "webhook/w/"+numbers[0]+"/", it.ID); err != nil {
					return err
				}
				if err := st.CompleteOutbox(ctx, &it); err != nil {
					return err
				}
			}
			if _, err := a.Engine.LongFailing(ctx, time.Hour); err != nil {
				return err
			}
			_, err = st.PurgeOutbox(ctx, clock.Now().Add(time.Hour))
			return err
		}},
		{"leases", func(ctx context.Context) error {
			for range 2 {
				if _, err := st.AcquireLease(ctx, "job", "second", time.Minute); err != nil {
					return err
				}
			}
			if _, err := st.RenewLease(ctx, "job", "second", time.Minute); err != nil {
				return err
			}
			return st.ReleaseLease(ctx, "job", "second")
		}},
		{"uploads and create claims", func(ctx context.Context) error {
			if _, err := a.Engine.Upload(ctx, "admin", "a.txt", "text/plain", strings.NewReader("x"), 100); err != nil {
				return err
			}
			if _, err := a.Engine.SweepUploads(ctx, -time.Hour); err != nil {
				return err
			}
			_, err := a.Engine.PurgeCreateClaims(ctx, clock.Now().Add(time.Hour))
			return err
		}},
		{"users, sessions and assets", func(ctx context.Context) error {
			if _, err := a.Auth.ListUsers(ctx, "", 10); err != nil {
				return err
			}
			if _, err := a.Auth.Sweep(ctx); err != nil {
				return err
			}
			// Staff ask for an asset by its inventory number in any
			// case; there is none, the query is what counts.
			_, _ = a.Assets.Asset(ctx, "inv-404")
			for _, q := range []asset.Query{{}, {Class: "laptop"}, {Status: "active"}, {Class: "laptop", Status: "active"}, {Target: "admin"}, {Target: "admin", Class: "laptop"}} {
				if _, _, err := a.Assets.Find(ctx, q); err != nil {
					return err
				}
			}
			return nil
		}},
		{"search, export, report, data subjects", func(ctx context.Context) error {
			if _, err := a.Engine.Search(ctx, admin, engine.SearchRequest{Text: "drucker", Team: "it-1st-level"}); err != nil {
				return err
			}
			if _, err := a.Engine.ExportTickets(ctx, admin, ticket.Query{Team: "it-1st-level"}, "csv", io.Discard); err != nil {
				return err
			}
			if _, err := a.Engine.MonthReport(ctx, admin, now); err != nil {
				return err
			}
			_, err := a.Engine.FindSubject(ctx, admin, engine.Subject{User: "admin"})
			return err
		}},
		{"knowledge base", func(ctx context.Context) error {
			if _, err := a.Knowledge.Create(ctx, admin, knowledge.Content{Visibility: knowledge.Public, Category: "Drucken",
				Texts: map[string]knowledge.Text{"de": {Title: "Drucker", Body: "Der Drucker im Flur."}}}, "de"); err != nil {
				return err
			}
			if _, err := a.Knowledge.Find(ctx, knowledge.Scope{All: true}, knowledge.Query{}); err != nil {
				return err
			}
			// On MongoDB too a search with words goes to the article index
			// (stemming: Druckers finds Drucker; snippets).
			p, err := a.Knowledge.Find(ctx, knowledge.Scope{}, knowledge.Query{Text: "Druckers"})
			if err != nil {
				return err
			}
			if len(p.Articles) != 1 || !strings.Contains(string(p.Snippets[p.Articles[0].Number]), "<mark>Drucker</mark>") {
				return fmt.Errorf("Druckers finds %d articles, snippets %v", len(p.Articles), p.Snippets)
			}
			_, err = a.Knowledge.PurgeFiles(ctx, now.Add(2*time.Hour))
			return err
		}},
		{"scheduled jobs: reminders, retention, migrations", func(ctx context.Context) error {
			if _, _, err := a.RemindAssets(ctx); err != nil {
				return err
			}
			if _, _, err := a.EnforceRetention(ctx); err != nil {
				return err
			}
			if _, _, err := a.Migrate(ctx); err != nil {
				return err
			}
			_, err := a.FillClosingTimes(ctx)
			return err
		}},
		{"definition versions", func(ctx context.Context) error {
			_, err := a.Engine.DefinitionVersions(ctx)
			return err
		}},
	}
	for _, op := range ops {
		log.during(op.name)
		if err := op.run(t.Context()); err != nil {
			t.Fatalf("%s: %v", op.name, err)
		}
	}

	keys := make([]string, 0, len(log.queries))
	for k := range log.queries {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		how, err := st.Served(log.queries[k])
		if errors.Is(err, store.ErrNotServed) || err != nil {
			t.Errorf("%v (sent by: %s)", err, strings.Join(log.seen[k], "; "))
			continue
		}
		t.Logf("%s → %s", k, how)
	}
	// Every declared shape the indexes must serve was sent at least once:
	// the operations above are all the queries there are. Shapes of _id
	// alone are served whatever is sent; declared scans are only listed.
	sent := map[string]bool{}
	for _, q := range log.queries {
		sent[q.Collection+" "+q.Shape] = true
	}
	for _, c := range append(store.OwnSchema(), app.Schema()...) {
		for _, sh := range c.Shapes {
			switch {
			case sent[c.Name+" "+sh.Name]:
			case sh.Scans || slices.Equal(sh.Keys, []string{"_id"}):
				t.Logf("not sent: %s on %s", sh.Name, c.Name)
			default:
				t.Errorf("no operation sent the query %s on %s: add one to this test", sh.Name, c.Name)
			}
		}
	}
	// vorgang doctor explains one query per shape: it must be one the
	// operations send (the same equality fields and sort), or doctor
	// would check a query nobody sends.
	for _, c := range append(store.OwnSchema(), app.Schema()...) {
		for _, sh := range c.Shapes {
			if sh.Scans || !sent[c.Name+" "+sh.Name] {
				continue
			}
			want, err := st.ExplainedQuery(c.Name, sh.Name)
			if err != nil {
				t.Fatal(err)
			}
			var variants []string
			match := false
			for _, q := range log.queries {
				if q.Collection != c.Name || q.Shape != sh.Name {
					continue
				}
				variants = append(variants, q.String())
				match = match || (sameFields(q.Equal, want.Equal) && slices.Equal(q.Sort, want.Sort))
			}
			if !match {
				t.Errorf("doctor explains %s, which none of the queries sent is like: %s", want, strings.Join(variants, "; "))
			}
		}
	}
	if len(keys) < 20 {
		t.Errorf("only %d distinct queries recorded; is the observer wired?", len(keys))
	}
}

// docs/data-model.md lists every declared index with its options; the list
// must say what the schemas declare, no more and no less.
func TestDataModelListsEveryDeclaredIndex(t *testing.T) {
	doc, err := os.ReadFile("../../docs/data-model.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "### Indexes per collection")
	if !ok {
		t.Fatal("docs/data-model.md has no section \"Indexes per collection\"")
	}
	section, _, _ = strings.Cut(section, "\n### ")
	listed := map[string]bool{}
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 5 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		listed[strings.TrimSpace(cells[1])+" "+strings.TrimSpace(cells[2])+" "+strings.TrimSpace(cells[3])] = true
	}
	declared := map[string]bool{}
	for _, c := range append(store.OwnSchema(), app.Schema()...) {
		for _, ix := range c.Indexes {
			var opts []string
			if ix.Unique {
				opts = append(opts, "unique")
			}
			if ix.Sparse {
				opts = append(opts, "sparse")
			}
			declared["`"+c.Name+"` `"+strings.Join(ix.Keys, ", ")+"` "+strings.Join(opts, ", ")] = true
		}
	}
	for k := range declared {
		if !listed[k] {
			t.Errorf("docs/data-model.md does not list the index %s", k)
		}
	}
	for k := range listed {
		if !declared[k] {
			t.Errorf("docs/data-model.md lists %s, which no schema declares", k)
		}
	}
}

func sameFields(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}
