package engine_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/internal/testkit"
	"vorgang/core/script"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// hookDesk is a process with a script at every hook point.
var hookDesk = map[string]string{
	"processes/test/hooked.yaml": `apiVersion: vorgang/v1
kind: Form
id: hk-form
title: Hook test
fields:
  - {id: summary, type: text, label: Summary, required: true}
  - {id: category, type: select, label: Category, options: [{value: a, label: A}, {value: b, label: B}]}
  - {id: amount, type: number, label: Amount}
  - {id: route, type: text, label: Route}
---
apiVersion: vorgang/v1
kind: Form
id: hk-close
title: Close
validate: hk-close-validate
fields:
  - {id: note, type: text, label: Note}
  - {id: note_length, type: computed, label: Length, compute: {script: hk-note-length}}
---
apiVersion: vorgang/v1
kind: Process
id: hooked
title: Hooked
form: hk-form
audience: [staff]
team: it-1st-level
states:
  - {id: new, category: open}
  - {id: doing, category: open}
  - {id: done, category: resolved}
transitions:
  - {id: start, from: [new], to: doing, hooks: {before: [hk-before], after: [hk-after]}, actions: [{script: hk-action}]}
  - {id: finish, from: [doing], to: done, form: hk-close, guard_script: hk-guard}
  - {id: fail, from: [new], to: doing, hooks: {before: [hk-boom]}}
  - {id: slow, from: [new], to: doing, hooks: {after: [hk-slow]}}
  - {id: bad_value, from: [new], to: doing, hooks: {before: [hk-bad-value]}}
hooks:
  on_create: hk-create
  validate: hk-validate
  compute: hk-compute
  on_sla_warning: hk-warning
  on_sla_breach: hk-breach
jobs:
  - {id: sweep, schedule: "0 2 * * *", script: hk-job}
`,
	"scripts/test/hk-validate.lua": `if (ticket.data.amount or 0) > 1000 then ticket.error("amount", "Betrag zu hoch") end`,
	"scripts/test/hk-compute.lua":  `ticket.set("route", ticket.data.category == "b" and "B-Team" or "A-Team")`,
	"scripts/test/hk-create.lua": `
if ticket.data.category == "b" then
  ticket.set_team("it-2nd-level")
  ticket.set_priority("high")
  ticket.comment("nach B geleitet", {internal = true})
end
if ticket.data.summary == "mit Kind" then
  ticket.create_child("hooked", {title = "Kind", data = {summary = "Teilaufgabe", category = "a"}})
end`,
	"scripts/test/hk-before.lua": `assert(event.from == "new" and event.to == "doing" and ticket.state == "new") ticket.set_priority("critical")`,
	"scripts/test/hk-after.lua":  `assert(ticket.state == "doing") ticket.assign(event.actor)`,
	"scripts/test/hk-action.lua": `ticket.comment("gestartet von " .. event.actor)`,
	"scripts/test/hk-guard.lua": `
if not event.form.note then
  return false, "note needed"
end
return true`,
	"scripts/test/hk-close-validate.lua": `if ticket.data.note == "nein" then ticket.error("note", "Nicht erlaubt") end`,
	"scripts/test/hk-note-length.lua":    `return #(ticket.data.note or "")`,
	"scripts/test/hk-boom.lua":           "local x = nil\nreturn x.y\n",
	"scripts/test/hk-slow.lua":           `while true do end`,
	"scripts/test/hk-bad-value.lua":      `ticket.set("amount", "viel")`,
	"scripts/test/hk-warning.lua":        `ticket.set_priority("high")`,
	"scripts/test/hk-breach.lua":         `ticket.set_team("it-2nd-level") ticket.comment("SLA verletzt: " .. event.target, {internal = true})`,
	"scripts/test/hk-job.lua": `
for _, t in ipairs(tickets.find({process = "hooked", state = "doing"})) do
  tickets.transition(t.number, "finish", {data = {note = "automatisch"}})
end`,
}

