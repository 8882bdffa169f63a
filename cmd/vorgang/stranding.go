package main

import (
	"context"
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
	prev, err := servedCatalog(ctx, a.Store, loader, next, log)
	if err != nil || prev == nil || prev == next {
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

// servedCatalog is engine.ServedCatalog, where definitions served last
// that no longer compile are only warned about: their tickets are checked
// by every transition as before, and nil is returned.
func servedCatalog(ctx context.Context, st *store.Store, loader *definition.Loader, current *definition.Catalog, log *slog.Logger) (*definition.Catalog, error) {
	prev, err := engine.ServedCatalog(ctx, st, loader.Compile, current)
	if fault.Code(err) == "version_does_not_compile" {
		log.Warn("the definitions served last do not compile any more; open tickets were not checked against the new ones",
			slog.String("error", err.Error()))
		return nil, nil
	}
	return prev, err
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
