package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/ticket"
)

// Pending is a transition waiting for approvals, kept in the ticket's
// ext.approval until it is decided.
type Pending = ticket.ApprovalRecord

// ManagerRole is the approval role of the requester's line manager.
const ManagerRole = "manager"

// approvalSteps lists the approvals a transition needs for the ticket's
// data: count × role, or the roles of the chain level the amount selects.
func approvalSteps(a *definition.Approval, data map[string]any) ([]string, error) {
	if len(a.Chain) == 0 {
		n := max(a.Count, 1)
		steps := make([]string, n)
		for i := range steps {
			steps[i] = a.Role.Value
		}
		return steps, nil
	}
	amount, ok := numberOf(data[a.AmountField.Value])
	if !ok {
		return nil, invalid(a.AmountField.Value, "required", "approval_amount_missing")
	}
	for _, level := range a.Chain {
		if level.Below == nil || amount < *level.Below {
			return definition.Refs(level.Roles), nil
		}
	}
	return nil, notNow(ReasonNoApprovalLevel, fmt.Sprintf("amount %v is above every approval level", amount), "amount", fmt.Sprint(amount))
}

// requestApproval records that a transition waits for approvals instead
// of running it.
func (e *Engine) requestApproval(ctx context.Context, actor *auth.Principal, t *ticket.Ticket, tr *definition.Transition, comment string) (*ticket.Ticket, error) {
	if pend := t.Approval(); pend != nil {
		return nil, pendingRefusal(t, pend)
	}
	steps, err := approvalSteps(tr.Approval, t.Data)
	if err != nil {
		return nil, err
	}
	pend := &Pending{Transition: tr.ID.Value, Steps: steps, Comment: comment}
	if contains(steps, ManagerRole) {
		if pend.Manager, err = e.managerOf(ctx, t.Requester); err != nil {
			return nil, err
		}
	}
	t.SetApproval(pend)
	now := e.stamp()
	t.Updated = now
	entry := ticket.NewEntry(actorName(actor), ticket.ApprovalRequested{Transition: tr.ID.Value, Steps: steps})
	entry.At = now
	if err := e.commit(ctx, t, entry); err != nil {
		return nil, err
	}
	return t, nil
}

// PendingApproval returns the approval a ticket waits for, or nil.
func PendingApproval(t *ticket.Ticket) *Pending { return t.Approval() }

// maxDecideAttempts bounds how often a decision without a version is
// tried again after a concurrent change: every round at least one writer
// wins, so this many concurrent deciders all get through.
const maxDecideAttempts = 64

// Decide approves or rejects the next step of a ticket's pending approval.
// Only those the step names decide it: a holder of its role, or for a
// "manager" step the requester's manager; never the requester, and nobody
// twice. An administrator decides in their place only where the process
// declares admin_override, with a reason, and the history marks it. The
// last approval runs the transition; a rejection (with a reason) moves the
// ticket to the approval's reject_to state, if any, and drops the request.
//
// With version 0 a decision that meets a concurrent change of the ticket
// is tried again on the new version (and checked again); with a version it
// is a conflict.
func (e *Engine) Decide(ctx context.Context, actor *auth.Principal, number string, version int64, approve bool, reason, lang string) (*ticket.Ticket, error) {
	for attempt := 1; ; attempt++ {
		t, err := e.decide(ctx, actor, number, version, approve, reason, lang)
		if version != 0 || !errors.Is(err, fault.Conflict) || attempt == maxDecideAttempts {
			return t, err
		}
	}
}

