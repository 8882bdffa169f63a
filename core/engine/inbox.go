package engine

import (
	"context"
	"fmt"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/ticket"
)

// InboxStore is the query the engine's lists need; *store.Store has it.
type InboxStore interface {
	Inbox(ctx context.Context, q ticket.Query) ([]ticket.Head, string, error)
}

// Inbox lists open tickets of a team, an assignee or a requester, after
// checking that actor may see that list: their own requests and tickets,
// their teams' queues (with ticket.read_team), or anything with
// ticket.read_all.
func (e *Engine) Inbox(ctx context.Context, actor *auth.Principal, q ticket.Query) ([]ticket.Head, string, error) {
	if err := MayList(actor, q); err != nil {
		return nil, "", fmt.Errorf("inbox: %w", err)
	}
	rows, next, err := e.store.Inbox(ctx, q)
	if err != nil {
		return nil, "", fmt.Errorf("inbox: %w: %w", fault.Malformed, err)
	}
	return rows, next, nil
}

// MayList reports (as fault.Forbidden) whether actor may see the list q
// selects: their own requests and tickets, their teams' queues (with
// ticket.read_team), or anything with ticket.read_all.
func MayList(actor *auth.Principal, q ticket.Query) error {
	if actor == nil {
		return fault.Forbidden
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
		return fault.Forbidden
	}
	return nil
}

// MaySeeTeamQueues reports whether actor may list team queues at all (of
// their own teams with ticket.read_team, of any with ticket.read_all);
// pages offer the team views only then.
func MaySeeTeamQueues(actor *auth.Principal) bool {
	return actor.HasPermission("ticket.read_team") || actor.HasPermission("ticket.read_all")
}
