package engine_test

import (
	"strings"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/store"
)

// TestCatalogForFinishedTickets: a finished ticket is shown with the
// definitions in service when it finished, so a state renamed and a field
// removed later still read as they did; an open ticket follows the current
// definitions, and a version that was never recorded falls back to them.
func TestCatalogForFinishedTickets(t *testing.T) {
	t.Parallel()
	files := []definition.File{{Path: "processes/umzug.yaml", Data: []byte(umzugV1)}}
	v1 := testkit.Compile(t, files)
	later := strings.NewReplacer("erledigt", "abgeschlossen", "  - {id: art, type: text, label: Art}\n", "").Replace(umzugV1)
	v2 := testkit.Compile(t, []definition.File{{Path: "processes/umzug.yaml", Data: []byte(later)}})
	live := definition.NewLive(v1)
	st := openStore(t)
	eng, err := engine.New(engine.Deps{Store: st, Catalog: live.Catalog, Now: func() time.Time { return clock }, Compile: testkit.Loader(t).Compile})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	root := &auth.Principal{User: "root", Admin: true}
	done, err := eng.Create(ctx, root, engine.CreateRequest{Process: "umzug", Data: map[string]any{"betreff": "Umzug", "art": "buero"}})
	if err != nil {
		t.Fatal(err)
	}
	if done, err = eng.Transition(ctx, root, done.Number, engine.TransitionRequest{Transition: "erledigen"}); err != nil {
		t.Fatal(err)
	}
	open, err := eng.Create(ctx, root, engine.CreateRequest{Process: "umzug", Data: map[string]any{"betreff": "Umzug 2"}})
	if err != nil {
		t.Fatal(err)
	}
	if done.ClosedOn != v1.Hash() || open.ClosedOn != "" {
		t.Fatalf("closed_on = %q (want %s), of an open ticket %q", done.ClosedOn, v1.Hash(), open.ClosedOn)
	}
	live.Swap(v2)

	if got := eng.CatalogFor(ctx, done); got.Hash() != v2.Hash() {
		t.Errorf("without a recorded version, the finished ticket is shown with %s, want the current %s", got.Hash(), v2.Hash())
	}
	if _, err := st.SaveDefinitionVersion(ctx, &store.DefinitionVersion{Hash: v1.Hash(), Files: []store.DefinitionFile{{Path: files[0].Path, Data: files[0].Data}}}); err != nil {
		t.Fatal(err)
	}
	got := eng.CatalogFor(ctx, done)
	p := got.Process("umzug")
	if p == nil || p.State("erledigt") == nil || got.Form("umzug") == nil || len(got.Form("umzug").AllFields()) != 2 {
		t.Errorf("a finished ticket is not shown with the definitions it finished under (%s)", got.Hash())
	}
	if got := eng.CatalogFor(ctx, open); got.Hash() != v2.Hash() {
		t.Errorf("an open ticket is shown with %s, want the current %s", got.Hash(), v2.Hash())
	}
}
