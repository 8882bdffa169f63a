package engine_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// countingStore is the real store, counting what a report reads: the
// tickets its range queries return, and tickets read one at a time.
type countingStore struct {
	*store.Store
	ranged, single atomic.Int64
}

func (c *countingStore) TicketsBetween(ctx context.Context, by store.TicketTime, from, to time.Time, after store.TicketCursor, limit int) ([]*ticket.Ticket, error) {
	ts, err := c.Store.TicketsBetween(ctx, by, from, to, after, limit)
	c.ranged.Add(int64(len(ts)))
	return ts, err
}

func (c *countingStore) Ticket(ctx context.Context, number string) (*ticket.Ticket, error) {
	c.single.Add(1)
	return c.Store.Ticket(ctx, number)
}

func (c *countingStore) TicketsByNumber(ctx context.Context, numbers []string) ([]*ticket.Ticket, error) {
	c.single.Add(int64(len(numbers)))
	return c.Store.TicketsByNumber(ctx, numbers)
}

// shapeLog records the declared query shapes a store in MongoDB mode sends.
type shapeLog struct {
	mu     sync.Mutex
	shapes []string
}

func (l *shapeLog) observe(q store.IssuedQuery) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.shapes = append(l.shapes, q.Shape)
}

func (l *shapeLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.shapes
	l.shapes = nil
	return out
}

// storeModes are the two ways the engine reaches its data: the embedded
// store, and MongoDB mode (here the driver against another embedded
// store's FerretDB, which needs no MongoDB server).
var storeModes = []string{store.ModeEmbedded, store.ModeMongoDB}

// openIn opens a fresh store in mode; in MongoDB mode log records the
// shapes of its queries.
func openIn(t *testing.T, mode string, log *shapeLog) *store.Store {
	t.Helper()
	if mode == store.ModeEmbedded {
		return openStore(t)
	}
	// The driver lower-cases socket paths: no upper-case letters in the
	// folder, as t.TempDir's has.
	dir, err := os.MkdirTemp("", "vorgang-report-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	first := testkit.OpenStore(t, testkit.StoreOptions{DataDir: dir, Collections: engine.Schema()})
	return testkit.OpenStore(t, testkit.StoreOptions{MongoURI: first.EmbeddedURI(), Collections: engine.Schema(), Observe: log.observe})
}

var admin = &auth.Principal{User: "admin", Admin: true}

// act runs transitions on ticket number at the given Berlin times of the
// engine's clock.
func act(t *testing.T, eng *engine.Engine, clk *testkit.Clock, number string, steps ...struct {
	at time.Time
	tr string
}) {
	t.Helper()
	for _, s := range steps {
		clk.Set(s.at)
		req := engine.TransitionRequest{Transition: s.tr, Comment: "Bitte noch einmal ansehen"}
		if s.tr == "resolve" {
			req.Data = map[string]any{"solution": "Treiber neu installiert", "cause": "software"}
		}
		if _, err := eng.Transition(t.Context(), admin, number, req); err != nil {
			t.Fatalf("%s %s: %v", s.tr, number, err)
		}
	}
}

type step = struct {
	at time.Time
	tr string
}

func berlinDay(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, berlin)
}

// seedLater inserts n finished tickets created over the year after
// November 2025, each closed a day after it was created: what a report
// of November 2025 must not read.
func seedLater(t *testing.T, st *store.Store, n int) {
	t.Helper()
	start := berlinDay(2026, 1, 5, 9)
	var docs []any
	for i := range n {
		created := start.Add(time.Duration(i) * 7 * time.Hour).UTC()
		docs = append(docs, &ticket.Ticket{Number: fmt.Sprintf("LATER-%05d", i), Process: "it-incident", Team: "it-1st-level", Version: 1,
			Title: "später", State: "closed", Category: "closed", Priority: "medium", Requester: "anna", Due: ticket.NoDue,
			Created: created, Updated: created.Add(24 * time.Hour), ClosedAt: created.Add(24 * time.Hour)})
	}
	if _, err := st.DB().Collection(store.TicketsCollection).InsertMany(t.Context(), docs); err != nil {
		t.Fatal(err)
	}
}

