package engine_test

import (
	"strings"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/ticket"
)

// umzugTransform is umzugV2 whose migration also runs a transform: it
// fills the floor from the old subject, and fails for storage moves.
const umzugTransform = `---
apiVersion: vorgang/v1
kind: Migration
id: umzug-etage
title: Etage aus dem Betreff
process: umzug
transform: etage
`

const etageLua = `if ticket.data.art == "lager" then
  error("Lager haben keine Etage")
end
ticket.set("etage", "OG " .. string.len(ticket.data.summary or ""))
ticket.set_priority("high")
`

// TestMigrateTransform: a migration's transform runs once per ticket
// after the maps and its changes are stored with the migration's entry; a
// ticket whose transform fails is listed with script:line and left as it
// was; a second run changes no ticket twice, though the transform would
// apply again.
func TestMigrateTransform(t *testing.T) {
	t.Parallel()
	v1 := testkit.Compile(t, []definition.File{{Path: "processes/umzug.yaml", Data: []byte(umzugV1)}})
	v2 := testkit.Compile(t, []definition.File{
		{Path: "processes/umzug.yaml", Data: []byte(umzugV2 + umzugTransform)},
		{Path: "scripts/etage.lua", Data: []byte(etageLua)},
	})
	live := definition.NewLive(v1)
	st := openStore(t)
	eng, err := engine.New(engine.Deps{Store: st, Catalog: live.Catalog, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	root := &auth.Principal{User: "root", Admin: true}
	numbers := map[string]string{}
	for _, art := range []string{"buero", "lager"} {
		tk, err := eng.Create(ctx, root, engine.CreateRequest{Process: "umzug", Data: map[string]any{"betreff": "Umzug", "art": art}})
		if err != nil {
			t.Fatal(err)
		}
		numbers[art] = tk.Number
	}
	live.Swap(v2)

	res, err := eng.Migrate(ctx, engine.MigrateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// umzug-2027 moves both; umzug-etage fails on the storage move.
	if res.Migrated["umzug-2027"] != 2 || res.Migrated["umzug-etage"] != 1 || res.Failed != 1 {
		t.Fatalf("Migrate = %+v, want 2 + 1 migrated, 1 failed", res)
	}
	if f := res.Failures[0]; f.Ticket != numbers["lager"] || !strings.Contains(f.Error, "etage.lua:2:") && !strings.Contains(f.Error, "etage:2:") {
		t.Errorf("failure = %+v, want the storage move with the script's line", f)
	}
	office, _ := st.Ticket(ctx, numbers["buero"])
	if office.Data["etage"] != "OG 5" || office.Priority != "high" {
		t.Errorf("transformed ticket: data %v, priority %s", office.Data, office.Priority)
	}
	hist, err := st.History(ctx, office)
	if err != nil {
		t.Fatal(err)
	}
	last, _ := hist[len(hist)-1].Decode()
	if m, ok := last.(ticket.Migrated); !ok || m.Migration != "umzug-etage" || m.Changes["priority"].New != "high" {
		t.Errorf("last entry = %#v, want umzug-etage with the priority", last)
	}
	storage, _ := st.Ticket(ctx, numbers["lager"])
	if storage.Data["etage"] != "unbekannt" || storage.Priority == "high" || len(storage.Migrations) != 1 {
		t.Errorf("failed ticket changed: data %v, priority %s, migrations %v", storage.Data, storage.Priority, storage.Migrations)
	}

	again, err := eng.Migrate(ctx, engine.MigrateOptions{})
	if err != nil || again.Migrated["umzug-etage"] != 0 || again.Migrated["umzug-2027"] != 0 || again.Failed != 1 {
		t.Errorf("second run = %+v, %v; want only the failing ticket tried again", again, err)
	}
	if o, _ := st.Ticket(ctx, numbers["buero"]); o.Version != office.Version {
		t.Errorf("second run changed %s again (version %d → %d)", o.Number, office.Version, o.Version)
	}
}
