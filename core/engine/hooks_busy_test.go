package engine_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/script"
	"vorgang/core/store"
)

// When every script state is busy longer than the runtime lets a call
// wait, a change that needs a hook is refused with ErrBusy (the API's 503
// with Retry-After), and nothing is stored.
func TestBusyScriptsRefuseTheChange(t *testing.T) {
	files := levelDesk("")
	files = append(files, definition.File{Path: "scripts/spin.lua", Data: []byte(`for i = 1, 1e12 do end`)})
	loader, err := definition.NewLoader(os.DirFS("../../schemas"))
	if err != nil {
		t.Fatal(err)
	}
	cat, diags := loader.Compile(files)
	if cat == nil {
		t.Fatal(diags)
	}
	st, err := store.Open(t.Context(), store.Config{DataDir: t.TempDir(), Collections: engine.Collections()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	rt := script.New(script.Config{PoolSize: 1, MaxWait: 50 * time.Millisecond, Timeout: 30 * time.Second})
	t.Cleanup(rt.Close)
	eng, err := engine.New(engine.Deps{Store: st, Catalog: func() *definition.Catalog { return cat }, Scripts: rt})
	if err != nil {
		t.Fatal(err)
	}
	// A long call holds the only state until the test ends.
	hold, stop := context.WithCancel(context.Background())
	defer stop()
	held := make(chan struct{})
	go func() {
		go func() { time.Sleep(200 * time.Millisecond); close(held) }()
		_, _ = rt.Run(hold, script.Call{Catalog: cat, Script: "spin", Hook: script.HookJob})
	}()
	<-held
	_, err = eng.Create(t.Context(), staffer, engine.CreateRequest{Process: "lvl4", Data: map[string]any{"text": "x"}})
	if !errors.Is(err, engine.ErrBusy) {
		t.Fatalf("create while the scripts are busy: %v, want %v", err, engine.ErrBusy)
	}
	if exists(t, st, "LVL4-000001") {
		t.Fatal("the refused create stored a ticket")
	}
}