type weekCount struct {
	monday          string
	team            string
	created, closed int
}

func weeksOf(rep *engine.Report) []weekCount {
	var out []weekCount
	for _, w := range rep.Weeks {
		out = append(out, weekCount{w.Week.Format(time.DateOnly), w.Team, w.Created, w.Closed})
	}
	return out
}

// TestReportOfALongPastMonth reports November 2025 a year later, with
// more than a thousand tickets created and closed since: the counts are
// those of the month's weeks (a ticket closed, reopened and closed again
// counts where it was closed last), and the report reads only the
// tickets created or closed in those weeks, one query per page, never
// one ticket at a time — on the embedded store and in MongoDB mode.
func TestReportOfALongPastMonth(t *testing.T) {
	t.Parallel()
	for _, mode := range storeModes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			var log shapeLog
			st := openIn(t, mode, &log)
			cs := &countingStore{Store: st}
			cat := testkit.Desks(t)
			clk := testkit.NewClock(berlinDay(2025, 11, 3, 9))
			eng, err := engine.New(engine.Deps{Store: cs, Catalog: func() *definition.Catalog { return cat }, Now: clk.Now,
				ScriptTimeout: 10 * time.Second, Logger: testkit.Quiet})
			if err != nil {
				t.Fatal(err)
			}
			create := func(at time.Time) string {
				clk.Set(at)
				tk, err := eng.Create(t.Context(), admin, engine.CreateRequest{Process: "it-incident", Data: incident("some", "high")})
				if err != nil {
					t.Fatal(err)
				}
				return tk.Number
			}
			// Week of 3 November: A resolved on the 5th and closed on
			// the 6th (it stopped being open on the 5th), B cancelled.
			a := create(berlinDay(2025, 11, 3, 9))
			b := create(berlinDay(2025, 11, 4, 9))
			act(t, eng, clk, a, step{berlinDay(2025, 11, 3, 10), "start"}, step{berlinDay(2025, 11, 5, 10), "resolve"}, step{berlinDay(2025, 11, 6, 10), "close"})
			act(t, eng, clk, b, step{berlinDay(2025, 11, 4, 12), "cancel"})
			// Week of 10 November: C resolved on the 13th, reopened on the
			// 14th and resolved again on 2 December: it was not closed in
			// November after all.
			c := create(berlinDay(2025, 11, 12, 9))
			act(t, eng, clk, c, step{berlinDay(2025, 11, 12, 10), "start"}, step{berlinDay(2025, 11, 13, 10), "resolve"},
				step{berlinDay(2025, 11, 14, 10), "reopen"})
			// A ticket created in September and closed on 20 November.
			old := &ticket.Ticket{Number: "OLD-1", Process: "it-incident", Team: "it-1st-level", Version: 1, Title: "alt", State: "closed",
				Category: "closed", Priority: "medium", Requester: "anna", Due: ticket.NoDue, Created: berlinDay(2025, 9, 1, 9).UTC(),
				Updated: berlinDay(2025, 11, 20, 9).UTC(), ClosedAt: berlinDay(2025, 11, 20, 9).UTC()}
			if _, err := st.DB().Collection(store.TicketsCollection).InsertOne(t.Context(), old); err != nil {
				t.Fatal(err)
			}
			act(t, eng, clk, c, step{berlinDay(2025, 12, 2, 10), "resolve"})
			seedLater(t, st, 1200)
			clk.Set(berlinDay(2026, 11, 27, 9))

			reader := &auth.Principal{User: "lea", Permissions: map[string]bool{engine.PermissionReportRead: true}}
			team := teamOf(t, st, a)
			cs.ranged.Store(0)
			cs.single.Store(0)
			log.take()
			rep, err := eng.MonthReport(t.Context(), reader, berlinDay(2025, 11, 1, 0))
			if err != nil {
				t.Fatal(err)
			}
			want := []weekCount{
				{"2025-11-03", team, 2, 2},           // A and B created, A (on the 5th) and B closed
				{"2025-11-10", team, 1, 0},           // C created; its close on the 13th was undone
				{"2025-11-17", "it-1st-level", 0, 1}, // OLD-1 closed
			}
			if got := weeksOf(rep); !slices.Equal(got, want) {
				t.Errorf("weeks of November 2025:\n got %v\nwant %v", got, want)
			}
			if len(rep.SLA) != 1 || rep.SLA[0].Tickets != 3 || rep.SLA[0].WithSLA != 3 {
				t.Errorf("SLA rows: %+v", rep.SLA)
			}
			// Created in the weeks: A, B, C; closed in them: A, B, OLD-1.
			if got := cs.ranged.Load(); got != 6 {
				t.Errorf("the report read %d tickets, want the 6 created or closed in its weeks", got)
			}
			if got := cs.single.Load(); got != 0 {
				t.Errorf("the report read %d tickets one at a time", got)
			}
			if mode == store.ModeMongoDB {
				want := []string{"tickets.created_between", "tickets.closed_between"}
				if got := log.take(); !slices.Equal(got, want) {
					t.Errorf("queries of the report: %q, want %q (one page each)", got, want)
				}
			}

			rep, err = eng.MonthReport(t.Context(), reader, berlinDay(2025, 12, 1, 0))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := weeksOf(rep), []weekCount{{"2025-12-01", team, 0, 1}}; !slices.Equal(got, want) {
				t.Errorf("weeks of December 2025: got %v, want %v (C closed again)", got, want)
			}
		})
	}
}

