package engine

import (
	"context"
	"fmt"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/form"
	"vorgang/core/ticket"
)

// Blocked is a transition an actor cannot run on a ticket now, and why.
type Blocked struct {
	Transition *definition.Transition
	Refusal    *Refusal
}

// Options returns, in definition order, the transitions of t's process
// actor may run now and those actor cannot, each with the reason. Reasons
// that depend on what the actor would still enter (a transition's form, a
// guard script) are only known when the transition is tried; Transition
// checks everything again.
func (e *Engine) Options(ctx context.Context, actor *auth.Principal, t *ticket.Ticket) (runnable []*definition.Transition, blocked []Blocked) {
	p := e.catalog().Process(t.Process)
	if p == nil || actor == nil {
		return nil, nil
	}
	previous, err := e.previousState(ctx, t, p)
	if err != nil {
		e.log.WarnContext(ctx, "the previous state of a ticket is unknown", "ticket", t.Number, "error", err)
	}
	for i := range p.Transitions {
		tr := &p.Transitions[i]
		r := transitionRefusal(actor, t, p, tr, previous)
		if r == nil && tr.Form.IsZero() {
			r = guardRefusal(tr, t.Data)
		}
		if r == nil && tr.Approval != nil {
			r = e.approvalRefusal(ctx, t, tr)
		}
		if r != nil {
			blocked = append(blocked, Blocked{Transition: tr, Refusal: r})
			continue
		}
		runnable = append(runnable, tr)
	}
	return runnable, blocked
}

// transitionRefusal says why actor may not run tr on t now, or nil: the
// checks that need neither the transition's data nor a script, in the
// order Transition makes them. previous is the state t was in before its
// current one ("" if none), the target of a transition to $previous.
func transitionRefusal(actor *auth.Principal, t *ticket.Ticket, p *definition.Process, tr *definition.Transition, previous string) *Refusal {
	if !mayRun(actor, t, tr) {
		if len(tr.Roles) == 0 {
			return forbidden(ReasonTeamRequired, fmt.Sprintf("transition %s is for team %s", tr.ID.Value, t.Team), "team", t.Team)
		}
		roles := definition.Refs(tr.Roles)
		return forbidden(ReasonRoleRequired, fmt.Sprintf("transition %s needs one of the roles %v", tr.ID.Value, roles), "roles", roles)
	}
	if !p.StartsFrom(tr, t.State) {
		return notNow(ReasonStateMismatch, fmt.Sprintf("transition %s from state %s", tr.ID.Value, t.State),
			"state", t.State, "from", definition.Refs(tr.From))
	}
	target := targetOf(tr, previous)
	if target == "" {
		return notNow(ReasonNoPreviousState, fmt.Sprintf("transition %s goes back to the previous state; ticket %s has been in %s since it was opened", tr.ID.Value, t.Number, t.State),
			"state", t.State)
	}
	to := p.State(target)
	if to == nil {
		return notNow(ReasonStateUndefined, fmt.Sprintf("transition %s leads to unknown state %s", tr.ID.Value, target), "state", target)
	}
	// Waiting for approvers blocks the workflow, except for ending the
	// ticket (a requester withdraws the request).
	if pend := t.Approval(); pend != nil && !to.Final() {
		return pendingRefusal(t, pend)
	}
	return nil
}

// pendingRefusal: t waits for the approval pend.
func pendingRefusal(t *ticket.Ticket, pend *Pending) *Refusal {
	return notNow(ReasonApprovalPending, fmt.Sprintf("ticket %s waits for an approval", t.Number),
		"step", pend.NextStep(), "transition", pend.Transition)
}

// guardRefusal checks tr's guard against data.
func guardRefusal(tr *definition.Transition, data map[string]any) *Refusal {
	if tr.Guard == nil || form.EvalCondition(tr.Guard, data) {
		return nil
	}
	field := form.FailingField(tr.Guard, data)
	return notNow(ReasonGuardFailed, fmt.Sprintf("transition %s: its condition on %s does not hold", tr.ID.Value, field), "field", field)
}

// approvalRefusal says why an approval of tr cannot be requested for t
// now, as far as the ticket's data tells: no manager on record, or an
// amount above every level.
func (e *Engine) approvalRefusal(ctx context.Context, t *ticket.Ticket, tr *definition.Transition) *Refusal {
	steps, err := approvalSteps(tr.Approval, t.Data)
	if err != nil {
		return AsRefusal(err)
	}
	if contains(steps, ManagerRole) {
		if _, err := e.managerOf(ctx, t.Requester); err != nil {
			return AsRefusal(err)
		}
	}
	return nil
}
