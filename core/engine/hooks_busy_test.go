package engine_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/script"
)

// When every script state is busy longer than the runtime lets a call
// wait, a change that needs a hook is refused with ErrBusy (the API's 503
// with Retry-After), and nothing is stored.
func TestBusyScriptsRefuseTheChange(t *testing.T) {
	t.Parallel()
	files := levelDesk("")
	files = append(files, definition.File{Path: "scripts/wait.lua", Data: []byte(`tickets.find({})`)})
	cat := testkit.Compile(t, files)
	st := openStore(t)
	rt := script.New(script.Config{PoolSize: 1, MaxWait: 50 * time.Millisecond, Timeout: 30 * time.Second})
	t.Cleanup(rt.Close)
	eng, err := engine.New(engine.Deps{Store: st, Catalog: func() *definition.Catalog { return cat }, Scripts: rt})
	if err != nil {
		t.Fatal(err)
	}
	// A call holds the only state until the test ends.
	held := make(chan struct{})
	release := make(chan struct{})
	defer close(release)
	go func() {
		_, _ = rt.Run(context.Background(), script.Call{Catalog: cat, Script: "wait", Hook: script.HookJob,
			Host: blockingHost{held: held, release: release}})
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

// blockingHost holds tickets.find until release is closed.
type blockingHost struct{ held, release chan struct{} }

func (h blockingHost) Ticket(context.Context, string) (*script.Ticket, error) { return nil, nil }
func (h blockingHost) FindTickets(context.Context, script.TicketQuery) ([]script.Ticket, error) {
	close(h.held)
	<-h.release
	return nil, nil
}
func (h blockingHost) FindAssets(context.Context, script.AssetQuery) ([]map[string]any, error) {
	return nil, nil
}
