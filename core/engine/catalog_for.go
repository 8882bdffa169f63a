package engine

import (
	"context"
	"sync"

	"vorgang/core/definition"
	"vorgang/core/ticket"
)

// maxRecordedCatalogs bounds the compiled older versions kept for showing
// finished tickets; each is the size of the definitions.
const maxRecordedCatalogs = 8

// recordedCatalogs caches compiled recorded versions by hash.
type recordedCatalogs struct {
	mu   sync.Mutex
	byID map[string]*definition.Catalog
}

// CatalogFor returns the definitions to show t with: for a finished
// ticket, those in service when it was finished, so its states, fields
// and labels stay readable after the desk changed; for an open ticket (or
// when that version is not recorded or no longer compiles) the current
// ones, which its next step runs on.
func (e *Engine) CatalogFor(ctx context.Context, t *ticket.Ticket) *definition.Catalog {
	current := e.catalog()
	if t.Open || t.ClosedOn == "" || t.ClosedOn == current.Hash() || e.compile == nil {
		return current
	}
	e.recorded.mu.Lock()
	cat, ok := e.recorded.byID[t.ClosedOn]
	e.recorded.mu.Unlock()
	if ok {
		return cat
	}
	cat, err := e.recordedCatalog(ctx, t.ClosedOn)
	if err != nil {
		e.log.DebugContext(ctx, "a finished ticket is shown with the current definitions", "ticket", t.Number, "closed_on", t.ClosedOn, "error", err.Error())
		return current
	}
	e.recorded.mu.Lock()
	defer e.recorded.mu.Unlock()
	if e.recorded.byID == nil || len(e.recorded.byID) >= maxRecordedCatalogs {
		e.recorded.byID = map[string]*definition.Catalog{}
	}
	e.recorded.byID[t.ClosedOn] = cat
	return cat
}
