package engine_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/sla"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

var berlin, _ = time.LoadLocation("Europe/Berlin")

// clockedEngine is an engine over st with its own movable clock.
func clockedEngine(t testing.TB, st *store.Store, cat *definition.Catalog, start time.Time) (*engine.Engine, *testkit.Clock) {
	t.Helper()
	clk := testkit.NewClock(start)
	// The IT desk's create hook gets far more than its 100 ms: these tests
	// create hundreds of tickets, and a starved machine must not fail them.
	eng, err := engine.New(engine.Deps{Store: st, Catalog: func() *definition.Catalog { return cat }, Now: clk.Now, ScriptTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return eng, clk
}

// openStore opens a fresh embedded store with the engine's collections.
func openStore(t testing.TB) *store.Store {
	t.Helper()
	return testkit.OpenStore(t, testkit.StoreOptions{Collections: engine.Schema()})
}

func berlinTime(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, berlin)
}

// The clock of a ticket follows its life: due dates on the ticket, a pause
// while waiting for the requester, a stop at resolution.
func TestSLAClockFollowsTheTicket(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	// Friday 27 November 2026, 10:30 in Dresden; the office closes at 13:00.
	eng, clk := clockedEngine(t, st, testkit.Desks(t), berlinTime(2026, 11, 27, 10, 30))
	ctx := t.Context()
	tk, err := eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("some", "high")})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name       string
		at         time.Time
		act        func() error
		due        string // the ticket's due field
		state      string // the clock's state
		resolution time.Time
	}{
		{"created: the first response warning is next (80% of 1 h)", berlinTime(2026, 11, 27, 10, 30), nil,
			"2026-11-27T10:18:00Z", sla.Running, berlinTime(2026, 11, 30, 10, 30)},
		{"taken over: first response met, the resolution warning is next", berlinTime(2026, 11, 27, 11, 0),
			func() error {
				_, err := eng.Transition(ctx, ben, tk.Number, engine.TransitionRequest{Transition: "start"})
				return err
			},
			// 5.5 working hours to Monday 10:30; 80% is 4 h 24 min: Monday 09:24.
			"2026-11-30T08:24:00Z", sla.Running, berlinTime(2026, 11, 30, 10, 30)},
		{"asked back: the clock pauses", berlinTime(2026, 11, 27, 12, 0),
			func() error {
				_, err := eng.Transition(ctx, ben, tk.Number, engine.TransitionRequest{Transition: "ask_requester", Comment: "Welcher Drucker genau?"})
				return err
			},
			ticket.NoDue, sla.Paused, time.Time{}},
		{"the reply on Monday resumes it", berlinTime(2026, 11, 30, 8, 0),
			func() error {
				_, err := eng.Transition(ctx, anna, tk.Number, engine.TransitionRequest{Transition: "reply", Comment: "Der im Raum 204."})
				return err
			},
			// 1.5 h used of 5.5 h: 4 h from Monday 08:00. Warning at 4 h 24 min used: 08:00 + 2 h 54 min.
			"2026-11-30T09:54:00Z", sla.Running, berlinTime(2026, 11, 30, 12, 0)},
		{"resolved: the clock stops", berlinTime(2026, 11, 30, 9, 0),
			func() error {
				_, err := eng.Transition(ctx, ben, tk.Number, engine.TransitionRequest{Transition: "resolve",
					Data: map[string]any{"solution": "Treiber neu installiert", "cause": "software"}})
				return err
			},
			ticket.NoDue, sla.Stopped, time.Time{}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			clk.Set(s.at)
			if s.act != nil {
				if err := s.act(); err != nil {
					t.Fatal(err)
				}
			}
			cur, _ := st.Ticket(ctx, tk.Number)
			c, err := engine.SLAClock(cur)
			if err != nil || c == nil {
				t.Fatalf("clock: %v, %v", c, err)
			}
			res := c.Goal(sla.Resolution)
			if cur.Due != s.due || c.State != s.state || !res.Due.Equal(s.resolution) {
				t.Fatalf("due %s, clock %s, resolution due %s; want %s, %s, %s", cur.Due, c.State, res.Due.In(berlin), s.due, s.state, s.resolution)
			}
		})
	}
	final, _ := st.Ticket(ctx, tk.Number)
	c, _ := engine.SLAClock(final)
	if fr := c.Goal(sla.FirstResponse); fr.Met.IsZero() || fr.Breached {
		t.Fatalf("first response: %+v", fr)
	}
}