// hookFixture is an engine over the shipped desk plus hookDesk, with a
// clock the test can move.
type hookFixture struct {
	fixture
	cat *definition.Catalog
	now *time.Time
}

func newHookFixture(t *testing.T) hookFixture {
	t.Helper()
	files := testkit.DeskFiles(t)
	for path, src := range hookDesk {
		files = append(files, definition.File{Path: path, Data: []byte(src)})
	}
	cat := testkit.Compile(t, files)
	st := openStore(t)
	now := clock
	eng := newEngine(t, st, cat, &now)
	return hookFixture{fixture: fixture{eng: eng, store: st}, cat: cat, now: &now}
}

func newEngine(t *testing.T, st *store.Store, cat *definition.Catalog, now *time.Time) *engine.Engine {
	t.Helper()
	eng, err := engine.New(engine.Deps{Store: st, Catalog: func() *definition.Catalog { return cat }, Now: func() time.Time { return *now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(eng.Close)
	return eng
}

func history(t *testing.T, f hookFixture, actor *auth.Principal, number string) []ticket.HistoryEntry {
	t.Helper()
	_, h, err := f.eng.History(t.Context(), actor, number)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func entryTypes(h []ticket.HistoryEntry) string {
	var out []string
	for _, e := range h {
		out = append(out, e.Type)
	}
	return strings.Join(out, ",")
}

func TestCreateHooks(t *testing.T) {
	t.Parallel()
	f := newHookFixture(t)
	ctx := t.Context()
	tests := []struct {
		name     string
		data     map[string]any
		wantErr  error
		team     string
		priority string
		route    string
		history  string
	}{
		{"compute only", map[string]any{"summary": "Kaffee", "category": "a"}, nil, "it-1st-level", "medium", "A-Team", "created"},
		{"on_create routes", map[string]any{"summary": "Netz", "category": "b"}, nil, "it-2nd-level", "high", "B-Team", "created,comment"},
		{"validate refuses", map[string]any{"summary": "Teuer", "category": "a", "amount": 5000}, fault.Invalid, "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk, err := f.eng.Create(ctx, ben, engine.CreateRequest{Process: "hooked", Data: tt.data})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				var verr *fault.Error
				if !errors.As(err, &verr) || len(verr.Fields) == 0 || verr.Fields[0].Field != "amount" || verr.Fields[0].Message != "Betrag zu hoch" {
					t.Fatalf("field errors = %v", err)
				}
				return
			}
			stored, _ := f.store.Ticket(ctx, tk.Number)
			if stored.Team != tt.team || stored.Priority != tt.priority || stored.Data["route"] != tt.route {
				t.Fatalf("ticket team %s priority %s route %v", stored.Team, stored.Priority, stored.Data["route"])
			}
			h := history(t, f, ben, tk.Number)
			if got := entryTypes(h); got != tt.history {
				t.Fatalf("history %s, want %s", got, tt.history)
			}
			if p := engine.VerifyHistory(stored, h); len(p) != 0 {
				t.Fatalf("history chain: %v", p)
			}
		})
	}
	// The refused create took no number.
	next, err := f.eng.Create(ctx, ben, engine.CreateRequest{Process: "hooked", Data: map[string]any{"summary": "x", "category": "a"}})
	if err != nil || !strings.HasSuffix(next.Number, "000003") {
		t.Fatalf("next ticket %v, %v: the refused create used a number", next, err)
	}
}

func TestCreateHookChildTicket(t *testing.T) {
	t.Parallel()
	f := newHookFixture(t)
	ctx := t.Context()
	tk, err := f.eng.Create(ctx, ben, engine.CreateRequest{Process: "hooked", Data: map[string]any{"summary": "mit Kind", "category": "a"}})
	if err != nil {
		t.Fatal(err)
	}
	parent, _ := f.store.Ticket(ctx, tk.Number)
	if len(parent.Children) != 1 {
		t.Fatalf("children %v", parent.Children)
	}
	child, err := f.store.Ticket(ctx, parent.Children[0])
	if err != nil || child.Parent != tk.Number || child.Title != "Kind" {
		t.Fatalf("child %+v, %v", child, err)
	}
}

func TestTransitionHooks(t *testing.T) {
	t.Parallel()
	f := newHookFixture(t)
	ctx := t.Context()
	newTicket := func() string {
		tk, err := f.eng.Create(ctx, ben, engine.CreateRequest{Process: "hooked", Data: map[string]any{"summary": "Test", "category": "a"}})
		if err != nil {
			t.Fatal(err)
		}
		return tk.Number
	}

	t.Run("before, action and after hooks are one change", func(t *testing.T) {
		n := newTicket()
		got, err := f.eng.Transition(ctx, ben, n, engine.TransitionRequest{Transition: "start"})
		if err != nil {
			t.Fatal(err)
		}
		if got.State != "doing" || got.Priority != "critical" || got.Assignee != "ben" {
			t.Fatalf("ticket %+v", got)
		}
		h := history(t, f, ben, n)
		if types := entryTypes(h); types != "created,transition,comment" {
			t.Fatalf("history %s", types)
		}
		changes, _ := h[1].Data["changes"].(map[string]any)
		if changes["priority"] == nil || changes["assignee"] == nil {
			t.Fatalf("transition entry changes %v", h[1].Data)
		}
		if h[2].Data["text"] != "gestartet von ben" {
			t.Fatalf("comment %v", h[2].Data)
		}
	})

	failing := []struct {
		name       string
		transition string
		cause      error
		line       int
	}{
		{"an error in a before hook", "fail", nil, 2},
		{"a timeout in an after hook", "slow", script.ErrTimeout, 1},
		{"an invalid value set by a hook", "bad_value", nil, 0},
	}
	for _, tt := range failing {
		t.Run(tt.name+" leaves the ticket unchanged", func(t *testing.T) {
			n := newTicket()
			before, _ := f.store.Ticket(ctx, n)
			_, err := f.eng.Transition(ctx, ben, n, engine.TransitionRequest{Transition: tt.transition})
			if !errors.Is(err, engine.ErrScript) {
				t.Fatalf("err = %v, want ErrScript", err)
			}
			if tt.cause != nil && !errors.Is(err, tt.cause) {
				t.Fatalf("err = %v, want %v", err, tt.cause)
			}
			after, _ := f.store.Ticket(ctx, n)
			if after.State != before.State || after.Priority != before.Priority || after.Assignee != before.Assignee ||
				after.Team != before.Team || len(after.Data) != len(before.Data) || after.Data["amount"] != nil {
				t.Fatalf("ticket changed: %+v -> %+v", before, after)
			}
			// Staff see what failed where; the requester does not.
			h := history(t, f, ben, n)
			last := h[len(h)-1]
			if last.Type != engine.EntryScriptFailed || last.Data["message"] == "" {
				t.Fatalf("history %s, last %v", entryTypes(h), last.Data)
			}
			if tt.line > 0 && last.Data["line"] != int64(tt.line) && last.Data["line"] != int32(tt.line) {
				t.Fatalf("failure recorded at line %v (%T), want %d", last.Data["line"], last.Data["line"], tt.line)
			}
			requester := &auth.Principal{User: after.Requester}
			for _, e := range history(t, f, requester, n) {
				if e.Type == engine.EntryScriptFailed {
					t.Fatal("the requester sees the script failure")
				}
			}
		})
	}

	t.Run("guard script", func(t *testing.T) {
		n := newTicket()
		if _, err := f.eng.Transition(ctx, ben, n, engine.TransitionRequest{Transition: "start"}); err != nil {
			t.Fatal(err)
		}
		_, err := f.eng.Transition(ctx, ben, n, engine.TransitionRequest{Transition: "finish", Data: map[string]any{}})
		if !errors.Is(err, fault.NotAllowedNow) || !strings.Contains(err.Error(), "note needed") {
			t.Fatalf("guard let it pass: %v", err)
		}
		// The form's own validate script refuses a value.
		_, err = f.eng.Transition(ctx, ben, n, engine.TransitionRequest{Transition: "finish", Data: map[string]any{"note": "nein"}})
		var verr *fault.Error
		if !errors.As(err, &verr) || len(verr.Fields) == 0 || verr.Fields[0].Field != "note" || verr.Fields[0].Message != "Nicht erlaubt" {
			t.Fatalf("form validate script: %v", err)
		}
		got, err := f.eng.Transition(ctx, ben, n, engine.TransitionRequest{Transition: "finish", Data: map[string]any{"note": "erledigt"}})
		if err != nil || got.State != "done" {
			t.Fatalf("guard refused: %v", err)
		}
		// The form's script-computed field was stored.
		if got.Data["note_length"] != int64(8) && got.Data["note_length"] != float64(8) && got.Data["note_length"] != int32(8) {
			t.Fatalf("computed field %v (%T)", got.Data["note_length"], got.Data["note_length"])
		}
	})
}

func TestSLAHooks(t *testing.T) {
	t.Parallel()
	f := newHookFixture(t)
	ctx := t.Context()
	tk, err := f.eng.Create(ctx, ben, engine.CreateRequest{Process: "hooked", Data: map[string]any{"summary": "SLA", "category": "a"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.eng.RunSLAHook(ctx, tk.Number, engine.SLAWarning, map[string]any{"target": "resolution"}); err != nil {
		t.Fatal(err)
	}
	if err := f.eng.RunSLAHook(ctx, tk.Number, engine.SLABreach, map[string]any{"target": "resolution"}); err != nil {
		t.Fatal(err)
	}
	got, _ := f.store.Ticket(ctx, tk.Number)
	if got.Priority != "high" || got.Team != "it-2nd-level" {
		t.Fatalf("ticket %+v", got)
	}
	h, _ := f.store.History(ctx, got)
	if types := entryTypes(h); types != "created,script,script,comment" {
		t.Fatalf("history %s", types)
	}
	if h[3].Data["text"] != "SLA verletzt: resolution" {
		t.Fatalf("comment %v", h[3].Data)
	}
	// A process without the hook: nothing happens.
	inc, _ := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low")})
	if err := f.eng.RunSLAHook(ctx, inc.Number, engine.SLABreach, nil); err != nil {
		t.Fatal(err)
	}
	if again, _ := f.store.Ticket(ctx, inc.Number); again.Version != 1 {
		t.Fatalf("ticket without hook changed to version %d", again.Version)
	}
}

// Two instances on one database run a job for one scheduled time: it
// runs once.
func TestJobRunsOncePerSchedule(t *testing.T) {
	t.Parallel()
	f := newHookFixture(t)
	ctx := t.Context()
	var numbers []string
	for i := 0; i < 3; i++ {
		tk, err := f.eng.Create(ctx, ben, engine.CreateRequest{Process: "hooked", Data: map[string]any{"summary": "Job", "category": "a"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.eng.Transition(ctx, ben, tk.Number, engine.TransitionRequest{Transition: "start"}); err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, tk.Number)
	}
	other := newEngine(t, f.store, f.cat, f.now)
	tick := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ran := 0
	for i, eng := range []*engine.Engine{f.eng, other, f.eng, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := eng.RunJob(ctx, f.store, "instance-"+string(rune('a'+i)), "hooked", "sweep", tick)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				ran++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if ran != 1 {
		t.Fatalf("the job ran %d times for one schedule", ran)
	}
	for _, n := range numbers {
		tk, _ := f.store.Ticket(ctx, n)
		if tk.State != "done" || tk.Data["note"] != "automatisch" {
			t.Fatalf("ticket %s: state %s data %v", n, tk.State, tk.Data)
		}
	}
	if ok, err := other.RunJob(ctx, f.store, "instance-z", "hooked", "sweep", tick); ok || err != nil {
		t.Fatalf("ran again for the same time: %v, %v", ok, err)
	}
	if ok, err := other.RunJob(ctx, f.store, "instance-z", "hooked", "sweep", tick.Add(24*time.Hour)); !ok || err != nil {
		t.Fatalf("did not run for the next time: %v, %v", ok, err)
	}
}

// The scheduler runs a due job and says when to look again.
func TestSchedulerRunDue(t *testing.T) {
	t.Parallel()
	f := newHookFixture(t)
	ctx := t.Context()
	s := f.eng.NewScheduler(f.store, "")
	start := time.Date(2026, 11, 28, 1, 59, 0, 0, time.UTC)
	if wake := s.RunDue(ctx, start); !wake.Equal(start.Add(time.Minute)) {
		t.Fatalf("wake at %v", wake)
	}
	if wake := s.RunDue(ctx, start.Add(time.Minute)); !wake.Equal(start.Add(2 * time.Minute)) {
		t.Fatalf("wake at %v after the run", wake)
	}
	var run struct {
		Last time.Time `bson:"last"`
	}
	if err := f.store.Get(ctx, "job_runs", "hooked/sweep", &run); err != nil || !run.Last.Equal(start.Add(time.Minute)) {
		t.Fatalf("run record %v, %v", run, err)
	}
}

// The shipped IT desk's scripts, on real tickets.
func TestShippedITScripts(t *testing.T) {
	t.Parallel()
	f := newHookFixture(t)
	ctx := t.Context()
	route := []struct {
		name     string
		data     map[string]any
		team     string
		comments int
	}{
		{"north office printer goes on site", map[string]any{"summary": "Drucker im Flur druckt nicht", "category": "printer",
			"impact": "single", "urgency": "low", "location": "aussenstelle_nord"}, "it-site-north", 0},
		{"site-wide network outage goes to second level", map[string]any{"summary": "Kein Netz im ganzen Haus", "category": "network",
			"impact": "many", "urgency": "high", "location": "moritzhof"}, "it-2nd-level", 1},
		{"everything else stays in first level", incident("single", "low"), "it-1st-level", 0},
	}
	for _, tt := range route {
		t.Run(tt.name, func(t *testing.T) {
			tk, err := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: tt.data})
			if err != nil {
				t.Fatal(err)
			}
			stored, _ := f.store.Ticket(ctx, tk.Number)
			h, _ := f.store.History(ctx, stored)
			if stored.Team != tt.team || len(h) != 1+tt.comments {
				t.Fatalf("team %s, history %s", stored.Team, entryTypes(h))
			}
			if tt.comments > 0 && h[1].Data["internal"] != true {
				t.Fatalf("routing comment is not internal: %v", h[1].Data)
			}
		})
	}

	t.Run("nightly job closes incidents resolved five business days ago", func(t *testing.T) {
		resolve := func(daysAgo int) string {
			*f.now = clock.AddDate(0, 0, -daysAgo)
			defer func() { *f.now = clock }()
			tk, err := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low")})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.eng.Transition(ctx, ben, tk.Number, engine.TransitionRequest{Transition: "start"}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.eng.Transition(ctx, ben, tk.Number, engine.TransitionRequest{Transition: "resolve",
				Data: map[string]any{"solution": "Treiber neu installiert", "cause": "software"}}); err != nil {
				t.Fatal(err)
			}
			return tk.Number
		}
		old, recent := resolve(14), resolve(2)
		ran, err := f.eng.RunJob(ctx, f.store, "test", "it-incident", "close_resolved", clock)
		if err != nil || !ran {
			t.Fatalf("job: %v, %v", ran, err)
		}
		for number, want := range map[string]string{old: "closed", recent: "resolved"} {
			tk, _ := f.store.Ticket(ctx, number)
			if tk.State != want {
				t.Errorf("%s is %s, want %s", number, tk.State, want)
			}
		}
		tk, _ := f.store.Ticket(ctx, old)
		h, _ := f.store.History(ctx, tk)
		if last := h[len(h)-1]; last.Actor != "vorgang" || last.Data["comment"] != "Automatisch geschlossen nach 5 Arbeitstagen." {
			t.Fatalf("closing entry %+v", last)
		}
	})
}
