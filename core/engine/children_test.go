package engine_test

import (
	"slices"
	"strings"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/ticket"
)

const onboardingDesk = `apiVersion: vorgang/v1
kind: Process
id: onboarding
title: Einstellung
form: person
audience: [staff]
numbering: {prefix: ONB}
states:
  - {id: geplant, category: open}
  - {id: laeuft, category: open}
  - {id: storniert, category: cancelled}
transitions:
  - id: starten
    from: [geplant]
    to: laeuft
    roles: [requester]
    actions:
      - create_child: {process: aufgabe, title: IT-Konto anlegen, data: {name: "{{name}}", art: konto}}
      - create_child: {process: aufgabe, title: Schlüssel ausgeben, team: hausverwaltung, data: {name: "{{name}}", art: schluessel}}
  - id: stornieren
    from: [geplant, laeuft]
    to: storniert
    roles: [requester]
    actions:
      - close_children: true
---
apiVersion: vorgang/v1
kind: Process
id: aufgabe
title: Aufgabe
form: aufgabe
audience: [staff]
team: it
numbering: {prefix: AUF}
states:
  - {id: offen, category: open}
  - {id: erledigt, category: closed}
  - {id: entfallen, category: cancelled}
transitions:
  - {id: erledigen, from: [offen], to: erledigt}
  - {id: entfallen, from: [offen], to: entfallen}
---
apiVersion: vorgang/v1
kind: Form
id: person
title: Person
fields:
  - {id: name, type: text, label: Name, required: true}
---
apiVersion: vorgang/v1
kind: Form
id: aufgabe
title: Aufgabe
fields:
  - {id: name, type: text, label: Name}
  - {id: art, type: text, label: Art}
---
{apiVersion: vorgang/v1, kind: Team, id: it, title: IT}
---
{apiVersion: vorgang/v1, kind: Team, id: hausverwaltung, title: Hausverwaltung}
`

func TestChildTicketsAreCreatedAndClosed(t *testing.T) {
	t.Parallel()
	f := fixtureFor(t, []definition.File{{Path: "onboarding.yaml", Data: []byte(onboardingDesk)}})
	eng, st := f.eng, f.store
	ctx := t.Context()
	hr := &auth.Principal{User: "petra"}
	parent, err := eng.Create(ctx, hr, engine.CreateRequest{Process: "onboarding", Data: map[string]any{"name": "Max Muster"}})
	if err != nil {
		t.Fatal(err)
	}
	parent, err = eng.Transition(ctx, hr, parent.Number, engine.TransitionRequest{Transition: "starten"})
	if err != nil {
		t.Fatal(err)
	}
	if len(parent.Children) != 2 {
		t.Fatalf("children = %v", parent.Children)
	}
	teams := map[string]bool{}
	for _, n := range parent.Children {
		c, err := st.Ticket(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		if c.Parent != parent.Number || c.Requester != "petra" || c.Data["name"] != "Max Muster" || !c.Open {
			t.Fatalf("child %+v", c)
		}
		teams[c.Team] = true
	}
	if !teams["it"] || !teams["hausverwaltung"] {
		t.Fatalf("child teams %v", teams)
	}
	if n, err := eng.RunEffects(ctx); n != 0 || err != nil {
		t.Fatalf("work left after the transition: %d, %v", n, err)
	}

	parent, err = eng.Transition(ctx, hr, parent.Number, engine.TransitionRequest{Transition: "stornieren"})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range parent.Children {
		c, _ := st.Ticket(ctx, n)
		if c.State != "entfallen" || c.Open {
			t.Fatalf("child %s after the parent was cancelled: %s", n, c.State)
		}
		hist, _ := st.History(ctx, c)
		if p := engine.VerifyHistory(c, hist); len(p) != 0 {
			t.Fatal(p)
		}
	}
	hist, _ := st.History(ctx, parent)
	if p := engine.VerifyHistory(parent, hist); len(p) != 0 || len(hist) != 5 {
		t.Fatalf("parent history (%d entries): %v", len(hist), p)
	}
}

// A child runs its own process's on_create hook (here: the priority from
// the data); a child whose data its process refuses is recorded on the
// parent, for staff only, and not tried again.
func TestChildHooksAndRefusedChildren(t *testing.T) {
	t.Parallel()
	desk := strings.Replace(onboardingDesk, "team: it\nnumbering: {prefix: AUF}", "team: it\nnumbering: {prefix: AUF}\nhooks: {on_create: aufgabe-prio}", 1)
	desk = strings.Replace(desk, "  - {id: art, type: text, label: Art}", "  - {id: art, type: text, label: Art, pattern: \"^(konto|schluessel)$\"}", 1)
	desk = strings.Replace(desk, "art: schluessel}}", "art: parkplatz}}", 1) // the second child's data is refused
	files := []definition.File{{Path: "onboarding.yaml", Data: []byte(desk)},
		{Path: "scripts/aufgabe-prio.lua", Data: []byte(`if ticket.data.art == "konto" then ticket.set_priority("high") end
return true
`)}}
	f := fixtureFor(t, files)
	ctx := t.Context()
	hr := &auth.Principal{User: "petra"}
	parent, err := f.eng.Create(ctx, hr, engine.CreateRequest{Process: "onboarding", Data: map[string]any{"name": "Max Muster"}})
	if err != nil {
		t.Fatal(err)
	}
	parent, err = f.eng.Transition(ctx, hr, parent.Number, engine.TransitionRequest{Transition: "starten"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.RunEffects(ctx); err != nil {
		t.Fatalf("a refused child is retried: %v", err)
	}
	parent, _ = f.store.Ticket(ctx, parent.Number)
	if len(parent.Children) != 1 {
		t.Fatalf("children = %v, want the one with valid data", parent.Children)
	}
	child, _ := f.store.Ticket(ctx, parent.Children[0])
	if child.Priority != "high" {
		t.Errorf("child priority %s: its process's on_create hook did not run", child.Priority)
	}
	staff := &auth.Principal{User: "root", Admin: true}
	_, hist, err := f.eng.History(ctx, staff, parent.Number)
	if err != nil {
		t.Fatal(err)
	}
	failed := slices.IndexFunc(hist, func(h ticket.HistoryEntry) bool { return h.Type == engine.EntryChildFailed })
	if failed < 0 || !strings.Contains(hist[failed].Data["reason"].(string), "art") {
		t.Fatalf("no child_failed entry naming the field on the parent: %+v", hist)
	}
	_, own, _ := f.eng.History(ctx, hr, parent.Number)
	if slices.ContainsFunc(own, func(h ticket.HistoryEntry) bool { return h.Type == engine.EntryChildFailed }) {
		t.Error("the requester sees the internal child_failed entry")
	}
}
