package engine_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
)

const citizenDesk = `apiVersion: vorgang/v1
kind: Process
id: pothole
title: Schlagloch
form: pothole
audience: [citizen]
team: roads
states:
  - {id: received, category: open, public_title: {de: Eingegangen, en: Received}}
  - {id: fixing, category: open, title: In Reparatur}
  - {id: done, category: closed}
transitions:
  - {id: fix, from: [received], to: fixing, roles: [road-agent]}
  - {id: close, from: [fixing], to: done, roles: [road-agent]}
---
apiVersion: vorgang/v1
kind: Form
id: pothole
title: Schlagloch
fields:
  - {id: street, type: text, label: Straße, required: true}
  - {id: email, type: email, label: E-Mail, public: false}
---
apiVersion: vorgang/v1
kind: Role
id: road-agent
title: Straßenbau
permissions: [ticket.read_team, ticket.work, ticket.comment_internal]
---
apiVersion: vorgang/v1
kind: Team
id: roads
title: Straßenbau
roles: [road-agent]
`

var roadAgent = &auth.Principal{User: "dora", Roles: []string{"road-agent"}, Teams: []string{"roads"},
	Permissions: map[string]bool{"ticket.read_team": true, "ticket.work": true, "ticket.comment_internal": true}}

func TestCitizenTracking(t *testing.T) {
	t.Parallel()
	f := fixtureFor(t, []definition.File{{Path: "processes/pothole.yaml", Data: []byte(citizenDesk)}})
	ctx := t.Context()
	req := engine.CreateRequest{Process: "pothole", Data: map[string]any{"street": "Markt 1", "email": "e@example.org"}, IdempotencyKey: "form-1-0f3c9a7e5b"}
	tk, err := f.eng.Create(ctx, nil, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(tk.Tracking) != 26 {
		t.Fatalf("citizen ticket has tracking token %q", tk.Tracking)
	}
	again, err := f.eng.Create(ctx, nil, req)
	if err != nil || again.Number != tk.Number || again.Tracking != tk.Tracking {
		t.Fatalf("a citizen's retry got %v, %v; want %s", again, err, tk.Number)
	}
	other, err := f.eng.Create(ctx, nil, engine.CreateRequest{Process: "pothole", Data: map[string]any{"street": "Ring 2"}})
	if err != nil || other.Tracking == tk.Tracking {
		t.Fatalf("second request: %v, token %q", err, other.Tracking)
	}
	staffTicket, err := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "pothole", Data: map[string]any{"street": "Ring 3"}})
	if err == nil && staffTicket.Tracking != "" {
		t.Fatalf("a staff ticket got a tracking token")
	}

	if _, err := f.eng.Comment(ctx, roadAgent, tk.Number, 0, "Kolonne 3 fragen", true, "de"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.Comment(ctx, roadAgent, tk.Number, 0, "Wir kümmern uns.", false, "de"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.Transition(ctx, roadAgent, tk.Number, engine.TransitionRequest{Transition: "fix"}); err != nil {
		t.Fatal(err)
	}
	photo, err := f.eng.Upload(ctx, "portal:citizen", "loch.png", "image/png", bytes.NewReader(pngHeader), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.CitizenReply(ctx, tk.Tracking, 0, "Danke!", []string{photo.ID}, "de"); err != nil {
		t.Fatal(err)
	}

	v, err := f.eng.Tracked(ctx, tk.Tracking)
	if err != nil {
		t.Fatal(err)
	}
	if v.Ticket.Number != tk.Number || v.Ticket.State != "fixing" {
		t.Fatalf("tracked %s in %s", v.Ticket.Number, v.Ticket.State)
	}
	if _, ok := v.Data["email"]; ok {
		t.Errorf("a public: false field is shown: %v", v.Data)
	}
	if v.Data["street"] != "Markt 1" {
		t.Errorf("public data = %v", v.Data)
	}
	var kinds []string
	for _, e := range v.Timeline {
		kinds = append(kinds, e.Kind+":"+e.State+e.Text)
		if e.Text == "Kolonne 3 fragen" {
			t.Errorf("an internal comment is on the public timeline")
		}
	}
	want := []string{"created:received", "comment:Wir kümmern uns.", "state:fixing", "comment:Danke!"}
	if len(kinds) != len(want) {
		t.Fatalf("timeline = %q, want %q", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("timeline = %q, want %q", kinds, want)
		}
	}
	if last := v.Timeline[len(v.Timeline)-1]; !last.FromRequester || len(last.Files) != 1 {
		t.Errorf("reply entry = %+v", last)
	}

	for _, bad := range []string{"", "short", other.Tracking[:25] + "A", "aaaaaaaaaaaaaaaaaaaaaaaaaa", tk.Number} {
		if bad == other.Tracking {
			continue
		}
		if _, err := f.eng.Tracked(ctx, bad); !errors.Is(err, fault.NotFound) {
			t.Errorf("Tracked(%q) = %v, want not found", bad, err)
		}
	}
	if _, err := f.eng.CitizenReply(ctx, tk.Tracking, 0, "  ", nil, "de"); !errors.Is(err, fault.Invalid) {
		t.Errorf("empty reply: %v", err)
	}
	if _, err := f.eng.Transition(ctx, roadAgent, tk.Number, engine.TransitionRequest{Transition: "close"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.CitizenReply(ctx, tk.Tracking, 0, "Noch da?", nil, "de"); !errors.Is(err, fault.NotAllowedNow) {
		t.Errorf("reply to a closed request: %v", err)
	}
}

func TestCountsAndTransitionsByActor(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	tk, err := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.Counts(ctx, nil); !errors.Is(err, fault.Forbidden) {
		t.Errorf("anonymous counts: %v", err)
	}
	total := func(p *auth.Principal) int64 {
		cs, err := f.eng.Counts(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, c := range cs {
			n += c.N
		}
		return n
	}
	if n := total(ben); n != 1 {
		t.Errorf("ben (first level) sees %d open tickets, want 1", n)
	}
	if n := total(carla); n != 0 {
		t.Errorf("carla (second level) sees %d open tickets of another team", n)
	}
	if n := total(anna); n != 0 {
		t.Errorf("anna without read permission sees %d", n)
	}
	ids := func(p *auth.Principal) []string {
		var out []string
		for _, tr := range f.eng.Transitions(p, tk) {
			out = append(out, tr.ID.Value)
		}
		return out
	}
	// A new incident may be taken, handed on, asked about or cancelled.
	if got := ids(ben); !slices.Equal(got, []string{"start", "escalate", "ask_requester", "cancel"}) {
		t.Errorf("ben may run %v", got)
	}
	if got := ids(anna); len(got) != 1 || got[0] != "cancel" {
		t.Errorf("anna (requester) may run %v", got)
	}
	if got := ids(nil); got != nil {
		t.Errorf("anonymous may run %v", got)
	}
}
