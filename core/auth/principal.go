package auth

import (
	"context"
	"log/slog"
	"slices"

	"vorgang/core/definition"
)

// RoleAdmin is the built-in administrator role. It needs no Role definition,
// so the first administrator (`vorgang user create NAME --role admin`) works
// on an installation without any; a user holding it is an administrator.
const RoleAdmin = "admin"

// PermissionAdmin is the Role permission that makes its holders
// administrators.
const PermissionAdmin = "admin"

// Principal is an authenticated user with everything the user may do,
// resolved against the catalog current at authentication.
//
// Roles are the user's own roles plus the roles of each of the user's
// teams (Team.roles). A team's parent is not followed: in a Team
// definition the parent is the escalation team above it, not a group its
// members belong to, so first-level agents do not get second-level roles
// (nor the reverse). Roles and teams the catalog no longer defines are
// left out and logged once as a warning.
type Principal struct {
	User    string
	Display string
	// Roles and Teams are sorted and without duplicates.
	Roles       []string
	Teams       []string
	Permissions map[string]bool
	// Admin is true for holders of the built-in admin role or of a role
	// with the admin permission. An administrator has every permission.
	Admin bool
	// TwoFactorDue: a role of this local user requires two-factor sign-in
	// and the user has not turned it on; the pages send them to set it up
	// before anything else.
	TwoFactorDue bool
}

// HasPermission reports whether p may do what perm names (a Role
// permission such as "ticket.read_all"). Administrators may do everything.
func (p *Principal) HasPermission(perm string) bool {
	return p != nil && (p.Admin || p.Permissions[perm])
}

// HasRole reports whether p holds the role, directly or through a team.
func (p *Principal) HasRole(role string) bool {
	if p == nil {
		return false
	}
	return slices.Contains(p.Roles, role)
}

// InTeam reports whether p is a member of the team.
func (p *Principal) InTeam(team string) bool {
	if p == nil {
		return false
	}
	return slices.Contains(p.Teams, team)
}

// Principal returns the principal of the user with the name, whether or not
// the user is disabled (check User.Disabled where that matters).
func (s *Service) Principal(ctx context.Context, name string) (*Principal, error) {
	u, err := s.User(ctx, name)
	if err != nil {
		return nil, err
	}
	return s.principal(ctx, u), nil
}

// PrincipalOf resolves a user record against cat (which may be nil) as
// authentication does, for deciding what another user may do (whether a
// ticket may be assigned to them, say). Stale roles and teams are left out.
func PrincipalOf(u *User, cat *definition.Catalog) *Principal {
	p, _ := buildPrincipal(u, cat)
	return p
}

// principal builds u's principal from the current catalog and logs stale
// references.
func (s *Service) principal(ctx context.Context, u *User) *Principal {
	cat := s.cfg.Catalog()
	p, stale := buildPrincipal(u, cat)
	for _, ref := range stale {
		s.warnStale(ctx, u.Name, ref, cat)
	}
	return p
}

// staleRef is a role or team a user record names that the catalog lacks.
type staleRef struct {
	kind, id string
}

// buildPrincipal resolves u against cat (which may be nil).
func buildPrincipal(u *User, cat *definition.Catalog) (*Principal, []staleRef) {
	p := &Principal{User: u.Name, Display: u.DisplayName, Permissions: map[string]bool{}}
	var stale []staleRef
	roles := map[string]bool{}
	addRole := func(id string) {
		if id == RoleAdmin {
			p.Admin = true
			roles[id] = true
		}
		var r *definition.Role
		if cat != nil {
			r = cat.Role(id)
		}
		if r == nil {
			if id != RoleAdmin {
				stale = append(stale, staleRef{"role", id})
			}
			return
		}
		roles[id] = true
		for _, perm := range r.Permissions {
			p.Permissions[perm] = true
			if perm == PermissionAdmin {
				p.Admin = true
			}
		}
	}
	for _, id := range u.Roles {
		addRole(id)
	}
	for _, id := range u.Teams {
		var t *definition.Team
		if cat != nil {
			t = cat.Team(id)
		}
		if t == nil {
			stale = append(stale, staleRef{"team", id})
			continue
		}
		p.Teams = append(p.Teams, id)
		for _, r := range t.Roles {
			addRole(r.Value)
		}
	}
	for r := range roles {
		p.Roles = append(p.Roles, r)
	}
	slices.Sort(p.Roles)
	slices.Sort(p.Teams)
	p.Teams = slices.Compact(p.Teams)
	if p.Roles == nil {
		p.Roles = []string{}
	}
	if p.Teams == nil {
		p.Teams = []string{}
	}
	p.TwoFactorDue = !u.TwoFactor && twoFactorRequired(u, p.Roles, cat)
	return p, stale
}

// warnStale logs a stale reference once per user, reference and catalog.
func (s *Service) warnStale(ctx context.Context, user string, ref staleRef, cat *definition.Catalog) {
	hash := ""
	if cat != nil {
		hash = cat.Hash()
	}
	key := hash + "\x00" + user + "\x00" + ref.kind + "\x00" + ref.id
	if _, seen := s.warned.LoadOrStore(key, struct{}{}); seen {
		return
	}
	s.log.WarnContext(ctx, "user record names a "+ref.kind+" the definitions do not have; ignored",
		slog.String("user", user), slog.String(ref.kind, ref.id))
}
