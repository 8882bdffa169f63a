package engine_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/ticket"
)

const hotlineDesk = `apiVersion: vorgang/v1
kind: Process
id: hotline
title: Hotline
form: anruf
audience: [staff]
team: hotline
sla: hotline
default_priority: low
numbering: {prefix: HOT}
states:
  - {id: offen, category: open}
  - {id: erledigt, category: closed}
transitions:
  - {id: erledigen, from: [offen], to: erledigt}
hooks:
  on_sla_warning: melden
  on_sla_breach: melden
---
apiVersion: vorgang/v1
kind: Form
id: anruf
title: Anruf
fields:
  - {id: summary, type: text, label: Betreff, required: true}
---
apiVersion: vorgang/v1
kind: SLA
id: hotline
title: Hotline
calendar: rund
targets:
  - {priority: low, resolution: 10h}
  - {priority: high, resolution: 2h}
escalations:
  - {on: warning, target: resolution, priority: high}
  - {on: breach, priority: medium}
---
apiVersion: vorgang/v1
kind: Calendar
id: rund
title: Rund um die Uhr
working_hours:
  monday: ["00:00-24:00"]
  tuesday: ["00:00-24:00"]
  wednesday: ["00:00-24:00"]
  thursday: ["00:00-24:00"]
  friday: ["00:00-24:00"]
  saturday: ["00:00-24:00"]
  sunday: ["00:00-24:00"]
---
{apiVersion: vorgang/v1, kind: Team, id: hotline, title: Hotline}
`

type hookCalls struct {
	mu    sync.Mutex
	calls []string
	fail  bool
}

func (h *hookCalls) RunSLAHook(_ context.Context, script string, t *ticket.Ticket, ev map[string]any) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fail {
		return errors.New("script error")
	}
	h.calls = append(h.calls, script+":"+t.Number+":"+ev["kind"].(string)+":"+ev["goal"].(string))
	return nil
}

// A warning raises the priority, whose shorter target then applies at
// once; a breach never lowers it; each event runs the process's hook once.
func TestEscalationRaisesPriorityAndRunsHooks(t *testing.T) {
	t.Parallel()
	files := []definition.File{{Path: "hotline.yaml", Data: []byte(hotlineDesk)},
		{Path: "scripts/melden.lua", Data: []byte("return true\n")}}
	cat := testkit.Compile(t, files)
	st := openStore(t)
	start := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	eng, clk := clockedEngine(t, st, cat, start)
	ctx := t.Context()
	tk, err := eng.Create(ctx, &auth.Principal{User: "anna"}, engine.CreateRequest{Process: "hotline", Data: map[string]any{"summary": "Rückruf"}})
	if err != nil {
		t.Fatal(err)
	}
	hooks := &hookCalls{}
	// 8 h of 10 h: the warning raises the priority to high, whose 2 h
	// target has long passed; the next sweep records the breach.
	clk.Set(start.Add(8 * time.Hour))
	if res, err := eng.SweepSLA(ctx); err != nil || res.Warnings != 1 {
		t.Fatalf("warning sweep: %+v, %v", res, err)
	}
	cur, _ := st.Ticket(ctx, tk.Number)
	if cur.Priority != "high" || cur.Due != ticket.SortTime(start.Add(2*time.Hour)) {
		t.Fatalf("after the warning: priority %s, due %s", cur.Priority, cur.Due)
	}
	if res, err := eng.SweepSLA(ctx); err != nil || res.Breaches != 1 {
		t.Fatalf("breach sweep: %+v, %v", res, err)
	}
	cur, _ = st.Ticket(ctx, tk.Number)
	if cur.Priority != "high" || cur.Due != ticket.NoDue {
		t.Fatalf("after the breach: priority %s (lowered?), due %s", cur.Priority, cur.Due)
	}

	hooks.fail = true
	if n, err := eng.RunSLAHooks(ctx, hooks); n != 2 || err == nil {
		t.Fatalf("failing hooks: %d, %v", n, err)
	}
	hooks.fail = false
	clk.Set(clk.Now().Add(time.Hour))
	if n, err := eng.RunSLAHooks(ctx, hooks); n != 2 || err != nil {
		t.Fatalf("hooks: %d, %v", n, err)
	}
	if n, _ := eng.RunSLAHooks(ctx, hooks); n != 0 {
		t.Fatalf("hooks ran again: %d", n)
	}
	want := []string{"melden:" + tk.Number + ":warning:resolution", "melden:" + tk.Number + ":breach:resolution"}
	if len(hooks.calls) != 2 || hooks.calls[0] != want[0] || hooks.calls[1] != want[1] {
		t.Fatalf("hook calls %v, want %v", hooks.calls, want)
	}
}

// The scheduler runs the SLA hooks as Lua scripts by default: the breach
// hook's comment and field change reach the ticket.
func TestSLAHookScriptsRunByDefault(t *testing.T) {
	t.Parallel()
	files := []definition.File{{Path: "hotline.yaml", Data: []byte(hotlineDesk)},
		{Path: "scripts/melden.lua", Data: []byte(`if event.kind == "breach" then
  ticket.comment("Frist überschritten: " .. event.goal, {internal = true})
end
return true
`)}}
	cat := testkit.Compile(t, files)
	st := openStore(t)
	start := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	eng, clk := clockedEngine(t, st, cat, start)
	ctx := t.Context()
	tk, err := eng.Create(ctx, &auth.Principal{User: "anna"}, engine.CreateRequest{Process: "hotline", Data: map[string]any{"summary": "Rückruf"}})
	if err != nil {
		t.Fatal(err)
	}
	sched, err := eng.NewSLAScheduler(engine.SchedulerConfig{Holder: "a"})
	if err != nil {
		t.Fatal(err)
	}
	clk.Set(start.Add(11 * time.Hour))
	for range 2 { // warning, then breach
		if _, _, err := sched.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	_, history, err := eng.History(ctx, &auth.Principal{User: "root", Admin: true}, tk.Number)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range history {
		if h.Type == engine.EntryComment && h.Data["text"] == "Frist überschritten: resolution" {
			found = true
		}
	}
	if !found {
		t.Fatalf("no comment of the breach hook in the history: %+v", history)
	}
}
