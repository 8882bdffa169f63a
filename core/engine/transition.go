package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/form"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// withMove completes the entry of a transition or last approval with the
// move itself and what changed.
func withMove(e ticket.Entry, transition, from, to, comment string, changes ticket.Changes) ticket.Entry {
	if len(changes) == 0 {
		changes = nil
	}
	switch x := e.(type) {
	case ticket.Transitioned:
		x.Transition, x.From, x.To, x.Changes = transition, from, to, changes
		if comment != "" {
			x.Comment = comment
		}
		return x
	case ticket.Decision:
		x.Transition, x.From, x.To, x.Changes = transition, from, to, changes
		if comment != "" {
			x.Comment = comment
		}
		return x
	}
	panic(fmt.Sprintf("engine: a transition recorded as %T", e))
}

// TransitionRequest asks to run a transition on a ticket.
type TransitionRequest struct {
	Transition string
	// Version is the ticket version the caller saw; 0 means "whatever is
	// current". With it, a change made meanwhile by someone else is a
	// conflict instead of being overtaken.
	Version int64
	// Data is the transition form's data, if the transition has a form.
	Data    map[string]any
	Comment string
	// InternalComment keeps the comment among staff: requesters and
	// citizens see the transition, not the comment. It needs
	// ticket.comment_internal.
	InternalComment bool
	Lang            string
}

