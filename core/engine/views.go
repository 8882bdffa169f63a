package engine

import (
	"context"
	"fmt"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/form"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// Form returns the compiled form of the catalog with the id, compiled once
// per catalog version: the same form the engine validates submissions with,
// so a page renders exactly what will be checked.
func (e *Engine) Form(cat *definition.Catalog, id string) (*form.Compiled, error) {
	return e.form(cat, id)
}

// Transitions returns the transitions of t's process that actor may run
// from t's current state, in definition order, as far as it can be told
// before the transition's form is filled (Options says why the others
// cannot run). Pages offer these; running one is still checked by
// Transition.
func (e *Engine) Transitions(actor *auth.Principal, t *ticket.Ticket) []*definition.Transition {
	p := e.catalog().Process(t.Process)
	if p == nil || actor == nil {
		return nil
	}
	// No request context here: reading the history for a way back to the
	// previous state is a short read of the ticket's own entries.
	previous, err := e.previousState(context.Background(), t, p)
	if err != nil {
		e.log.Warn("the previous state of a ticket is unknown", "ticket", t.Number, "error", err)
	}
	var out []*definition.Transition
	for i := range p.Transitions {
		tr := &p.Transitions[i]
		if transitionRefusal(actor, t, p, tr, previous) == nil {
			out = append(out, tr)
		}
	}
	return out
}

// CountStore counts open tickets for dashboards; *store.Store has it.
type CountStore interface {
	Counts(ctx context.Context) ([]store.Count, error)
}

// Counts returns the open-ticket counts per team, state and priority that
// actor may see: every team with ticket.read_all, else the actor's own
// teams where the actor holds ticket.read_team. Anonymous callers are
// refused.
func (e *Engine) Counts(ctx context.Context, actor *auth.Principal) ([]store.Count, error) {
	if actor == nil {
		return nil, fmt.Errorf("counts: %w", fault.Forbidden)
	}
	all, err := e.store.Counts(ctx)
	if err != nil {
		return nil, fmt.Errorf("engine: counts: %w", err)
	}
	if actor.HasPermission("ticket.read_all") {
		return all, nil
	}
	if !actor.HasPermission("ticket.read_team") {
		return nil, nil
	}
	var out []store.Count
	for _, c := range all {
		if actor.InTeam(c.Team) {
			out = append(out, c)
		}
	}
	return out, nil
}
