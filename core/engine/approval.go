package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/store"
)

// History entry types of approvals.
const (
	EntryApprovalRequested = "approval_requested"
	EntryApproved          = "approved"
	EntryRejected          = "rejected"
)

// ApprovalWithdrawnKey holds, in the data of a transition entry, the
// approval the transition withdrew by ending the ticket: its transition,
// steps and approvers so far.
const ApprovalWithdrawnKey = "approval_withdrawn"

// Pending is a transition waiting for approvals, kept in the ticket's
// ext.approval until it is decided.
type Pending struct {
	Transition string   `json:"transition"`
	Steps      []string `json:"steps"` // roles, one approval each, in order
	Approvers  []string `json:"approvers"`
	Comment    string   `json:"comment,omitempty"`
	// Manager is the requester's line manager when the request was made:
	// the one who decides "manager" steps (a later change of manager does
	// not move a pending request).
	Manager string `json:"manager,omitempty"`
}

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
func (e *Engine) requestApproval(ctx context.Context, actor *auth.Principal, t *store.Ticket, tr *definition.Transition, comment string) (*store.Ticket, error) {
	if pend := pendingOf(t); pend != nil {
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
	if t.Ext == nil {
		t.Ext = map[string]any{}
	}
	t.Ext["approval"] = pend.record(nil)
	now := e.stamp()
	t.Updated = now
	entry := &store.HistoryEntry{At: now, Actor: actorName(actor), Type: EntryApprovalRequested,
		Data: map[string]any{"transition": tr.ID.Value, "steps": toAny(steps)}}
	if err := e.commit(ctx, t, entry); err != nil {
		return nil, err
	}
	return t, nil
}

// record is the document stored in the ticket's ext.approval.
func (p *Pending) record(approvers []string) map[string]any {
	m := map[string]any{"transition": p.Transition, "steps": toAny(p.Steps), "approvers": toAny(approvers)}
	if p.Comment != "" {
		m["comment"] = p.Comment
	}
	if p.Manager != "" {
		m["manager"] = p.Manager
	}
	return m
}

// PendingApproval returns the approval a ticket waits for, or nil.
func PendingApproval(t *store.Ticket) *Pending { return pendingOf(t) }

func pendingOf(t *store.Ticket) *Pending {
	raw, ok := canonical(t.Ext["approval"]).(map[string]any)
	if !ok {
		return nil
	}
	p := &Pending{}
	p.Transition, _ = raw["transition"].(string)
	p.Comment, _ = raw["comment"].(string)
	for _, s := range anyStrings(raw["steps"]) {
		p.Steps = append(p.Steps, s)
	}
	p.Approvers = anyStrings(raw["approvers"])
	p.Manager, _ = raw["manager"].(string)
	return p
}

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
func (e *Engine) Decide(ctx context.Context, actor *auth.Principal, number string, version int64, approve bool, reason, lang string) (*store.Ticket, error) {
	for attempt := 1; ; attempt++ {
		t, err := e.decide(ctx, actor, number, version, approve, reason, lang)
		if version != 0 || !errors.Is(err, fault.Conflict) || attempt == maxDecideAttempts {
			return t, err
		}
	}
}

func (e *Engine) decide(ctx context.Context, actor *auth.Principal, number string, version int64, approve bool, reason, lang string) (*store.Ticket, error) {
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
	t.Ext[decidersKey] = toAny(appendNew(deciders(t), actor.User))
	data := map[string]any{"transition": pend.Transition, "step": step}
	if right.Override {
		data["override"] = true
	}
	if !approve {
		delete(t.Ext, "approval")
		data["reason"] = reason
		if to := tr.Approval.RejectTo.Value; to != "" {
			if s := p.State(to); s != nil {
				data["from"], data["to"] = t.State, to
				t.State, t.Category, t.Open = s.ID.Value, s.Category, s.Category == definition.CategoryOpen
			}
		}
		t.Updated = now
		entry := &store.HistoryEntry{At: now, Actor: actorName(actor), Type: EntryRejected, Data: data}
		if err := e.commit(ctx, t, entry); err != nil {
			return nil, err
		}
		return t, nil
	}
	approvers := append(pend.Approvers, actor.User)
	if reason != "" {
		data["comment"] = reason
	}
	if len(approvers) < len(pend.Steps) {
		t.Ext["approval"] = pend.record(approvers)
		t.Updated = now
		entry := &store.HistoryEntry{At: now, Actor: actorName(actor), Type: EntryApproved, Data: data}
		if err := e.commit(ctx, t, entry); err != nil {
			return nil, err
		}
		return t, nil
	}
	// The last approval: the transition runs, recorded as one change.
	delete(t.Ext, "approval")
	data["approvers"] = toAny(approvers)
	return e.apply(ctx, actor, t, p, tr, nil, pend.Comment, EntryApproved, data)
}

// decidersKey keeps, in the ticket's ext, everyone who decided a step of
// one of its approvals: they keep seeing the ticket.
const decidersKey = "deciders"

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
func (e *Engine) Decision(actor *auth.Principal, t *store.Ticket) DecisionRight {
	if pendingOf(t) == nil {
		return DecisionRight{}
	}
	return decisionRight(actor, t, e.catalog().Process(t.Process))
}

func decisionRight(actor *auth.Principal, t *store.Ticket, p *definition.Process) DecisionRight {
	pend := pendingOf(t)
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

// NextStep is the role whose approval the request waits for now.
func (p *Pending) NextStep() string {
	if len(p.Approvers) < len(p.Steps) {
		return p.Steps[len(p.Approvers)]
	}
	return ""
}

// deciders are those who decided a step of one of t's approvals.
func deciders(t *store.Ticket) []string { return anyStrings(canonical(t.Ext[decidersKey])) }

// decided reports whether user decided a step of one of t's approvals.
func decided(t *store.Ticket, user string) bool {
	return user != "" && contains(deciders(t), user)
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

func toAny(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

func anyStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