// Transition runs a transition: checks the actor's permission, the state
// and the guard, validates the transition's form, applies its actions and
// records the change. Of two concurrent transitions of one ticket version
// exactly one succeeds; the other gets fault.Conflict.
func (e *Engine) Transition(ctx context.Context, actor *auth.Principal, number string, req TransitionRequest) (*ticket.Ticket, error) {
	t, err := e.Ticket(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	if req.Version != 0 && req.Version != t.Version {
		return nil, fmt.Errorf("ticket %s is at version %d, not %d: %w", number, t.Version, req.Version, fault.Conflict)
	}
	cat := e.catalog()
	p := cat.Process(t.Process)
	if p == nil {
		return nil, notNow(ReasonProcessUndefined, fmt.Sprintf("ticket %s: process %s is no longer defined", number, t.Process), "process", t.Process)
	}
	tr := p.Transition(req.Transition)
	if tr == nil {
		return nil, fmt.Errorf("transition %q of %s: %w", req.Transition, p.ID.Value, fault.NotFound)
	}
	previous, err := e.previousState(ctx, t, p)
	if err != nil {
		return nil, err
	}
	if r := transitionRefusal(actor, t, p, tr, previous); r != nil {
		return nil, r
	}
	var entry ticket.Transitioned
	if pend := t.Approval(); pend != nil {
		// Ending the ticket withdraws the request; the history says so.
		t.SetApproval(nil)
		entry.ApprovalWithdrawn = &ticket.ApprovalRecord{Transition: pend.Transition, Steps: pend.Steps, Approvers: pend.Approvers}
	}
	comment := strings.TrimSpace(req.Comment)
	if tr.Comment == "required" && comment == "" {
		return nil, invalid("comment", "required", "comment_required")
	}
	if req.InternalComment && comment != "" && !MayCommentInternal(actor) {
		return nil, forbidden(ReasonPermissionRequired, fmt.Sprintf("internal comment on %s", number), "permission", "ticket.comment_internal")
	}
	if req.InternalComment && comment != "" && CommentForRequester(cat, p, tr) {
		return nil, invalid("comment", "internal_not_allowed", "comment_for_requester")
	}

	var formData map[string]any
	if !tr.Form.IsZero() {
		f, err := e.form(cat, tr.Form.Value)
		if err != nil {
			return nil, err
		}
		var ferrs []form.FieldError
		formData, ferrs = f.Validate(req.Data, req.Lang)
		if len(ferrs) > 0 {
			return nil, e.transitionRefusedWithHook(ctx, actor, cat, p, t, tr, f, req, ferrs)
		}
	}
	merged := mergeData(t.Data, formData)
	if r := guardRefusal(tr, merged); r != nil {
		return nil, r
	}
	if err := e.guardScript(ctx, actor, cat, t, tr, formData, req.Lang); err != nil {
		return nil, err
	}
	if tr.Approval != nil {
		before := *t
		t.Data = merged
		out, err := e.requestApproval(ctx, actor, t, tr, comment)
		if err != nil {
			*t = before
		}
		return out, err
	}
	if len(formData) > 0 {
		entry.Data = formData
	}
	entry.CommentInternal = req.InternalComment && comment != ""
	return e.apply(ctx, actor, t, p, tr, merged, comment, entry)
}

// apply moves t along tr: new state, the transition's actions, one history
// entry (a Transitioned, or the Decision of the last approval) completed
// with the move and what changed.
func (e *Engine) apply(ctx context.Context, actor *auth.Principal, t *ticket.Ticket, p *definition.Process, tr *definition.Transition,
	data map[string]any, comment string, moved ticket.Entry) (*ticket.Ticket, error) {
	previous, err := e.previousState(ctx, t, p)
	if err != nil {
		return nil, err
	}
	to := p.State(targetOf(tr, previous))
	if to == nil {
		// Checked before (transitionRefusal); the definitions or the
		// history changed in between.
		return nil, notNow(ReasonStateUndefined, fmt.Sprintf("transition %s has no target state on %s", tr.ID.Value, t.Number), "state", targetOf(tr, previous))
	}
	from := t.State
	before := *t
	if data != nil {
		t.Data = data
	}
	changes := ticket.Changes{}
	var formData any // untyped nil without a form, as hooks have always seen it
	if x, ok := moved.(ticket.Transitioned); ok && len(x.Data) > 0 {
		formData = x.Data
	}
	hooks, err := e.transitionHooks(ctx, actor, t, p, tr, formData, changes)
	if err != nil {
		*t = before
		return nil, err
	}
	t.State, t.Category = to.ID.Value, to.Category
	t.Open = to.Category == definition.CategoryOpen
	var effects []effect
	var notices []int // the effects of notify actions, told about the move below
	for _, a := range tr.Actions {
		e.applyAction(actor, t, a, changes)
		switch {
		case !a.Notify.IsZero():
			notices = append(notices, len(effects))
			effects = append(effects, effect{kind: EffectNotify, target: a.Notify.Value})
		case a.CreateChild != nil:
			effects = append(effects, effect{kind: EffectCreateChild, target: a.CreateChild.Process.Value, spec: childSpec(a.CreateChild, t.Data)})
		case a.CloseChildren:
			effects = append(effects, effect{kind: EffectCloseChildren})
		}
	}
	if err := e.afterTransitionHooks(ctx, actor, t, p, tr, from, changes, hooks); err != nil {
		*t = before
		return nil, err
	}
	effects = append(effects, hooks.effects...)
	if err := e.checkChildren(ctx, e.catalog(), t, effects, false); err != nil {
		*t = before
		return nil, e.childLimitFailed(ctx, t, err)
	}
	now := e.stamp()
	t.Updated = now
	moved = withMove(moved, tr.ID.Value, from, t.State, comment, changes)
	entry := ticket.NewEntry(actorName(actor), moved)
	entry.At = now
	// A mail of a notify action tells what a mail of the event
	// ticket.transitioned tells (actor, transition, public comment), so a
	// template renders the same with either.
	for _, i := range notices {
		effects[i].spec = noticeOf(EventTicketTransitioned, entry, moved).Encode()
	}
	if err := e.commit(ctx, t, entry, effects...); err != nil {
		*t = before
		return nil, err
	}
	if len(hooks.comments) > 0 {
		e.writeComments(ctx, t.Number, hooks)
		if fresh, err := e.store.Ticket(ctx, t.Number); err == nil {
			t = fresh
		}
	}
	if len(effects) > 0 {
		// Child tickets are made at once; a crash leaves them queued for
		// the next RunEffects.
		if err := e.runOwn(ctx, t, entry, effects); err != nil {
			e.log.WarnContext(ctx, "follow-up work of a transition is queued for retry", "ticket", t.Number, "error", err)
		}
		if fresh, err := e.store.Ticket(ctx, t.Number); err == nil {
			t = fresh
		}
	}
	return t, nil
}

// commit takes the uploads entry refers to (attachUploads), brings t's SLA
// clock up to date, chains entry to t, queues the change's effects and
// notifications, and stores both.
func (e *Engine) commit(ctx context.Context, t *ticket.Ticket, entry *ticket.HistoryEntry, effects ...effect) error {
	head := t.HistoryHash
	if err := e.stage(ctx, t, entry, effects...); err != nil {
		return err
	}
	if err := e.store.UpdateTicket(ctx, t, entry); err != nil {
		t.HistoryHash = head
		if errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("ticket %s: %w", t.Number, fault.Conflict)
		}
		return fmt.Errorf("engine: store ticket %s: %w", t.Number, err)
	}
	e.observe.Committed(t, entry)
	return nil
}

