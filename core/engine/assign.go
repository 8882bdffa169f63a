package engine

import (
	"context"
	"errors"
	"fmt"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/ticket"
)

// checkAssignee is the one rule for who may be given a ticket, whether by
// the API, a page or a script: nobody (""), or an existing, enabled user
// who may work on it — an administrator, a member of the ticket's team who
// may work tickets (ticket.work), or a holder of a role the ticket's
// process names for one of its transitions. Anyone else would gain sight of
// the ticket's data by being assigned. actor is who assigns; assigning
// oneself needs no lookup. It returns the user's name as stored (names are
// kept in lower case), or a fault.Invalid error on the field "user" (code
// unknown_user or not_assignable), or the lookup's error.
func (e *Engine) checkAssignee(ctx context.Context, actor *auth.Principal, t *ticket.Ticket, user string) (string, error) {
	if user == "" {
		return "", nil
	}
	cat := e.catalog()
	who := actor
	if actor == nil || user != actor.User {
		unknown := invalid("user", "unknown_user", "unknown_user", "user", user)
		if e.users == nil {
			return "", unknown
		}
		u, err := e.users.User(ctx, user)
		switch {
		case errors.Is(err, auth.ErrUserNotFound):
			return "", unknown
		case err != nil:
			return "", fmt.Errorf("engine: look up assignee %s: %w", user, err)
		case u.Disabled:
			return "", unknown
		}
		who = auth.PrincipalOf(u, cat)
	}
	if !mayWorkOn(who, t, cat.Process(t.Process)) {
		return "", invalid("user", "not_assignable", "not_assignable", "user", who.User, "team", t.Team)
	}
	return who.User, nil
}

// mayWorkOn reports whether p may work on ticket t of process proc (nil
// when the process is no longer defined).
func mayWorkOn(p *auth.Principal, t *ticket.Ticket, proc *definition.Process) bool {
	if p.Admin || (p.InTeam(t.Team) && p.HasPermission("ticket.work")) {
		return true
	}
	if proc == nil {
		return false
	}
	for _, tr := range proc.Transitions {
		for _, r := range tr.Roles {
			if r.Value != "requester" && r.Value != "assignee" && p.HasRole(r.Value) {
				return true
			}
		}
	}
	return false
}

// Assign gives a ticket to a user (or nobody, with ""). It needs
// ticket.assign, except that a team member who may work tickets can take
// an unassigned ticket of the team for themselves. Only users who may work
// on the ticket can be given it (see checkAssignee); the error saying
// otherwise carries codes, not words, so lang is not needed and is kept
// only for the callers.
func (e *Engine) Assign(ctx context.Context, actor *auth.Principal, number string, version int64, user, lang string) (*ticket.Ticket, error) {
	t, err := e.Ticket(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	if version != 0 && version != t.Version {
		return nil, fmt.Errorf("ticket %s is at version %d, not %d: %w", number, t.Version, version, fault.Conflict)
	}
	takesItself := user == actor.User && mayTake(actor, t)
	if !mayAssign(actor) && !takesItself {
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
