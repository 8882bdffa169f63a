package engine

import (
	"context"
	"fmt"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// InboxStore is the query the engine's lists need; *store.Store has it.
type InboxStore interface {
	Inbox(ctx context.Context, q store.InboxQuery) ([]store.TicketHead, string, error)
}

// Inbox lists open tickets of a team, an assignee or a requester, after
// checking that actor may see that list: their own requests and tickets,
// their teams' queues (with ticket.read_team), or anything with
// ticket.read_all.
func (e *Engine) Inbox(ctx context.Context, actor *auth.Principal, q store.InboxQuery) ([]store.TicketHead, string, error) {
	if actor == nil {
		return nil, "", fmt.Errorf("inbox: %w", fault.Forbidden)
	}
	allowed := actor.HasPermission("ticket.read_all")
	switch {
	case q.Requester != "":
		allowed = allowed || q.Requester == actor.User
	case q.Assignee != "":
		allowed = allowed || q.Assignee == actor.User
	case q.Team != "":
		allowed = allowed || (actor.InTeam(q.Team) && actor.HasPermission("ticket.read_team"))
	}
	if !allowed {
		return nil, "", fmt.Errorf("inbox: %w", fault.Forbidden)
	}
	rows, next, err := e.store.Inbox(ctx, q)
	if err != nil {
		return nil, "", fmt.Errorf("inbox: %w: %w", fault.Malformed, err)
	}
	return rows, next, nil
}

// Assign gives a ticket to a user (or nobody, with ""). It needs
// ticket.assign, except that a team member who may work tickets can take
// an unassigned ticket of the team for themselves. Only users who may work
// on the ticket can be given it (see checkAssignee); the error saying
// otherwise carries codes, not words, so lang is not needed and is kept
// only for the callers.
func (e *Engine) Assign(ctx context.Context, actor *auth.Principal, number string, version int64, user, lang string) (*store.Ticket, error) {
	t, err := e.Ticket(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	if version != 0 && version != t.Version {
		return nil, fmt.Errorf("ticket %s is at version %d, not %d: %w", number, t.Version, version, fault.Conflict)
	}
	takesItself := user == actor.User && t.Assignee == "" && actor.InTeam(t.Team) && actor.HasPermission("ticket.work")
	if !actor.HasPermission("ticket.assign") && !takesItself {
		return nil, fmt.Errorf("assign %s: %w", number, fault.Forbidden)
	}
	user, err = e.checkAssignee(ctx, actor, t, user)
	if err != nil {
		return nil, err
	}
	now := e.stamp()
	entry := ticket.NewEntry(actorName(actor), ticket.Assigned{Old: t.Assignee, New: user})
	entry.At = now
	t.Assignee, t.Updated = user, now
	if err := e.commit(ctx, t, entry); err != nil {
		return nil, err
	}
	return t, nil
}
