package engine

import (
	"context"
	"fmt"

	"vorgang/core/definition"
	"vorgang/core/ticket"
)

// previousState returns the state t was in before it last entered its
// current one, read from its history, or "" when it has been there since
// it was opened. The history is read only when p has a transition back to
// the previous state (to: $previous) that starts from t's state.
func (e *Engine) previousState(ctx context.Context, t *ticket.Ticket, p *definition.Process) (string, error) {
	needed := false
	for i := range p.Transitions {
		if tr := &p.Transitions[i]; tr.ToPrevious() && p.StartsFrom(tr, t.State) {
			needed = true
			break
		}
	}
	if !needed {
		return "", nil
	}
	entries, err := e.store.History(ctx, t)
	if err != nil {
		return "", fmt.Errorf("engine: history of %s: %w", t.Number, err)
	}
	return previousFrom(entries, t.State), nil
}

// previousFrom walks the history back to the latest move into state from
// another state and returns where that move came from. A move within the
// state (from it to itself) is no entering and is passed over.
func previousFrom(entries []ticket.HistoryEntry, state string) string {
	for i := len(entries) - 1; i >= 0; i-- {
		e, err := entries[i].Decode()
		if err != nil {
			continue
		}
		var from, to string
		switch x := e.(type) {
		case ticket.Transitioned:
			from, to = x.From, x.To
		case ticket.Decision:
			from, to = x.From, x.To
		case ticket.Created:
			return ""
		default:
			continue
		}
		if to == state && from != "" && from != state {
			return from
		}
	}
	return ""
}

// targetOf is the state tr leads to from t's state: its 'to', or for
// to: $previous the previous state ("" when there is none).
func targetOf(tr *definition.Transition, previous string) string {
	if tr.ToPrevious() {
		return previous
	}
	return tr.To.Value
}

// eventTarget is the state hooks see as event.to: the resolved target, so
// that scripts never meet "$previous".
func (e *Engine) eventTarget(ctx context.Context, cat *definition.Catalog, t *ticket.Ticket, tr *definition.Transition) string {
	if !tr.ToPrevious() {
		return tr.To.Value
	}
	p := cat.Process(t.Process)
	if p == nil {
		return ""
	}
	previous, err := e.previousState(ctx, t, p)
	if err != nil {
		e.log.WarnContext(ctx, "the previous state of a ticket is unknown", "ticket", t.Number, "error", err)
	}
	return previous
}

// Target returns the state tr leads t to now: its 'to', or for a way back
// the previous state ("" when t has none). Pages name it instead of
// "$previous".
func (e *Engine) Target(ctx context.Context, t *ticket.Ticket, tr *definition.Transition) string {
	return e.eventTarget(ctx, e.catalog(), t, tr)
}
