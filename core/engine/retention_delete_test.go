package engine_test

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"vorgang/core/app"
	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/internal/testkit"
	"vorgang/core/search"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// deleteDesk deletes a ticket as a whole 30 days after it was created.
const deleteDesk = `apiVersion: vorgang/v1
kind: Process
id: loeschen
title: Meldung
form: meldung
audience: [citizen]
team: roads
numbering: {prefix: RD}
states:
  - {id: neu, category: open}
  - {id: erledigt, category: closed}
transitions:
  - {id: erledigen, from: [neu], to: erledigt, roles: [road-agent]}
retention:
  - {id: kontakt, after: 10d, from: created, requester: true}
  - {id: loeschen, after: 30d, from: created, delete: true}
---
` + retentionShared

// deleteFixture is an engine over deleteDesk with a settable clock and a
// search index fed by the store, as core/app wires it.
func deleteFixture(t *testing.T) (searchFixture, *testkit.Clock) {
	t.Helper()
	cat := testkit.Compile(t, []definition.File{{Path: "processes/loeschen.yaml", Data: []byte(deleteDesk)}})
	clk := testkit.NewClock(clock)
	st := openStore(t)
	idx, err := search.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	feeder, err := search.NewFeeder(search.FeedConfig{Index: idx, Source: st, Logger: testkit.Quiet})
	if err != nil {
		t.Fatal(err)
	}
	st.OnTicketChange(feeder.Watch)
	eng, err := engine.New(engine.Deps{Store: st, Searcher: idx, Catalog: func() *definition.Catalog { return cat }, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return searchFixture{fixture: fixture{eng: eng, store: st}, feeder: feeder}, clk
}

// TestRetentionDeletesTicket: a rule with delete removes the ticket, its
// history, its files and its search entry, and leaves a tombstone with
// which the audit passes; a dry run only lists it; a ticket under legal
// hold is kept; a second run deletes nothing.
func TestRetentionDeletesTicket(t *testing.T) {
	t.Parallel()
	f, clk := deleteFixture(t)
	ctx := t.Context()
	create := func(street string) *ticket.Ticket {
		tk, err := f.eng.Create(ctx, nil, engine.CreateRequest{Process: "loeschen", Data: map[string]any{"street": street, "email": "erika@example.org"}})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	gone, held := create("Marktplatz 1"), create("Marktplatz 2")
	photo, err := f.eng.Upload(ctx, "portal:citizen", "hof.png", "image/png", bytes.NewReader(pngHeader), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.CitizenReply(ctx, gone.Tracking, 0, "Foto vom Hof", []string{photo.ID}, "de"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.SetLegalHold(ctx, privacyOfficer, held.Number, true, "Klage anhängig"); err != nil {
		t.Fatal(err)
	}
	found := func() []string {
		t.Helper()
		if err := f.feeder.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := f.eng.Search(ctx, roadAgent, engine.SearchRequest{Text: "Marktplatz"})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.Number)
		}
		slices.Sort(out)
		return out
	}
	if got := found(); !slices.Equal(got, []string{gone.Number, held.Number}) {
		t.Fatalf("found %v before, want both", got)
	}
	before, err := f.store.Ticket(ctx, gone.Number)
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(31 * 24 * time.Hour)

	dry, err := f.eng.EnforceRetention(ctx, engine.RetentionRun{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(dry.Actions) != 1 || dry.Actions[0].Ticket != gone.Number || dry.Actions[0].Rule != "loeschen" ||
		!slices.Equal(dry.Actions[0].Removes, []string{"ticket"}) || dry.Held != 1 {
		t.Fatalf("dry run: %+v, want only the deletion of %s listed and one ticket held", dry, gone.Number)
	}
	if _, err := f.eng.Ticket(ctx, roadAgent, gone.Number); err != nil {
		t.Fatalf("after the dry run: %v, want the ticket still there", err)
	}

	rep, err := f.eng.EnforceRetention(ctx, engine.RetentionRun{})
	if err != nil || rep.Failed > 0 || len(rep.Actions) != 1 {
		t.Fatalf("run: %+v, %v; want one deletion", rep, err)
	}
	if _, err := f.eng.Ticket(ctx, roadAgent, gone.Number); !errors.Is(err, fault.NotFound) {
		t.Fatalf("reading the deleted ticket: %v, want not found", err)
	}
	heads, _, err := f.eng.Inbox(ctx, roadAgent, ticket.Query{Team: "roads"})
	if err != nil {
		t.Fatal(err)
	}
	if len(heads) != 1 || heads[0].Number != held.Number {
		t.Errorf("team's list: %+v, want the held ticket only", heads)
	}
	if got := found(); !slices.Equal(got, []string{held.Number}) {
		t.Errorf("found %v after the deletion, want the held ticket only", got)
	}
	for _, c := range []struct{ coll, id string }{
		{store.HistoryCollection, store.HistoryID(gone.Number, 1)},
		{store.HistoryCollection, store.HistoryID(gone.Number, before.Version)},
		{store.AttachmentsCollection, photo.ID},
	} {
		var doc map[string]any
		if err := f.store.Get(ctx, c.coll, c.id, &doc); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s/%s: %v, want it deleted", c.coll, c.id, err)
		}
	}
	tb, err := f.store.Tombstone(ctx, gone.Number)
	if err != nil {
		t.Fatal(err)
	}
	if tb.Rule != "loeschen" || tb.Process != "loeschen" || tb.Entries != before.Version || tb.Head != before.HistoryHash || tb.At.IsZero() {
		t.Errorf("tombstone %+v, want rule, process, %d entries and head %s", tb, before.Version, before.HistoryHash)
	}
	if strings.Contains(strings.ToLower(fmt.Sprintf("%+v", *tb)), "erika") {
		t.Errorf("tombstone %+v names the requester", tb)
	}
	checked, err := engine.Audit(ctx, f.store, nil, func(n string, p []engine.VerifyProblem) { t.Errorf("audit %s: %v", n, p) })
	if err != nil || checked != 1 {
		t.Fatalf("audit of all: %d checked, %v; want the held ticket", checked, err)
	}
	if p := auditProblems(t, f.store, gone.Number); len(p) > 0 {
		t.Errorf("audit of the deleted ticket: %v", p)
	}
	if !strings.Contains(storedText(t, f.store, held.Number), "erika@example.org") {
		t.Error("the held ticket lost its data")
	}

	again, err := f.eng.EnforceRetention(ctx, engine.RetentionRun{})
	if err != nil || len(again.Actions) > 0 || again.Held != 1 {
		t.Fatalf("second run: %+v, %v; want nothing due and the held ticket kept", again, err)
	}
}

// TestRetentionDeleteRefusesBrokenChain: a ticket whose history does not
// verify is not deleted, since its tombstone would vouch for the chain.
func TestRetentionDeleteRefusesBrokenChain(t *testing.T) {
	t.Parallel()
	f, clk := deleteFixture(t)
	ctx := t.Context()
	tk, err := f.eng.Create(ctx, nil, engine.CreateRequest{Process: "loeschen", Data: map[string]any{"street": "Markt 1", "email": "e@example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	hist, err := f.store.History(ctx, tk)
	if err != nil {
		t.Fatal(err)
	}
	hist[0].Actor = "mallory"
	if err := f.store.RewriteHistory(ctx, tk.Number, hist[:1]); err != nil {
		t.Fatal(err)
	}
	clk.Advance(31 * 24 * time.Hour)
	rep, err := f.eng.EnforceRetention(ctx, engine.RetentionRun{})
	if err != nil || rep.Failed != 1 {
		t.Fatalf("run: %+v, %v; want the deletion failed", rep, err)
	}
	if _, err := f.store.Ticket(ctx, tk.Number); err != nil {
		t.Fatalf("the tampered ticket: %v, want it kept", err)
	}
	if _, err := f.store.Tombstone(ctx, tk.Number); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("tombstone: %v, want none", err)
	}
}

// TestRetentionDeleteUnlinksAssets: the assets a deleted ticket linked no
// longer list it.
func TestRetentionDeleteUnlinksAssets(t *testing.T) {
	t.Parallel()
	desk := definition.File{Path: "processes/geraet.yaml", Data: []byte(`apiVersion: vorgang/v1
kind: Process
id: geraet
title: Gerät
form: geraet
audience: [staff]
team: it-1st-level
states:
  - {id: neu, category: open}
  - {id: erledigt, category: closed}
transitions: [{id: erledigen, from: [neu], to: erledigt}]
retention:
  - {id: weg, after: 30d, from: created, delete: true}
---
apiVersion: vorgang/v1
kind: Form
id: geraet
title: Gerät
fields:
  - {id: summary, type: text, label: Betreff, required: true}
  - {id: device, type: asset, label: Gerät, asset_class: workstation}
`)}
	clk := testkit.NewClock(clock)
	a := testkit.NewApp(t, app.Config{Now: clk.Now, Catalog: testkit.Fixed(testkit.Compile(t, append(testkit.DeskFiles(t), desk)))})
	ctx := t.Context()
	for _, u := range []auth.NewUser{{Name: "anna"}, {Name: "carla", Teams: []string{"it-2nd-level"}}} {
		if _, err := a.Auth.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	principal := func(name string) *auth.Principal {
		p, err := a.Auth.Principal(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	name := "Laptop Zimmer 204"
	pc, err := a.Assets.Create(ctx, principal("carla"), asset.Input{Class: "workstation", Name: &name, Data: map[string]any{"device_type": "laptop"}})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := a.Engine.Create(ctx, principal("anna"), engine.CreateRequest{Process: "geraet", Data: map[string]any{"summary": "Akku defekt", "device": pc.Number}})
	if err != nil {
		t.Fatal(err)
	}
	listed := func() bool {
		refs, err := a.Assets.Tickets(ctx, principal("carla"), pc.Number)
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(refs, func(r asset.TicketRef) bool { return r.Number == tk.Number })
	}
	if !listed() {
		t.Fatal("the asset does not list the new ticket")
	}
	clk.Advance(31 * 24 * time.Hour)
	rep, err := a.Engine.EnforceRetention(ctx, engine.RetentionRun{})
	if err != nil || rep.Failed > 0 || len(rep.Actions) != 1 {
		t.Fatalf("run: %+v, %v; want one deletion", rep, err)
	}
	if listed() {
		t.Error("the asset still lists the deleted ticket")
	}
}

// TestRetentionDeleteCutOff: a deletion cut off after its tombstone and
// part of the history is reported by the audit as such, and the next run
// completes it from the tombstone.
func TestRetentionDeleteCutOff(t *testing.T) {
	t.Parallel()
	f, clk := deleteFixture(t)
	ctx := t.Context()
	tk, err := f.eng.Create(ctx, nil, engine.CreateRequest{Process: "loeschen", Data: map[string]any{"street": "Markt 1", "email": "e@example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.CitizenReply(ctx, tk.Tracking, 0, "Noch da.", nil, "de"); err != nil {
		t.Fatal(err)
	}
	cur, err := f.store.Ticket(ctx, tk.Number)
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(31 * 24 * time.Hour)
	// What a crash after the tombstone and the last entry leaves.
	tb := store.Tombstone{Number: cur.Number, Process: cur.Process, Rule: "loeschen", At: clk.Now(), Entries: cur.Version, Head: cur.HistoryHash}
	if err := f.store.Insert(ctx, store.TombstonesCollection, &tb); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Delete(ctx, store.HistoryCollection, store.HistoryID(cur.Number, cur.Version)); err != nil {
		t.Fatal(err)
	}
	if p := auditProblems(t, f.store, cur.Number); !strings.Contains(fmt.Sprint(p), "cut off") {
		t.Fatalf("audit: %v, want the deletion reported as cut off", p)
	}
	rep, err := f.eng.EnforceRetention(ctx, engine.RetentionRun{})
	if err != nil || rep.Failed > 0 || len(rep.Actions) != 1 {
		t.Fatalf("run: %+v, %v; want the deletion completed", rep, err)
	}
	if _, err := f.store.Ticket(ctx, cur.Number); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ticket: %v, want it gone", err)
	}
	got, err := f.store.Tombstone(ctx, cur.Number)
	if err != nil || got.Head != cur.HistoryHash || !got.At.Equal(tb.At) {
		t.Errorf("tombstone %+v, %v; want the first one kept", got, err)
	}
	if p := auditProblems(t, f.store, cur.Number); len(p) > 0 {
		t.Errorf("audit after completing: %v", p)
	}
}
