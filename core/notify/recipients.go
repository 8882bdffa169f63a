package notify

import (
	"context"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"

	"vorgang/core/definition"
	"vorgang/core/ticket"
)

// Directory finds people's addresses; AuthDirectory reads core/auth's
// users.
type Directory interface {
	// User returns the user's name, e-mail and language; ok is false for
	// an unknown or disabled user.
	User(ctx context.Context, name string) (p Person, ok bool, err error)
	// Members returns the enabled users who are members of the team
	// (kind "team") or hold the role directly (kind "role").
	Members(ctx context.Context, kind, id string) ([]Person, error)
}

// citizen is the requester of tickets opened on the public portal.
const citizen = "citizen"

// recipients resolves a notification's recipients for ticket t. Internal
// comments never go to the requester, and nobody is told of their own
// change (but a requester gets the acknowledgement of their own report).
func (w *Worker) recipients(ctx context.Context, cat *definition.Catalog, n *definition.Notification, t *ticket.Ticket, notice ticket.Notice) ([]Person, error) {
	internal, actor := notice.Internal, notice.Actor
	if notice.Event == "ticket.created" {
		actor = ""
	}
	var out []Person
	seen := map[string]bool{}
	add := func(ps ...Person) {
		for _, p := range ps {
			key := strings.ToLower(p.Email)
			if p.Email == "" || seen[key] || (actor != "" && p.User == actor) {
				continue
			}
			if _, err := mail.ParseAddress(p.Email); err != nil {
				w.log.Warn("recipient address is not valid; skipped", "ticket", t.Number, "address", p.Email)
				continue
			}
			seen[key] = true
			out = append(out, p)
		}
	}
	for _, r := range n.Recipients {
		kind, id, _ := strings.Cut(r.Value, ":")
		switch kind {
		case "requester":
			if internal || (actor == citizen && t.Requester == citizen) {
				// A citizen has no user to compare with the actor: their
				// own reply is theirs by the ticket.
				continue
			}
			p, err := w.requester(ctx, cat, t)
			if err != nil {
				return nil, err
			}
			add(p)
		case "assignee":
			if t.Assignee == "" {
				continue
			}
			p, ok, err := w.dir.User(ctx, t.Assignee)
			if err != nil {
				return nil, fmt.Errorf("assignee %s: %w", t.Assignee, err)
			}
			if ok {
				add(p)
			}
		case "team":
			if id == "" {
				id = t.Team
			}
			ps, err := w.team(ctx, cat, id)
			if err != nil {
				return nil, err
			}
			add(ps...)
		case "role":
			ps, err := w.role(ctx, cat, id)
			if err != nil {
				return nil, err
			}
			add(ps...)
		case "email":
			add(Person{Email: id, Lang: w.lang})
		default:
			// watchers and approvers have no addresses to resolve yet.
			w.log.Debug("recipient kind not resolved", slog.String("recipient", r.Value), slog.String("notification", n.ID.Value))
		}
	}
	return out, nil
}

// requester is the requesting user or, for a citizen or a user without an
// address, the e-mail field of the ticket's form.
func (w *Worker) requester(ctx context.Context, cat *definition.Catalog, t *ticket.Ticket) (Person, error) {
	var p Person
	if t.Requester != "" && t.Requester != citizen {
		u, ok, err := w.dir.User(ctx, t.Requester)
		if err != nil {
			return p, fmt.Errorf("requester %s: %w", t.Requester, err)
		}
		if ok {
			p = u
		}
	}
	if p.Email == "" {
		p.Email = cat.RequesterEmail(t.Process, t.Data)
		if p.Lang == "" {
			p.Lang = w.lang
		}
		if p.Name == "" {
			p.Name, _ = t.Data["name"].(string)
		}
	}
	return p, nil
}

// team is the team's shared address, or its members when it has none.
func (w *Worker) team(ctx context.Context, cat *definition.Catalog, id string) ([]Person, error) {
	if id == "" {
		return nil, nil
	}
	if def := cat.Team(id); def != nil && def.Email != "" {
		return []Person{{Name: def.Title.In(w.lang), Email: def.Email, Lang: w.lang}}, nil
	}
	ps, err := w.dir.Members(ctx, "team", id)
	if err != nil {
		return nil, fmt.Errorf("members of team %s: %w", id, err)
	}
	return ps, nil
}

// role is every holder of the role: directly, or through a team that
// carries it.
func (w *Worker) role(ctx context.Context, cat *definition.Catalog, id string) ([]Person, error) {
	out, err := w.dir.Members(ctx, "role", id)
	if err != nil {
		return nil, fmt.Errorf("holders of role %s: %w", id, err)
	}
	for _, team := range cat.Teams() {
		for _, r := range team.Roles {
			if r.Value != id {
				continue
			}
			ps, err := w.dir.Members(ctx, "team", team.ID.Value)
			if err != nil {
				return nil, fmt.Errorf("members of team %s: %w", team.ID.Value, err)
			}
			out = append(out, ps...)
		}
	}
	return out, nil
}
