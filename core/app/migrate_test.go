package app_test

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"vorgang/core/app"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/ticket"
)

// antragV1 is the version the migration tests start from.
const antragV1 = testkit.SmallDesk

const antragV2 = `apiVersion: vorgang/v1
kind: Process
id: antrag
title: Antrag
form: antrag
audience: [staff]
states:
  - {id: neu, category: open}
  - {id: erledigt, category: closed}
transitions:
  - {id: erledigen, from: [neu], to: erledigt}
---
apiVersion: vorgang/v1
kind: Form
id: antrag
title: Antrag
fields:
  - {id: summary, type: text, label: Betreff}
---
apiVersion: vorgang/v1
kind: Migration
id: eingang-wird-neu
title: Eingang heißt jetzt Neu
process: antrag
states:
  eingang: neu
`

// TestMigrateOnceAcrossInstances: two instances on one database apply a
// migration at the same time; the lease lets one of them migrate, and
// every ticket is migrated exactly once.
func TestMigrateOnceAcrossInstances(t *testing.T) {
	const n = 300
	live := definition.NewLive(testkit.Compile(t, []definition.File{{Path: "processes/antrag.yaml", Data: []byte(antragV1)}}))
	// The driver lower-cases socket paths: the folder must not have
	// upper-case letters, as t.TempDir's (named after the test) has.
	dir, err := os.MkdirTemp("", "vorgang-app-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	first := testkit.NewApp(t, app.Config{Catalog: live.Catalog, Holder: "first", DataDir: dir})
	second := testkit.NewApp(t, app.Config{Catalog: live.Catalog, Holder: "second", MongoURI: first.Store.EmbeddedURI()})
	ctx := t.Context()
	var numbers []string
	for i := range n {
		tk, err := first.Engine.Create(ctx, &auth.Principal{User: "root", Admin: true},
			engine.CreateRequest{Process: "antrag", Data: map[string]any{"summary": fmt.Sprint("Antrag ", i)}})
		if err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, tk.Number)
	}
	live.Swap(testkit.Compile(t, []definition.File{{Path: "processes/antrag.yaml", Data: []byte(antragV2)}}))

	var wg sync.WaitGroup
	results := make([]engine.MigrationResult, 2)
	errs := make([]error, 2)
	for i, a := range []*app.App{first, second} {
		wg.Go(func() { _, results[i], errs[i] = a.Migrate(ctx) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
	}
	if got := results[0].Migrated["eingang-wird-neu"] + results[1].Migrated["eingang-wird-neu"]; got != n {
		t.Errorf("migrated %d + %d tickets, want %d in all", results[0].Migrated["eingang-wird-neu"], results[1].Migrated["eingang-wird-neu"], n)
	}
	for _, number := range numbers {
		tk, err := first.Store.Ticket(ctx, number)
		if err != nil {
			t.Fatal(err)
		}
		hist, err := first.Store.History(ctx, tk)
		if err != nil {
			t.Fatal(err)
		}
		migrated := 0
		for _, h := range hist {
			if h.Type == ticket.EntryMigrated {
				migrated++
			}
		}
		if tk.State != "neu" || migrated != 1 {
			t.Errorf("%s: state %s, %d migration entries; want neu and 1", number, tk.State, migrated)
		}
	}
}
