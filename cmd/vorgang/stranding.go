package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"vorgang/core/app"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/store"
)

// refuseStranding compares the definitions about to be served with those
// served last and refuses them when they would strand open tickets: a
// removed state or process leaves its tickets without a transition, which
// a start must not do any more than a reload.
func refuseStranding(ctx context.Context, a *app.App, loader *definition.Loader, next *definition.Catalog, log *slog.Logger) error {
	prev, err := servedCatalog(ctx, a.Store, loader, log, next.Hash())
	if err != nil || prev == nil {
		return err
	}
	stranded, err := a.Engine.Strands(ctx, prev, next)
	if err != nil {
		return err
	}
	if len(stranded) == 0 {
		return nil
	}
	logStranded(log, stranded)
	return fmt.Errorf("definitions not served: they would strand %d open tickets (see above); keep the removed states and processes, without transitions leading to them, until no open ticket is left in them", strandedTickets(stranded))
}

// servedCatalog compiles the definitions served last; nil when none were
// recorded (a new database, or one from before versions were marked), when
// they are the version unless (a restart with unchanged definitions, which
// needs no compiling), or when they no longer compile.
func servedCatalog(ctx context.Context, st *store.Store, loader *definition.Loader, log *slog.Logger, unless string) (*definition.Catalog, error) {
	served, err := st.ServedDefinitionVersion(ctx)
	if errors.Is(err, fault.NotFound) {
		return nil, nil
	}
	if err != nil || served.Hash == unless {
		return nil, err
	}
	files := make([]definition.File, len(served.Files))
	for i, f := range served.Files {
		files[i] = definition.File{Path: f.Path, Data: f.Data}
	}
	prev, diags := loader.Compile(files)
	if prev == nil {
		// Definitions this version no longer reads (a kind or key since
		// removed) cannot be compared; their tickets are checked by every
		// transition as before.
		log.Warn("the definitions served last do not compile any more; open tickets were not checked against the new ones",
			slog.String("catalog", served.Hash[:12]), slog.Int("errors", len(diags.Errors())))
	}
	return prev, nil
}

func logStranded(log *slog.Logger, stranded []engine.Stranded) {
	for _, s := range stranded {
		c := s.Change
		log.Error("open tickets would be stranded", slog.String("at", fmt.Sprintf("%s:%d:%d", c.File, c.Pos.Line, c.Pos.Col)),
			slog.String("process", s.Process), slog.String("state", s.State), slog.Int64("tickets", s.Tickets),
			slog.String("change", fmt.Sprintf("%s %s %s %s %s", c.Kind, c.ID, c.Part, c.Item, c.Op)))
	}
}

func strandedTickets(stranded []engine.Stranded) int64 {
	var n int64
	for _, s := range stranded {
		n += s.Tickets
	}
	return n
}