func teamOf(t *testing.T, st *store.Store, number string) string {
	t.Helper()
	tk, err := st.Ticket(t.Context(), number)
	if err != nil {
		t.Fatal(err)
	}
	return tk.Team
}

// TestFillClosingTimes takes tickets finished before the closing time was
// kept (closed_at removed behind the engine's back) and fills it in from
// the resolution goal, the history or the last change; the report then
// counts their closes. A run cut off after its first page resumes there,
// and a finished migration reads nothing more.
func TestFillClosingTimes(t *testing.T) {
	t.Parallel()
	for _, mode := range storeModes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			st := openIn(t, mode, &shapeLog{})
			cat := testkit.Desks(t)
			eng, clk := clockedEngine(t, st, cat, berlinDay(2025, 11, 3, 9))
			var numbers []string
			create := func(at time.Time) string {
				clk.Set(at)
				tk, err := eng.Create(t.Context(), admin, engine.CreateRequest{Process: "it-incident", Data: incident("some", "high")})
				if err != nil {
					t.Fatal(err)
				}
				numbers = append(numbers, tk.Number)
				return tk.Number
			}
			resolved := create(berlinDay(2025, 11, 3, 9))
			act(t, eng, clk, resolved, step{berlinDay(2025, 11, 3, 10), "start"}, step{berlinDay(2025, 11, 5, 10), "resolve"}, step{berlinDay(2025, 11, 6, 10), "close"})
			cancelled := create(berlinDay(2025, 11, 4, 9))
			act(t, eng, clk, cancelled, step{berlinDay(2025, 11, 4, 12), "cancel"})
			reopened := create(berlinDay(2025, 11, 10, 9))
			act(t, eng, clk, reopened, step{berlinDay(2025, 11, 10, 10), "start"}, step{berlinDay(2025, 11, 11, 10), "resolve"},
				step{berlinDay(2025, 11, 12, 10), "reopen"}, step{berlinDay(2025, 11, 13, 10), "resolve"})
			stillOpen := create(berlinDay(2025, 11, 14, 9))
			// No SLA and no history: the last change is all there is.
			bare := &ticket.Ticket{Number: "BARE-1", Process: "gone", Team: "it-1st-level", Title: "alt", State: "done",
				Category: "closed", Priority: "medium", Due: ticket.NoDue, Created: berlinDay(2025, 11, 17, 9).UTC(), Updated: berlinDay(2025, 11, 18, 9).UTC()}
			if _, err := st.DB().Collection(store.TicketsCollection).InsertOne(t.Context(), bare); err != nil {
				t.Fatal(err)
			}
			numbers = append(numbers, bare.Number)

			want := map[string]time.Time{bare.Number: bare.Updated}
			for _, n := range numbers[:4] {
				tk, err := st.Ticket(t.Context(), n)
				if err != nil {
					t.Fatal(err)
				}
				want[n] = tk.ClosedAt
				if _, err := st.DB().Collection(store.TicketsCollection).UpdateOne(t.Context(), bson.D{{Key: "_id", Value: n}},
					bson.D{{Key: "$unset", Value: bson.D{{Key: "closed_at", Value: ""}}}}); err != nil {
					t.Fatal(err)
				}
			}
			if !want[stillOpen].IsZero() || want[reopened] != berlinDay(2025, 11, 13, 10).UTC() || want[resolved] != berlinDay(2025, 11, 5, 10).UTC() {
				t.Fatalf("closing times the engine kept: %v", want)
			}
			reader := &auth.Principal{User: "lea", Permissions: map[string]bool{engine.PermissionReportRead: true}}
			closes := func() int {
				rep, err := eng.MonthReport(t.Context(), reader, berlinDay(2025, 11, 1, 0))
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, w := range rep.Weeks {
					n += w.Closed
				}
				return n
			}
			if n := closes(); n != 0 {
				t.Fatalf("%d closes before the migration, want none (no closing time stored)", n)
			}

			// Cut off before its second page of two tickets.
			renewals := 0
			cut := errors.New("lease lost")
			res, err := eng.FillClosingTimes(t.Context(), engine.FillOptions{Page: 2, Renew: func(context.Context) error {
				if renewals++; renewals == 2 {
					return cut
				}
				return nil
			}})
			if !errors.Is(err, cut) || res.Done || res.LookedAt != 2 {
				t.Fatalf("a run cut off: %+v, %v", res, err)
			}
			res, err = eng.FillClosingTimes(t.Context(), engine.FillOptions{Page: 2})
			if err != nil || !res.Done || res.LookedAt != 3 {
				t.Fatalf("the resumed run: %+v, %v (want the 3 tickets after the first page)", res, err)
			}
			for _, n := range numbers {
				tk, err := st.Ticket(t.Context(), n)
				if err != nil {
					t.Fatal(err)
				}
				if !tk.ClosedAt.Equal(want[n]) {
					t.Errorf("%s: closed_at %v, want %v", n, tk.ClosedAt, want[n])
				}
			}
			if n := closes(); n != 4 {
				t.Errorf("%d closes after the migration, want 4", n)
			}
			res, err = eng.FillClosingTimes(t.Context(), engine.FillOptions{})
			if err != nil || !res.Done || res.LookedAt != 0 {
				t.Errorf("a run after the migration is done: %+v, %v", res, err)
			}
		})
	}
}

