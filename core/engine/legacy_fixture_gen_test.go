//go:build legacyfixture

package engine_test

import (
	"bytes"
	"os"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// TestWriteLegacyFixture regenerates legacyArchive. It runs only when
// built with -tags legacyfixture, and only should when the archive
// is lost: its value is that an older version wrote it.
func TestWriteLegacyFixture(t *testing.T) {
	ctx := t.Context()
	st := openStore(t)
	compile := func(files []definition.File) *definition.Catalog {
		loader, err := definition.NewLoader(os.DirFS("../../schemas"))
		if err != nil {
			t.Fatal(err)
		}
		cat, diags := loader.Compile(files)
		if cat == nil {
			t.Fatalf("definitions: %v", diags)
		}
		return cat
	}
	withHooks := testkit.DeskFiles(t)
	for path, src := range hookDesk {
		withHooks = append(withHooks, definition.File{Path: path, Data: []byte(src)})
	}
	clk := testkit.NewClock(berlinTime(2026, 11, 30, 9, 0))
	engineOver := func(files []definition.File) *engine.Engine {
		cat := compile(files)
		eng, err := engine.New(engine.Deps{Store: st, Catalog: func() *definition.Catalog { return cat }, Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(eng.Close)
		return eng
	}
	desk := engineOver(withHooks)
	procurement := engineOver([]definition.File{{Path: "beschaffung.yaml", Data: []byte(procurementDesk)}})
	onboarding := engineOver([]definition.File{{Path: "onboarding.yaml", Data: []byte(onboardingDesk)}})
	citizen := engineOver([]definition.File{{Path: "processes/pothole.yaml", Data: []byte(citizenDesk)}})
	must := func(tk *ticket.Ticket, err error) *ticket.Ticket {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	at := func(d, hh, mm int) { clk.Set(berlinTime(2026, 11, d, hh, mm)) }
	// The files of a comment and a reply below: a change may only refer to
	// files that were stored.
	for _, id := range []string{"att-1", "att-2"} {
		if err := st.PutAttachment(ctx, &store.Attachment{ID: id, Name: id + ".png", ContentType: "image/png"}, bytes.NewReader(pngHeader), 1<<20); err != nil {
			t.Fatal(err)
		}
	}

	// An IT incident through its life: comments, an assignment, a pause, a
	// link, SLA warning and breach with escalation, a resolution form.
	inc := must(desk.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("some", "high")}))
	other := must(desk.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low")}))
	at(30, 9, 10)
	must(desk.Assign(ctx, ben, inc.Number, 0, "ben", "de"))
	must(desk.Transition(ctx, ben, inc.Number, engine.TransitionRequest{Transition: "start"}))
	must(desk.Comment(ctx, ben, inc.Number, 0, "Schaue ich mir an.", false, "de"))
	must(desk.Comment(ctx, ben, inc.Number, 0, "Vermutlich der Treiber.", true, "de"))
	must(desk.CommentWithFiles(ctx, anna, inc.Number, 0, "Foto anbei", false, []string{"att-1"}, "de"))
	must(desk.Link(ctx, ben, inc.Number, 0, ticket.Link{Kind: "related", Target: other.Number}))
	at(30, 15, 48)
	if _, err := desk.SweepSLA(ctx); err != nil {
		t.Fatal(err)
	}
	clk.Set(berlinTime(2026, 12, 1, 9, 0))
	if _, err := desk.SweepSLA(ctx); err != nil {
		t.Fatal(err)
	}
	must(desk.Transition(ctx, carla, inc.Number, engine.TransitionRequest{Transition: "ask_requester", Comment: "Welcher Drucker genau?"}))
	must(desk.Transition(ctx, anna, inc.Number, engine.TransitionRequest{Transition: "reply", Comment: "Der im Raum 204."}))
	must(desk.Transition(ctx, carla, inc.Number, engine.TransitionRequest{Transition: "resolve",
		Data: map[string]any{"solution": "Treiber neu installiert", "cause": "software"}}))

	// Scripts: hook changes, a script's comment, a failed script.
	hooked := must(desk.Create(ctx, ben, engine.CreateRequest{Process: "hooked", Data: map[string]any{"summary": "Skripte", "category": "b"}}))
	must(desk.Transition(ctx, carla, hooked.Number, engine.TransitionRequest{Transition: "start"}))
	failing := must(desk.Create(ctx, ben, engine.CreateRequest{Process: "hooked", Data: map[string]any{"summary": "Fehler", "category": "a"}}))
	if _, err := desk.Transition(ctx, ben, failing.Number, engine.TransitionRequest{Transition: "fail"}); err == nil {
		t.Fatal("the failing hook let the transition through")
	}
	if err := desk.RunSLAHook(ctx, failing.Number, engine.SLABreach, map[string]any{"target": "resolution"}); err != nil {
		t.Fatal(err)
	}

	// Approvals: granted over two levels, rejected, withdrawn.
	dora := &auth.Principal{User: "dora"}
	all := map[string]bool{"ticket.read_all": true}
	lead := &auth.Principal{User: "lena", Roles: []string{"teamleitung"}, Permissions: all}
	head := &auth.Principal{User: "hans", Roles: []string{"amtsleitung"}, Permissions: all}
	granted := must(procurement.Create(ctx, dora, engine.CreateRequest{Process: "beschaffung", Data: map[string]any{"gegenstand": "Dienstlaptops", "betrag": 12000}}))
	must(procurement.Transition(ctx, dora, granted.Number, engine.TransitionRequest{Transition: "genehmigen"}))
	must(procurement.Decide(ctx, lead, granted.Number, 0, true, "passt", "de"))
	must(procurement.Decide(ctx, head, granted.Number, 0, true, "", "de"))
	rejected := must(procurement.Create(ctx, dora, engine.CreateRequest{Process: "beschaffung", Data: map[string]any{"gegenstand": "Drucker", "betrag": 300}}))
	must(procurement.Transition(ctx, dora, rejected.Number, engine.TransitionRequest{Transition: "genehmigen"}))
	must(procurement.Decide(ctx, lead, rejected.Number, 0, false, "zu teuer", "de"))
	withdrawn := must(procurement.Create(ctx, dora, engine.CreateRequest{Process: "beschaffung", Data: map[string]any{"gegenstand": "Stühle", "betrag": 800}}))
	must(procurement.Transition(ctx, dora, withdrawn.Number, engine.TransitionRequest{Transition: "genehmigen"}))
	must(procurement.Transition(ctx, dora, withdrawn.Number, engine.TransitionRequest{Transition: "zurueckziehen"}))

	// Child tickets: created by the parent's transition, closed with it.
	parent := must(onboarding.Create(ctx, dora, engine.CreateRequest{Process: "onboarding", Data: map[string]any{"name": "Eva"}}))
	must(onboarding.Transition(ctx, dora, parent.Number, engine.TransitionRequest{Transition: "starten"}))
	if _, err := onboarding.RunEffects(ctx); err != nil {
		t.Fatal(err)
	}
	must(onboarding.Transition(ctx, dora, parent.Number, engine.TransitionRequest{Transition: "stornieren"}))
	if _, err := onboarding.RunEffects(ctx); err != nil {
		t.Fatal(err)
	}

	// A citizen's request and reply.
	pothole := must(citizen.Create(ctx, nil, engine.CreateRequest{Process: "pothole", Data: map[string]any{"street": "Markt 1", "email": "e@example.org"}}))
	must(citizen.Transition(ctx, roadAgent, pothole.Number, engine.TransitionRequest{Transition: "fix"}))
	must(citizen.CitizenReply(ctx, pothole.Tracking, 0, "Danke!", []string{"att-2"}, "de"))

	var buf bytes.Buffer
	if _, err := st.Backup(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(legacyArchive, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s: %d bytes", legacyArchive, buf.Len())
}
