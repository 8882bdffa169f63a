package engine

import (
	"context"
	"errors"

	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/ticket"
)

// runAuto runs the transition of t's process that runs by itself on event
// from t's current state, if there is one, and returns the ticket as it is
// then. t is the ticket as just stored; it is read again only after a
// conflict. The transition acts as vorgang, so roles and the comment rule
// (both for people) do not apply; the state, the guard and the hooks do.
// What happened to the event itself (a reply already stored) stands
// whatever happens here: a refused or failed automatic move is logged, and
// staff move the ticket by hand.
func (e *Engine) runAuto(ctx context.Context, t *ticket.Ticket, event string) *ticket.Ticket {
	for attempt := 1; ; attempt++ {
		moved, err := e.tryAuto(ctx, t, event)
		if err == nil {
			return moved
		}
		if !errors.Is(err, fault.Conflict) || ctx.Err() != nil || attempt == maxChangeAttempts {
			e.log.WarnContext(ctx, "automatic transition not run; the ticket stays where it is",
				"ticket", t.Number, "event", event, "error", err)
			return t
		}
		fresh, rerr := e.store.Ticket(ctx, t.Number)
		if rerr != nil {
			e.log.WarnContext(ctx, "automatic transition not run; the ticket stays where it is",
				"ticket", t.Number, "event", event, "error", rerr)
			return t
		}
		t = fresh
	}
}

// tryAuto runs event's automatic transition on t, if one starts from its
// state; it returns t unchanged when none does.
func (e *Engine) tryAuto(ctx context.Context, t *ticket.Ticket, event string) (*ticket.Ticket, error) {
	cat := e.catalog()
	p := cat.Process(t.Process)
	if p == nil {
		return t, nil
	}
	tr := p.AutoTransition(event, t.State)
	if tr == nil {
		return t, nil
	}
	previous, err := e.previousState(ctx, t, p)
	if err != nil {
		return nil, err
	}
	if r := transitionRefusal(system, t, p, tr, previous); r != nil {
		return nil, r
	}
	if r := guardRefusal(tr, t.Data); r != nil {
		return nil, r
	}
	if err := e.guardScript(ctx, system, cat, t, tr, nil, "de"); err != nil {
		return nil, err
	}
	return e.apply(ctx, system, t, p, tr, nil, "", ticket.Transitioned{})
}

// afterRequesterReply moves t, just stored with its requester's reply, on
// as its process declares (auto: requester_reply), and returns the ticket
// as it is then.
func (e *Engine) afterRequesterReply(ctx context.Context, t *ticket.Ticket) *ticket.Ticket {
	return e.runAuto(ctx, t, definition.AutoRequesterReply)
}