// A ticket finished before the closing time was kept and changed again
// before the migration reached it gets its closing time from its
// resolution goal with that change, rather than keep none (or take back
// the one the migration set meanwhile).
func TestChangeOfAnOldFinishedTicketKeepsItsClosingTime(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	eng, clk := clockedEngine(t, st, testkit.Desks(t), berlinDay(2025, 11, 3, 9))
	tk, err := eng.Create(t.Context(), admin, engine.CreateRequest{Process: "it-incident", Data: incident("some", "high")})
	if err != nil {
		t.Fatal(err)
	}
	act(t, eng, clk, tk.Number, step{berlinDay(2025, 11, 3, 10), "start"}, step{berlinDay(2025, 11, 5, 10), "resolve"})
	if _, err := st.DB().Collection(store.TicketsCollection).UpdateOne(t.Context(), bson.D{{Key: "_id", Value: tk.Number}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "closed_at", Value: ""}}}}); err != nil {
		t.Fatal(err)
	}
	act(t, eng, clk, tk.Number, step{berlinDay(2025, 11, 20, 10), "close"})
	got, err := st.Ticket(t.Context(), tk.Number)
	if err != nil {
		t.Fatal(err)
	}
	if want := berlinDay(2025, 11, 5, 10).UTC(); !got.ClosedAt.Equal(want) {
		t.Errorf("closed_at %v after closing the resolved ticket, want %v (when it was resolved)", got.ClosedAt, want)
	}
}