// A public reply by an agent meets the first response; an internal note
// or the requester's own comment does not.
func TestFirstResponseByPublicReply(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	eng, clk := clockedEngine(t, st, testkit.Desks(t), berlinTime(2026, 11, 30, 9, 0))
	ctx := t.Context()
	tk, _ := eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("some", "high")})
	comments := []struct {
		who      string
		internal bool
		met      bool
	}{
		{"anna", false, false},
		{"ben", true, false},
		{"ben", false, true},
	}
	for i, cm := range comments {
		clk.Set(berlinTime(2026, 11, 30, 9, 10+i))
		actor := anna
		if cm.who == "ben" {
			actor = ben
		}
		if _, err := eng.Comment(ctx, actor, tk.Number, 0, "Kommentar", cm.internal, "de"); err != nil {
			t.Fatal(err)
		}
		cur, _ := st.Ticket(ctx, tk.Number)
		c, _ := engine.SLAClock(cur)
		if met := !c.Goal(sla.FirstResponse).Met.IsZero(); met != cm.met {
			t.Fatalf("comment %d by %s (internal %v): first response met = %v", i, cm.who, cm.internal, met)
		}
	}
}

func historyOfType(t testing.TB, st *store.Store, typ string) map[string]int {
	t.Helper()
	cur, err := st.DB().Collection(store.HistoryCollection).Find(context.Background(), bson.D{{Key: "type", Value: typ}})
	if err != nil {
		t.Fatal(err)
	}
	var entries []ticket.HistoryEntry
	if err := cur.All(context.Background(), &entries); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, e := range entries {
		out[e.Ticket]++
	}
	return out
}

// committedItems returns the committed outbox items of a kind, per target.
func committedItems(t testing.TB, st *store.Store, kind string) []store.OutboxItem {
	t.Helper()
	cur, err := st.DB().Collection(store.OutboxCollection).Find(context.Background(), bson.D{{Key: "kind", Value: kind}})
	if err != nil {
		t.Fatal(err)
	}
	var items, out []store.OutboxItem
	if err := cur.All(context.Background(), &items); err != nil {
		t.Fatal(err)
	}
	for i := range items {
		ok, err := engine.EffectCommitted(context.Background(), st, &items[i])
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			out = append(out, items[i])
		}
	}
	return out
}

// The sweep records a warning, then a breach that moves the ticket to the
// second level and queues the escalation's notification; each once.
func TestSweepEscalates(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	eng, clk := clockedEngine(t, st, testkit.Desks(t), berlinTime(2026, 11, 30, 9, 0))
	ctx := t.Context()
	tk, _ := eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("some", "high")})
	if _, err := eng.Transition(ctx, ben, tk.Number, engine.TransitionRequest{Transition: "start"}); err != nil {
		t.Fatal(err)
	}
	// Resolution: 1 working day, Tuesday 09:00, 8.5 working hours; the
	// warning after 80% (6 h 48 min): Monday 15:48.
	sweeps := []struct {
		at                 time.Time
		warnings, breaches int
		team, due          string
	}{
		{berlinTime(2026, 11, 30, 15, 47), 0, 0, "it-1st-level", "2026-11-30T14:48:00Z"},
		{berlinTime(2026, 11, 30, 15, 48), 1, 0, "it-1st-level", "2026-12-01T08:00:00Z"},
		{berlinTime(2026, 11, 30, 15, 55), 0, 0, "it-1st-level", "2026-12-01T08:00:00Z"},
		{berlinTime(2026, 12, 1, 9, 0), 0, 1, "it-2nd-level", ticket.NoDue},
		{berlinTime(2026, 12, 2, 9, 0), 0, 0, "it-2nd-level", ticket.NoDue},
	}
	for i, s := range sweeps {
		clk.Set(s.at)
		res, err := eng.SweepSLA(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cur, _ := st.Ticket(ctx, tk.Number)
		if res.Warnings != s.warnings || res.Breaches != s.breaches || cur.Team != s.team || cur.Due != s.due {
			t.Fatalf("sweep %d at %s: %+v, team %s, due %s; want %d warnings, %d breaches, team %s, due %s",
				i, s.at, res, cur.Team, cur.Due, s.warnings, s.breaches, s.team, s.due)
		}
	}
	cur, _ := st.Ticket(ctx, tk.Number)
	if cur.Assignee != "" {
		t.Fatalf("the breach moved the ticket but left it assigned to %s", cur.Assignee)
	}
	if w, b := historyOfType(t, st, engine.EntrySLAWarning), historyOfType(t, st, engine.EntrySLABreach); w[tk.Number] != 1 || b[tk.Number] != 1 {
		t.Fatalf("history: %d warnings, %d breaches", w[tk.Number], b[tk.Number])
	}
	hist, _ := st.History(ctx, cur)
	if p := engine.VerifyHistory(cur, hist); len(p) != 0 {
		t.Fatal(p)
	}
	escalated := map[string]int{}
	for _, it := range committedItems(t, st, engine.EffectNotify) {
		escalated[it.Payload["target"].(string)]++
	}
	if escalated["it-sla-warning"] != 1 || escalated["it-sla-breach"] != 1 {
		t.Fatalf("escalation notifications %v, want one warning and one breach", escalated)
	}
}

