package engine

import (
	"context"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/ticket"
)

// TicketView is a ticket as one actor sees it: the ticket, the history
// entries the actor may read, and what the actor may do on it now. Pages
// and the API render from it instead of deciding for themselves; which
// files the actor may download through it says MayDownload.
type TicketView struct {
	Ticket  *ticket.Ticket
	History []ticket.HistoryEntry
	May     Permissions
}

// Permissions are what one actor may do on one ticket now, by the same
// rules the engine applies when the actor tries; trying is still checked.
type Permissions struct {
	// Take: the actor may give the ticket to themselves (it is not theirs
	// yet).
	Take bool
	// Assign: the actor may give the ticket to anyone who may work on it.
	Assign bool
	// CommentInternal: the actor may write comments kept among staff.
	CommentInternal bool
	// Runnable are the transitions the actor may run now, Blocked those the
	// actor cannot, each with the reason (see Options).
	Runnable []*definition.Transition
	Blocked  []Blocked
	// Decision is what the actor may do about the step a pending approval
	// waits for (the zero DecisionRight when none is pending).
	Decision DecisionRight
}

// View returns the ticket with the number as actor sees it, with actor's
// permissions on it computed once.
func (e *Engine) View(ctx context.Context, actor *auth.Principal, number string) (*TicketView, error) {
	t, hist, err := e.History(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	v := &TicketView{Ticket: t, History: hist, May: Permissions{
		Take:            actor != nil && t.Assignee != actor.User && (mayAssign(actor) || mayTake(actor, t)),
		Assign:          mayAssign(actor),
		CommentInternal: MayCommentInternal(actor),
		Decision:        e.Decision(actor, t),
	}}
	v.May.Runnable, v.May.Blocked = e.Options(ctx, actor, t)
	return v, nil
}

// mayAssign: actor may give tickets to anyone who may work on them.
func mayAssign(actor *auth.Principal) bool {
	return actor.HasPermission("ticket.assign")
}

// mayTake: actor may take t for themselves without ticket.assign, being a
// member of its team who works tickets, while nobody has it.
func mayTake(actor *auth.Principal, t *ticket.Ticket) bool {
	return t.Assignee == "" && actor.InTeam(t.Team) && actor.HasPermission("ticket.work")
}

// MayCommentInternal reports whether actor may write comments kept among staff.
func MayCommentInternal(actor *auth.Principal) bool {
	return actor.HasPermission("ticket.comment_internal")
}