func (e *Engine) decide(ctx context.Context, actor *auth.Principal, number string, version int64, approve bool, reason, lang string) (*ticket.Ticket, error) {
	t, err := e.Ticket(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	if version != 0 && version != t.Version {
		return nil, fmt.Errorf("ticket %s is at version %d, not %d: %w", number, t.Version, version, fault.Conflict)
	}
	p := e.catalog().Process(t.Process)
	right := decisionRight(actor, t, p)
	if right.Refusal != nil {
		return nil, right.Refusal
	}
	pend, tr := right.pending, right.transition
	step := pend.NextStep()
	reason = strings.TrimSpace(reason)
	if reason == "" && (!approve || right.Override) {
		if right.Override {
			return nil, invalid("reason", "required", "override_reason_required")
		}
		return nil, invalid("reason", "required", "comment_required")
	}
	now := e.stamp()
	t.SetDeciders(appendNew(t.Deciders(), actor.User))
	decision := ticket.Decision{Approved: approve, Transition: pend.Transition, Step: step, Override: right.Override}
	if !approve {
		t.SetApproval(nil)
		decision.Reason = reason
		if to := tr.Approval.RejectTo.Value; to != "" {
			if s := p.State(to); s != nil {
				decision.From, decision.To = t.State, to
				t.State, t.Category, t.Open = s.ID.Value, s.Category, s.Category == definition.CategoryOpen
			}
		}
		t.Updated = now
		entry := ticket.NewEntry(actorName(actor), decision)
		entry.At = now
		if err := e.commit(ctx, t, entry); err != nil {
			return nil, err
		}
		return t, nil
	}
	approvers := append(pend.Approvers, actor.User)
	decision.Comment = reason
	if len(approvers) < len(pend.Steps) {
		pend.Approvers = approvers
		t.SetApproval(pend)
		t.Updated = now
		entry := ticket.NewEntry(actorName(actor), decision)
		entry.At = now
		if err := e.commit(ctx, t, entry); err != nil {
			return nil, err
		}
		return t, nil
	}
	// The last approval: the transition runs, recorded as one change.
	t.SetApproval(nil)
	decision.Approvers = approvers
	return e.apply(ctx, actor, t, p, tr, nil, pend.Comment, decision)
}

// DecisionRight is what an actor may do about the step a ticket's pending
// approval waits for.
type DecisionRight struct {
	// May: the actor may approve or reject the step now.
	May bool
	// Override: the actor may only as an administrator's override, which
	// needs a reason and is marked in the history.
	Override bool
	// Refusal says why not, when an approval is pending and May is false.
	Refusal *Refusal

	pending    *Pending
	transition *definition.Transition
}

// Decision tells what actor may do about the step t's pending approval
// waits for; the zero DecisionRight when it waits for none.
func (e *Engine) Decision(actor *auth.Principal, t *ticket.Ticket) DecisionRight {
	if t.Approval() == nil {
		return DecisionRight{}
	}
	return decisionRight(actor, t, e.catalog().Process(t.Process))
}

func decisionRight(actor *auth.Principal, t *ticket.Ticket, p *definition.Process) DecisionRight {
	pend := t.Approval()
	if pend == nil || len(pend.Approvers) >= len(pend.Steps) {
		return DecisionRight{Refusal: notNow(ReasonNoApprovalPending, fmt.Sprintf("ticket %s waits for no approval", t.Number))}
	}
	var tr *definition.Transition
	if p != nil {
		tr = p.Transition(pend.Transition)
	}
	if tr == nil || tr.Approval == nil {
		return DecisionRight{Refusal: notNow(ReasonApprovalDropped,
			fmt.Sprintf("ticket %s: transition %s no longer needs approval", t.Number, pend.Transition), "transition", pend.Transition)}
	}
	step := pend.NextStep()
	right := DecisionRight{pending: pend, transition: tr}
	switch {
	case actor == nil:
		right.Refusal = forbidden(ReasonRoleRequired, "a citizen decides no approval", "roles", []string{step})
	case actor.User == t.Requester:
		right.Refusal = forbidden(ReasonSelfApproval, fmt.Sprintf("%s requested %s and decides none of its approvals", actor.User, t.Number))
	case contains(pend.Approvers, actor.User):
		right.Refusal = forbidden(ReasonAlreadyApproved, fmt.Sprintf("%s approved an earlier step of %s", actor.User, t.Number), "step", step)
	case namedBy(actor, pend, step):
		right.May = true
	case actor.Admin && p.AdminOverride:
		right.May, right.Override = true, true
	default:
		right.Refusal = forbidden(ReasonRoleRequired, fmt.Sprintf("%s may not decide step %s of %s", actor.User, step, t.Number), "roles", []string{step})
	}
	return right
}

// namedBy: the actor is whom the step names, a holder of its role; for a
// "manager" step the requester's line manager recorded with the request.
// Being an administrator is no such role.
func namedBy(actor *auth.Principal, pend *Pending, role string) bool {
	if role == ManagerRole {
		return pend.Manager != "" && actor.User == pend.Manager
	}
	return actor.HasRole(role)
}

// decided reports whether user decided a step of one of t's approvals.
func decided(t *ticket.Ticket, user string) bool {
	return user != "" && contains(t.Deciders(), user)
}

func appendNew(list []string, s string) []string {
	if contains(list, s) {
		return list
	}
	return append(list, s)
}

// managerOf returns the line manager of a user from the user directory.
func (e *Engine) managerOf(ctx context.Context, user string) (string, error) {
	if e.users == nil || user == "" {
		return "", notNow(ReasonNoManager, "the approval needs the requester's manager, and no user directory is configured", "requester", user)
	}
	u, err := e.users.User(ctx, user)
	if errors.Is(err, auth.ErrUserNotFound) {
		return "", notNow(ReasonNoManager, fmt.Sprintf("the approval needs the manager of %s, who is no user", user), "requester", user)
	}
	if err != nil {
		return "", fmt.Errorf("engine: manager of %s: %w", user, err)
	}
	if u.Manager == "" {
		return "", notNow(ReasonNoManager, fmt.Sprintf("the approval needs the manager of %s, and none is on record", user), "requester", user)
	}
	return u.Manager, nil
}

// numberOf reads a number from form data as the store may return it.
func numberOf(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}
