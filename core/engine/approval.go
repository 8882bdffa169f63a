package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/store"
)

// History entry types of approvals.
const (
	EntryApprovalRequested = "approval_requested"
	EntryApproved          = "approved"
	EntryRejected          = "rejected"
)

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
		return nil, invalid(a.AmountField.Value, "required", "the amount that selects the approvers is missing")
	}
	for _, level := range a.Chain {
		if level.Below == nil || amount < *level.Below {
			return definition.Refs(level.Roles), nil
		}
	}
	return nil, fmt.Errorf("amount %v is above every approval level: %w", amount, ErrNotAllowedNow)
}

// requestApproval records that a transition waits for approvals instead
// of running it.
func (e *Engine) requestApproval(ctx context.Context, actor *auth.Principal, t *store.Ticket, tr *definition.Transition, comment string) (*store.Ticket, error) {
	if pendingOf(t) != nil {
		return nil, fmt.Errorf("ticket %s already waits for an approval: %w", t.Number, ErrNotAllowedNow)
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

// Decide approves or rejects the next step of a ticket's pending approval.
// The actor must hold that step's role and must not have approved an
// earlier step. The last approval runs the transition; a rejection (with a
// reason) moves the ticket to the approval's reject_to state, if any, and
// drops the request.
func (e *Engine) Decide(ctx context.Context, actor *auth.Principal, number string, version int64, approve bool, reason, lang string) (*store.Ticket, error) {
	t, err := e.Ticket(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	if version != 0 && version != t.Version {
		return nil, fmt.Errorf("ticket %s is at version %d, not %d: %w", number, t.Version, version, ErrConflict)
	}
	pend := pendingOf(t)
	if pend == nil {
		return nil, fmt.Errorf("ticket %s waits for no approval: %w", number, ErrNotAllowedNow)
	}
	p := e.catalog().Process(t.Process)
	var tr *definition.Transition
	if p != nil {
		tr = p.Transition(pend.Transition)
	}
	if tr == nil || tr.Approval == nil {
		return nil, fmt.Errorf("ticket %s: transition %s no longer needs approval: %w", number, pend.Transition, ErrNotAllowedNow)
	}
	step := pend.Steps[len(pend.Approvers)]
	if !mayApprove(actor, t, pend, step) || contains(pend.Approvers, actor.User) {
		return nil, fmt.Errorf("approve %s as %s: %w", number, step, ErrForbidden)
	}
	reason = strings.TrimSpace(reason)
	now := e.stamp()
	if !approve {
		if reason == "" {
			return nil, invalid("reason", "required", commentRequired(lang))
		}
		delete(t.Ext, "approval")
		data := map[string]any{"transition": pend.Transition, "step": step, "reason": reason}
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
	data := map[string]any{"transition": pend.Transition, "step": step}
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

// MayDecide reports whether actor may approve or reject the step the
// ticket's pending approval waits for now.
func MayDecide(actor *auth.Principal, t *store.Ticket) bool {
	pend := pendingOf(t)
	if pend == nil || len(pend.Approvers) >= len(pend.Steps) || actor == nil {
		return false
	}
	return mayApprove(actor, t, pend, pend.Steps[len(pend.Approvers)]) && !contains(pend.Approvers, actor.User)
}

// mayApprove: a holder of the step's role; for a "manager" step the
// requester's line manager recorded with the request.
func mayApprove(actor *auth.Principal, t *store.Ticket, pend *Pending, role string) bool {
	if actor == nil {
		return false
	}
	if actor.Admin {
		return true
	}
	if actor.User == t.Requester {
		return false // nobody approves their own request
	}
	if role == ManagerRole {
		return pend.Manager != "" && actor.User == pend.Manager
	}
	return actor.HasRole(role)
}

// managerOf returns the line manager of a user from the user directory.
func (e *Engine) managerOf(ctx context.Context, user string) (string, error) {
	if e.users == nil || user == "" {
		return "", fmt.Errorf("the approval needs the requester's manager, and no user directory is configured: %w", ErrNotAllowedNow)
	}
	u, err := e.users.User(ctx, user)
	if errors.Is(err, auth.ErrUserNotFound) {
		return "", fmt.Errorf("the approval needs the manager of %s, who is no user: %w", user, ErrNotAllowedNow)
	}
	if err != nil {
		return "", fmt.Errorf("engine: manager of %s: %w", user, err)
	}
	if u.Manager == "" {
		return "", fmt.Errorf("the approval needs the manager of %s, and none is on record: %w", user, ErrNotAllowedNow)
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
