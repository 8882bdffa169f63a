package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// ErrAlreadyDone reports that a follow-up of a request was already made:
// each is made once per request.
var ErrAlreadyDone = fault.Coded(fault.Conflict, "already_done", "already done")

// FollowUpOffer is a follow-up process the tracking link of a request
// offers now, and whether it was made already.
type FollowUpOffer struct {
	Process *definition.Process
	Done    bool
}

// FollowUps returns the follow-ups the request with the tracking token
// offers in its current state (a survey once it is closed). An unknown
// token is fault.NotFound, as for Tracked.
func (e *Engine) FollowUps(ctx context.Context, token string) ([]FollowUpOffer, error) {
	t, err := e.trackedTicket(ctx, token)
	if err != nil {
		return nil, err
	}
	var out []FollowUpOffer
	for _, p := range e.catalog().Processes() {
		if !followsUp(p, t) {
			continue
		}
		done, err := e.followUpDone(ctx, followUpClaim(p, t))
		if err != nil {
			return nil, err
		}
		out = append(out, FollowUpOffer{Process: p, Done: done})
	}
	return out, nil
}

// FollowUp opens the follow-up process for the request with the tracking
// token, as its citizen: data is validated against the process's form, and
// the form's reference field gets the request's number. It is made once
// per request: a second one is ErrAlreadyDone, two at the same moment make
// one ticket. A token, process or state that does not fit is fault.NotFound
// or fault.NotAllowedNow; the errors say nothing about any other request.
func (e *Engine) FollowUp(ctx context.Context, token, process string, data map[string]any, lang string) (*ticket.Ticket, error) {
	request, err := e.trackedTicket(ctx, token)
	if err != nil {
		return nil, err
	}
	cat := e.catalog()
	p := cat.Process(process)
	if p == nil || p.FollowUp == nil || p.FollowUp.Of.Value != request.Process {
		return nil, fmt.Errorf("follow-up %q of %s: %w", process, request.Number, fault.NotFound)
	}
	if !followsUp(p, request) {
		return nil, fmt.Errorf("follow-up %s of %s in state %s: %w", process, request.Number, request.State, fault.NotAllowedNow)
	}
	claim := followUpClaim(p, request)
	done, err := e.followUpDone(ctx, claim)
	if err != nil {
		return nil, err
	}
	if done {
		return nil, fmt.Errorf("follow-up %s of %s: %w", process, request.Number, ErrAlreadyDone)
	}
	t, entry, err := e.build(nil, cat, p, CreateRequest{Process: process, Data: data, Lang: lang},
		map[string]any{p.FollowUp.Reference.Value: request.Number})
	if err != nil {
		return nil, err
	}
	follow, err := e.createHooks(ctx, nil, t, entry, lang)
	if err != nil {
		return nil, err
	}
	created, err := e.createClaimed(ctx, nil, claim, "", t, entry)
	e.afterCreate(ctx, created, entry, follow)
	return created, err
}

// followsUp reports whether p is a follow-up offered for request t now.
func followsUp(p *definition.Process, t *ticket.Ticket) bool {
	fu := p.FollowUp
	return fu != nil && fu.Of.Value == t.Process && slices.Contains(definition.Refs(fu.States), t.State)
}

// followUpClaim is the create claim of p's follow-up of request t: one per
// request, in a key space no idempotency key reaches ("create/…").
func followUpClaim(p *definition.Process, t *ticket.Ticket) string {
	return "follow-up/" + p.ID.Value + "/" + t.Number
}

// followUpDone reports whether the follow-up with the claim was made: its
// claim names a number whose ticket exists. A claim cut off before its
// ticket was stored is not done; the next attempt finishes it.
func (e *Engine) followUpDone(ctx context.Context, claim string) (bool, error) {
	var c createClaim
	err := e.store.Get(ctx, createsCollection, claim, &c)
	if errors.Is(err, store.ErrNotFound) || err == nil && c.Number == "" {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("engine: follow-up %s: %w", claim, err)
	}
	if _, err := e.store.Ticket(ctx, c.Number); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		return false, fmt.Errorf("engine: follow-up %s: %w", claim, err)
	}
	return true, nil
}