// Two instances sweep at once breaching tickets that fill more than two
// pages of the sweep: every escalation happens once.
func TestTwoSweepersEscalateOnce(t *testing.T) {
	n := 2*store.MaxPage + 1
	if testing.Short() {
		n = 100
	}
	st := openStore(t)
	cat := testkit.Desks(t)
	start := berlinTime(2026, 11, 30, 9, 0)
	a, clkA := clockedEngine(t, st, cat, start)
	b, clkB := clockedEngine(t, st, cat, start)
	ctx := t.Context()
	for i := 0; i < n; i++ {
		if _, err := a.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("many", "high")}); err != nil {
			t.Fatal(err)
		}
	}
	// A week later every critical ticket has breached both goals.
	clkA.Set(start.Add(7 * 24 * time.Hour))
	clkB.Set(start.Add(7 * 24 * time.Hour))
	var wg sync.WaitGroup
	results := make([]engine.SweepResult, 4)
	for i, eng := range []*engine.Engine{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := eng.SweepSLA(ctx)
			if err != nil {
				t.Error(err)
			}
			results[i] = res
		}()
	}
	wg.Wait()
	total := 0
	for _, r := range results {
		total += r.Breaches
	}
	if total != 2*n {
		t.Fatalf("sweeps recorded %d breaches (%+v), want %d: two goals per ticket", total, results, 2*n)
	}
	breaches := historyOfType(t, st, engine.EntrySLABreach)
	if len(breaches) != n {
		t.Fatalf("%d tickets have a breach entry, want %d", len(breaches), n)
	}
	for number, count := range breaches {
		if count != 1 {
			t.Fatalf("%s has %d breach entries", number, count)
		}
	}
	perTicket := map[string]int{}
	for _, it := range committedItems(t, st, engine.EffectNotify) {
		if it.Payload["target"] == "it-sla-breach" {
			perTicket[it.Payload["ticket"].(string)]++
		}
	}
	if len(perTicket) != n {
		t.Fatalf("%d tickets have an escalation mail queued, want %d", len(perTicket), n)
	}
	for number, count := range perTicket {
		if count != 1 {
			t.Fatalf("%s has %d escalation mails queued", number, count)
		}
	}
}

// Of two schedulers only the lease holder sweeps.
func TestSchedulerLease(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	cat := testkit.Desks(t)
	a, _ := clockedEngine(t, st, cat, berlinTime(2026, 11, 30, 9, 0))
	b, _ := clockedEngine(t, st, cat, berlinTime(2026, 11, 30, 9, 0))
	sa, err := a.NewSLAScheduler(engine.SchedulerConfig{Holder: "host-a", Every: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	sb, _ := b.NewSLAScheduler(engine.SchedulerConfig{Holder: "host-b", Every: time.Minute})
	ctx := t.Context()
	sweptA, _, err := sa.Tick(ctx)
	if err != nil || !sweptA {
		t.Fatalf("first scheduler: swept %v, %v", sweptA, err)
	}
	sweptB, _, err := sb.Tick(ctx)
	if err != nil || sweptB {
		t.Fatalf("second scheduler swept while the first holds the lease: %v, %v", sweptB, err)
	}
	if err := st.ReleaseLease(ctx, engine.SLASweepLease, "host-a"); err != nil {
		t.Fatal(err)
	}
	if sweptB, _, err = sb.Tick(ctx); err != nil || !sweptB {
		t.Fatalf("second scheduler after the release: %v, %v", sweptB, err)
	}
}