// stage does what a change needs before it is stored: it marks its
// uploads taken, runs the SLA clock, chains the entry to the ticket's
// history and queues the change's effects. On an error the entry is
// not chained to t.
func (e *Engine) stage(ctx context.Context, t *ticket.Ticket, entry *ticket.HistoryEntry, effects ...effect) error {
	if err := e.attachUploads(ctx, t, entry); err != nil {
		return err
	}
	e.slaOnChange(t, entry)
	switch {
	case t.Open:
		t.ClosedOn = ""
		t.ClosedAt = time.Time{}
	case t.ClosedOn == "":
		t.ClosedOn = e.catalog().Hash()
		t.ClosedAt = entry.At
	case t.ClosedAt.IsZero():
		// Finished before the closing time was kept, and read before the
		// closing-times migration reached it: its resolution goal tells,
		// where it has one, so this write does not take back what the
		// migration may have set meanwhile.
		t.ClosedAt = resolutionMet(t)
	}
	head := t.HistoryHash
	chain(t, entry)
	effects = append(effects, e.eventNotifications(t, entry)...)
	if err := e.enqueue(ctx, t, entry, effects); err != nil {
		t.HistoryHash = head
		return err
	}
	return nil
}

// mayRun: an admin, or a holder of one of the transition's roles (with
// 'requester' and 'assignee' meaning the ticket's own); without roles,
// members of the ticket's team who may work tickets.
func mayRun(actor *auth.Principal, t *ticket.Ticket, tr *definition.Transition) bool {
	if actor == nil {
		return false
	}
	if actor.Admin {
		return true
	}
	if len(tr.Roles) == 0 {
		return actor.InTeam(t.Team) && actor.HasPermission("ticket.work")
	}
	for _, r := range tr.Roles {
		switch r.Value {
		case "requester":
			if actor.User == t.Requester {
				return true
			}
		case "assignee":
			if actor.User == t.Assignee {
				return true
			}
		default:
			if actor.HasRole(r.Value) {
				return true
			}
		}
	}
	return false
}

// applyAction performs one of a transition's actions on t, noting what
// changed. Actions that reach beyond the ticket (child tickets,
// notifications, scripts) run in later steps of the workflow runtime.
func (e *Engine) applyAction(actor *auth.Principal, t *ticket.Ticket, a definition.Action, changes ticket.Changes) {
	switch {
	case a.Assign != "":
		who := a.Assign
		switch who {
		case "actor":
			who = actorName(actor)
		case "requester":
			who = t.Requester
		case "none":
			who = ""
		}
		changes["assignee"] = ticket.Change{Old: t.Assignee, New: who}
		t.Assignee = who
	case a.Priority != "":
		changes["priority"] = ticket.Change{Old: t.Priority, New: a.Priority}
		t.Priority = a.Priority
	case !a.Team.IsZero():
		changes["team"] = ticket.Change{Old: t.Team, New: a.Team.Value}
		t.Team = a.Team.Value
	case len(a.Set) > 0:
		if t.Data == nil {
			t.Data = map[string]any{}
		}
		for k, v := range a.Set {
			changes["data."+k] = ticket.Change{Old: t.Data[k], New: v}
			t.Data[k] = v
		}
	}
}

func mergeData(base, add map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(add))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range add {
		out[k] = v
	}
	return out
}
