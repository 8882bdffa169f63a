package auth_test

import (
	"slices"
	"strings"
	"testing"

	"vorgang/core/auth"
)

func TestPrincipal(t *testing.T) {
	t.Parallel()
	cat := compileCatalog(t, testCatalogYAML)
	cases := []struct {
		name      string
		user      auth.NewUser
		roles     []string
		teams     []string
		perms     []string // exactly these
		admin     bool
		notPerm   []string
		notRoles  []string
		notInTeam []string
	}{
		{name: "no roles", user: auth.NewUser{Name: "citizen"},
			roles: []string{}, teams: []string{}, perms: []string{}, notPerm: []string{"ticket.read_team"}},
		{name: "direct role", user: auth.NewUser{Name: "lead", Roles: []string{"lead"}},
			roles: []string{"lead"}, teams: []string{}, perms: []string{"report.read", "ticket.approve", "ticket.read_all"},
			notPerm: []string{"ticket.work"}},
		{name: "team roles, parent team not inherited", user: auth.NewUser{Name: "agent", Teams: []string{"first-level"}},
			roles: []string{"agent"}, teams: []string{"first-level"},
			perms:   []string{"ticket.comment_internal", "ticket.read_team", "ticket.work"},
			notPerm: []string{"asset.write"}, notRoles: []string{"specialist"}, notInTeam: []string{"second-level"}},
		{name: "union of direct and team roles", user: auth.NewUser{Name: "mixed", Roles: []string{"lead"}, Teams: []string{"second-level", "facility"}},
			roles: []string{"lead", "specialist"}, teams: []string{"facility", "second-level"},
			perms: []string{"asset.write", "report.read", "ticket.approve", "ticket.read_all", "ticket.read_team", "ticket.work"}},
		{name: "built-in admin role", user: auth.NewUser{Name: "root", Roles: []string{"admin"}},
			roles: []string{"admin"}, teams: []string{}, perms: []string{}, admin: true},
		{name: "role with the admin permission", user: auth.NewUser{Name: "ops", Roles: []string{"operator"}},
			roles: []string{"operator"}, teams: []string{}, perms: []string{"admin"}, admin: true},
	}
	e := newEnv(t, cat, nil)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.createUser(t, c.user)
			p, err := e.svc.Principal(t.Context(), c.user.Name)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p.Roles, c.roles) || !slices.Equal(p.Teams, c.teams) || p.Admin != c.admin {
				t.Errorf("roles %v teams %v admin %v; want %v %v %v", p.Roles, p.Teams, p.Admin, c.roles, c.teams, c.admin)
			}
			var perms []string
			for perm, ok := range p.Permissions {
				if ok {
					perms = append(perms, perm)
				}
			}
			slices.Sort(perms)
			if perms == nil {
				perms = []string{}
			}
			if !slices.Equal(perms, c.perms) {
				t.Errorf("permissions %v, want %v", perms, c.perms)
			}
			for _, perm := range c.perms {
				if !p.HasPermission(perm) {
					t.Errorf("HasPermission(%s) = false", perm)
				}
			}
			for _, perm := range c.notPerm {
				if p.HasPermission(perm) {
					t.Errorf("HasPermission(%s) = true", perm)
				}
			}
			if c.admin && !p.HasPermission("ticket.read_all") {
				t.Error("an administrator lacks a permission")
			}
			for _, r := range c.roles {
				if !p.HasRole(r) {
					t.Errorf("HasRole(%s) = false", r)
				}
			}
			for _, r := range c.notRoles {
				if p.HasRole(r) {
					t.Errorf("HasRole(%s) = true", r)
				}
			}
			for _, team := range c.teams {
				if !p.InTeam(team) {
					t.Errorf("InTeam(%s) = false", team)
				}
			}
			for _, team := range c.notInTeam {
				if p.InTeam(team) {
					t.Errorf("InTeam(%s) = true", team)
				}
			}
		})
	}

	t.Run("nil principal has nothing", func(t *testing.T) {
		var p *auth.Principal
		if p.HasPermission("admin") || p.HasRole("admin") || p.InTeam("facility") {
			t.Error("nil principal has a permission, role or team")
		}
	})
}

// TestPrincipalStaleDefinitions: a role or team removed from the
// definitions after it was given to a user is ignored with a warning.
func TestPrincipalStaleDefinitions(t *testing.T) {
	t.Parallel()
	old := compileCatalog(t, testCatalogYAML+`---
apiVersion: vorgang/v1
kind: Role
id: retired
title: Retired
permissions: [report.read]
---
apiVersion: vorgang/v1
kind: Team
id: dissolved
title: Dissolved
roles: [retired]
`)
	e := newEnv(t, old, nil)
	e.createUser(t, auth.NewUser{Name: "veteran", Roles: []string{"retired", "agent"}, Teams: []string{"dissolved"}, Password: "correct horse battery"})
	s := e.login(t, "veteran", "correct horse battery")

	current := e.service(t, compileCatalog(t, testCatalogYAML), nil)
	for range 3 {
		p, err := current.Authenticate(t.Context(), s.Token)
		if err != nil {
			t.Fatalf("Authenticate: %v", err)
		}
		if !slices.Equal(p.Roles, []string{"agent"}) || len(p.Teams) != 0 || p.HasPermission("report.read") {
			t.Errorf("principal %+v, want only the agent role", p)
		}
	}
	var warnings []string
	for _, m := range e.log.messages() {
		if strings.HasPrefix(m, "WARN") {
			warnings = append(warnings, m)
		}
	}
	if len(warnings) != 2 || !strings.Contains(strings.Join(warnings, "\n"), "role=retired") ||
		!strings.Contains(strings.Join(warnings, "\n"), "team=dissolved") {
		t.Errorf("warnings %q, want one for the role and one for the team", warnings)
	}
}
