package engine_test

import (
	"strings"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
)

// TestMigrateFromVersion: a migration that names the versions it is
// written for moves tickets on, and covers their removed states in the
// plan, only when the definitions in service replaced one of them; after
// another change it is not applied and the tickets are stranded.
func TestMigrateFromVersion(t *testing.T) {
	t.Parallel()
	v1 := testkit.Compile(t, []definition.File{{Path: "processes/umzug.yaml", Data: []byte(umzugV1)}})
	for _, tt := range []struct {
		name     string
		from     string // the versions the migration names
		replaced string // the version the definitions in service replaced
		applied  bool
	}{
		{"its version", v1.Hash()[:12], v1.Hash(), true},
		{"one of its versions", "0123456789ab, " + v1.Hash(), v1.Hash(), true},
		{"another version", "0123456789ab", v1.Hash(), false},
		{"no version replaced", v1.Hash()[:12], "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v2 := testkit.Compile(t, []definition.File{{Path: "processes/umzug.yaml",
				Data: []byte(strings.Replace(umzugV2, "process: umzug\n", "process: umzug\nfrom: ["+tt.from+"]\n", 1))}})
			live := definition.NewLive(v1)
			st := openStore(t)
			eng, err := engine.New(engine.Deps{Store: st, Catalog: live.Catalog, Now: func() time.Time { return clock }})
			if err != nil {
				t.Fatal(err)
			}
			ctx := t.Context()
			root := &auth.Principal{User: "root", Admin: true}
			tk, err := eng.Create(ctx, root, engine.CreateRequest{Process: "umzug", Data: map[string]any{"betreff": "Umzug", "art": "buero"}})
			if err != nil {
				t.Fatal(err)
			}
			served := v1
			if tt.replaced == "" {
				served = testkit.Compile(t, []definition.File{{Path: "processes/umzug.yaml", Data: []byte(umzugV1 + "\n# another version\n")}})
			}
			plan, err := engine.PlanDefinitions(ctx, st, served, v2)
			if err != nil {
				t.Fatal(err)
			}
			if stranded := len(plan.Stranded) > 0; stranded == tt.applied {
				t.Errorf("plan strands %v, want %v: %+v", plan.Stranded, !tt.applied, plan.Changes)
			}
			live.Swap(v2)
			res, err := eng.Migrate(ctx, engine.MigrateOptions{Replaced: tt.replaced})
			if err != nil {
				t.Fatal(err)
			}
			got, err := st.Ticket(ctx, tk.Number)
			if err != nil {
				t.Fatal(err)
			}
			if moved := got.State == "neu"; moved != tt.applied || (res.Migrated["umzug-2027"] == 1) != tt.applied ||
				(len(res.NotApplied) == 1) == tt.applied {
				t.Errorf("state %s, result %+v; applied %v", got.State, res, tt.applied)
			}
		})
	}
}
