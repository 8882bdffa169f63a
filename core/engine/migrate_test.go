package engine_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/ticket"
)

const umzugV1 = `apiVersion: vorgang/v1
kind: Process
id: umzug
title: Umzug
form: umzug
audience: [staff]
states:
  - {id: eingang, category: open}
  - {id: in_pruefung, category: open}
  - {id: erledigt, category: closed}
transitions:
  - {id: pruefen, from: [eingang], to: in_pruefung}
  - {id: erledigen, from: [eingang, in_pruefung], to: erledigt}
---
apiVersion: vorgang/v1
kind: Form
id: umzug
title: Umzug
fields:
  - {id: betreff, type: text, label: Betreff}
  - {id: art, type: text, label: Art}
`

const umzugV2 = `apiVersion: vorgang/v1
kind: Process
id: umzug
title: Umzug
form: umzug
audience: [staff]
states:
  - {id: neu, category: open}
  - {id: erledigt, category: closed}
transitions:
  - {id: erledigen, from: [neu], to: erledigt}
---
apiVersion: vorgang/v1
kind: Form
id: umzug
title: Umzug
fields:
  - {id: summary, type: text, label: Betreff}
  - {id: art, type: text, label: Art}
  - {id: etage, type: text, label: Etage}
---
apiVersion: vorgang/v1
kind: Migration
id: umzug-2027
title: Umzug 2027
process: umzug
states:
  eingang: neu
  in_pruefung: neu
fields:
  betreff: summary
values:
  art: {buero: office}
defaults:
  etage: unbekannt
`

// TestMigrate: a migration moves every open ticket of its process out of
// the removed states and renames, maps and fills its data, each with one
// history entry whose chain still verifies; finished tickets stay as they
// are, a dry run stores nothing, and a second run migrates nothing twice.
func TestMigrate(t *testing.T) {
	t.Parallel()
	v1 := testkit.Compile(t, []definition.File{{Path: "processes/umzug.yaml", Data: []byte(umzugV1)}})
	v2 := testkit.Compile(t, []definition.File{{Path: "processes/umzug.yaml", Data: []byte(umzugV2)}})
	live := definition.NewLive(v1)
	st := openStore(t)
	eng, err := engine.New(engine.Deps{Store: st, Catalog: live.Catalog, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	root := &auth.Principal{User: "root", Admin: true}
	var numbers []string
	for _, art := range []string{"buero", "lager", "buero"} {
		tk, err := eng.Create(ctx, root, engine.CreateRequest{Process: "umzug", Data: map[string]any{"betreff": "Umzug " + art, "art": art}})
		if err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, tk.Number)
	}
	if _, err := eng.Transition(ctx, root, numbers[1], engine.TransitionRequest{Transition: "pruefen"}); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Transition(ctx, root, numbers[2], engine.TransitionRequest{Transition: "erledigen"}); err != nil {
		t.Fatal(err)
	}
	live.Swap(v2)

	dry, err := eng.Migrate(ctx, engine.MigrateOptions{DryRun: true, Samples: 10})
	if err != nil {
		t.Fatal(err)
	}
	if dry.Migrated["umzug-2027"] != 2 || len(dry.Samples) != 2 {
		t.Fatalf("dry run = %+v, want 2 tickets to migrate", dry)
	}
	if tk, _ := st.Ticket(ctx, numbers[0]); tk.State != "eingang" {
		t.Fatalf("a dry run stored a change: %+v", tk)
	}

	res, err := eng.Migrate(ctx, engine.MigrateOptions{})
	if err != nil || res.Migrated["umzug-2027"] != 2 || res.Failed != 0 {
		t.Fatalf("Migrate = %+v, %v; want 2 tickets", res, err)
	}
	for _, tt := range []struct {
		number, state string
		data          map[string]any
		entry         *ticket.Migrated
	}{
		{numbers[0], "neu", map[string]any{"summary": "Umzug buero", "art": "office", "etage": "unbekannt"},
			&ticket.Migrated{Migration: "umzug-2027", From: "eingang", To: "neu", Renamed: map[string]string{"betreff": "summary"},
				Changes: ticket.Changes{"data": {Fields: map[string]ticket.Change{"art": {Old: "buero", New: "office"}, "etage": {Old: nil, New: "unbekannt"}}}}}},
		{numbers[1], "neu", map[string]any{"summary": "Umzug lager", "art": "lager", "etage": "unbekannt"},
			&ticket.Migrated{Migration: "umzug-2027", From: "in_pruefung", To: "neu", Renamed: map[string]string{"betreff": "summary"},
				Changes: ticket.Changes{"data": {Fields: map[string]ticket.Change{"etage": {Old: nil, New: "unbekannt"}}}}}},
		{numbers[2], "erledigt", map[string]any{"betreff": "Umzug buero", "art": "buero"}, nil},
	} {
		tk, err := st.Ticket(ctx, tt.number)
		if err != nil {
			t.Fatal(err)
		}
		if tk.State != tt.state || !reflect.DeepEqual(tk.Data, tt.data) {
			t.Errorf("%s: state %s, data %v; want %s, %v", tt.number, tk.State, tk.Data, tt.state, tt.data)
		}
		hist, err := st.History(ctx, tk)
		if err != nil {
			t.Fatal(err)
		}
		last, err := hist[len(hist)-1].Decode()
		if err != nil {
			t.Fatal(err)
		}
		if m, ok := last.(ticket.Migrated); ok != (tt.entry != nil) || (ok && !reflect.DeepEqual(m, *tt.entry)) {
			t.Errorf("%s: last entry %#v, want %#v", tt.number, last, tt.entry)
		}
	}
	var broken []string
	if _, err := engine.Audit(ctx, st, nil, func(number string, _ []engine.VerifyProblem) { broken = append(broken, number) }); err != nil || len(broken) > 0 {
		t.Errorf("audit after migration: %v, broken %v", err, broken)
	}
	if tk, err := eng.Transition(ctx, root, numbers[0], engine.TransitionRequest{Transition: "erledigen"}); err != nil || tk.State != "erledigt" {
		t.Errorf("a migrated ticket cannot move on: %v", err)
	}

	again, err := eng.Migrate(ctx, engine.MigrateOptions{})
	if err != nil || slices.Collect(mapsValues(again.Migrated)) != nil {
		t.Errorf("a second run = %+v, %v; want nothing migrated", again, err)
	}
}

func mapsValues(m map[string]int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for _, v := range m {
			if !yield(v) {
				return
			}
		}
	}
}
