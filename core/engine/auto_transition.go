package engine

import (
	"context"
	"errors"

	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/ticket"
)

// runAuto runs the transition of number's process that runs by itself on
// event from the ticket's current state, if there is one. It acts as
// vorgang, so roles and the comment rule (both for people) do not apply;
// the state, the guard and the hooks do. What happened to the event itself
// (a reply already stored) stands whatever happens here: a refused or
// failed automatic move is logged, and staff move the ticket by hand.
func (e *Engine) runAuto(ctx context.Context, number, event string) {
	for attempt := 1; attempt <= maxChangeAttempts; attempt++ {
		err := e.tryAuto(ctx, number, event)
		if err == nil {
			return
		}
		if !errors.Is(err, fault.Conflict) || ctx.Err() != nil || attempt == maxChangeAttempts {
			e.log.WarnContext(ctx, "automatic transition not run; the ticket stays where it is",
				"ticket", number, "event", event, "error", err)
			return
		}
	}
}

func (e *Engine) tryAuto(ctx context.Context, number, event string) error {
	t, err := e.store.Ticket(ctx, number)
	if err != nil {
		return err
	}
	cat := e.catalog()
	p := cat.Process(t.Process)
	if p == nil {
		return nil
	}
	tr := p.AutoTransition(event, t.State)
	if tr == nil {
		return nil
	}
	previous, err := e.previousState(ctx, t, p)
	if err != nil {
		return err
	}
	if r := transitionRefusal(system, t, p, tr, previous); r != nil {
		return r
	}
	if r := guardRefusal(tr, t.Data); r != nil {
		return r
	}
	if err := e.guardScript(ctx, system, cat, t, tr, nil, "de"); err != nil {
		return err
	}
	_, err = e.apply(ctx, system, t, p, tr, nil, "", ticket.Transitioned{})
	return err
}

// afterRequesterReply moves t on after its requester replied, and returns
// the ticket as it is then (t itself if it cannot be read again: the reply
// is stored either way).
func (e *Engine) afterRequesterReply(ctx context.Context, t *ticket.Ticket) *ticket.Ticket {
	e.runAuto(ctx, t.Number, definition.AutoRequesterReply)
	if fresh, err := e.store.Ticket(ctx, t.Number); err == nil {
		return fresh
	}
	return t
}
