package workspace_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/internal/slapdtest"
	"vorgang/core/web/internal/webtest"
)

// directoryDefinition is an IdentityProvider for a slapdtest server: the
// bind password in a file, helpdesk members (through nesting: helpdesk is
// in it, it in staff) in the IT first level, staff members IT leads.
func directoryDefinition(t *testing.T, srv *slapdtest.Server) definition.File {
	t.Helper()
	secret := filepath.Join(t.TempDir(), "ldap-bind")
	if err := os.WriteFile(secret, []byte(slapdtest.RootPassword), 0o600); err != nil {
		t.Fatal(err)
	}
	yaml := fmt.Sprintf(`apiVersion: vorgang/v1
kind: IdentityProvider
id: verzeichnis
title: {de: Verzeichnis, en: Directory}
type: ldap
ldap:
  url: %s
  start_tls: true
  ca_file: %s
  bind_dn: %s
  bind_password: {file: %s}
  timeout: 5s
  user_base: ou=people,%s
  user_filter: %q
  attributes: {login: uid, display_name: cn, email: mail, lang: preferredLanguage, manager: manager}
  groups:
    base: ou=groups,%s
    map:
      - group: cn=helpdesk,ou=groups,dc=example,dc=org
        teams: [it-1st-level]
      - group: cn=staff,ou=groups,dc=example,dc=org
        roles: [it-lead]
`, srv.URL, srv.CAFile, slapdtest.RootDN, secret, slapdtest.Suffix, slapdtest.UserFilter, slapdtest.Suffix)
	return definition.File{Path: "identity/verzeichnis.yaml", Data: []byte(yaml)}
}

// TestDirectoryLogin signs people in against a real slapd, over StartTLS
// with an authority made by the test, through the API and the login page:
// by uid, by mail (the UPN-style name) and by DN; users are made at the
// first login with the roles and teams of their (nested) groups; wrong
// passwords, unknown and disabled people are refused alike; a person
// disabled in the directory loses the account; and while the directory is
// down the login says so, and the local administrator still signs in.
func TestDirectoryLogin(t *testing.T) {
	srv := slapdtest.Start(t, slapdtest.Options{TLS: true, LDIF: slapdtest.People})
	env := webtest.NewUIEnv(t, webtest.UIOptions{Files: []definition.File{directoryDefinition(t, srv)}})
	ctx := context.Background()
	// apiLogin returns the status and, for a failure, the error object.
	apiLogin := func(t *testing.T, name, password string) (int, map[string]any) {
		t.Helper()
		body := fmt.Sprintf(`{"name":%q,"password":%q}`, name, password)
		req, _ := http.NewRequest(http.MethodPost, env.Base+"/api/v1/login", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept-Language", "en")
		p := env.Browser(t).Do(req)
		var out struct {
			Error map[string]any `json:"error"`
		}
		_ = json.Unmarshal([]byte(p.Body), &out)
		return p.Status, out.Error
	}
	formLogin := func(t *testing.T, name, password string) webtest.Page {
		t.Helper()
		b := env.Browser(t)
		p := b.Get("/app/login")
		return b.Post("/app/login", map[string][]string{"_csrf": {webtest.Hidden(t, p.Body, "_csrf")}, "name": {name}, "password": {password}, "next": {"/app/"}})
	}

	t.Run("logins", func(t *testing.T) {
		for _, tt := range []struct {
			name, login, password string
			want                  int
		}{
			{"uid", "alice", "alice-pw", http.StatusOK},
			{"upn style", "alice@example.org", "alice-pw", http.StatusOK},
			{"dn", "uid=alice,ou=people,dc=example,dc=org", "alice-pw", http.StatusOK},
			{"upper case", "ALICE", "alice-pw", http.StatusOK},
			{"wrong password", "alice", "bob-pw", http.StatusUnauthorized},
			{"empty password", "alice", "", http.StatusUnauthorized},
			{"unknown", "mallory", "mallory-pw", http.StatusUnauthorized},
			{"disabled in the directory", "carol", "carol-pw", http.StatusUnauthorized},
			{"filter injection", "*", "alice-pw", http.StatusUnauthorized},
		} {
			t.Run(tt.name, func(t *testing.T) {
				status, body := apiLogin(t, tt.login, tt.password)
				if status != tt.want {
					t.Fatalf("status %d, want %d: %v", status, tt.want, body)
				}
				if tt.want == http.StatusUnauthorized && body["code"] != auth.CodeInvalidCredentials {
					t.Errorf("code %v, want %s", body["code"], auth.CodeInvalidCredentials)
				}
			})
		}
	})

	t.Run("user made from the directory", func(t *testing.T) {
		// bob signs in after alice's first login: her manager appears once
		// vorgang knows him.
		if status, body := apiLogin(t, "bob", "bob-pw"); status != http.StatusOK {
			t.Fatalf("bob: %d %v", status, body)
		}
		if p := formLogin(t, "alice@example.org", "alice-pw"); p.Status != http.StatusSeeOther {
			t.Fatalf("form login: %d\n%s", p.Status, p.Body)
		}
		u, err := env.Authn.User(ctx, "alice")
		if err != nil {
			t.Fatal(err)
		}
		if u.Source != auth.SourceDirectory || u.DisplayName != "Alice Adler" || u.Email != "alice@example.org" || u.Lang != "en" || u.Manager != "bob" {
			t.Errorf("profile %+v", u)
		}
		if !slices.Equal(u.Teams, []string{"it-1st-level"}) || !slices.Equal(u.Roles, []string{"it-lead"}) {
			t.Errorf("teams %v roles %v, want [it-1st-level] [it-lead] (helpdesk → it → staff)", u.Teams, u.Roles)
		}
		if bob, _ := env.Authn.User(ctx, "bob"); bob == nil || len(bob.Teams) != 0 || !slices.Equal(bob.Roles, []string{"it-lead"}) {
			t.Errorf("bob %+v, want role it-lead only", bob)
		}
	})

	t.Run("local account taken over", func(t *testing.T) {
		// erin has a local password; the directory's erin signs in with
		// hers, and the account becomes the directory's.
		srv.Add(t, "dn: uid=erin,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: erin\ncn: Erin Engel\nsn: Engel\nuserPassword: erin-pw\n")
		if _, err := env.Authn.CreateUser(ctx, auth.NewUser{Name: "erin", Password: webtest.UIPassword}); err != nil {
			t.Fatal(err)
		}
		if status, _ := apiLogin(t, "erin", webtest.UIPassword); status != http.StatusOK {
			t.Fatalf("erin with the local password before: %d", status)
		}
		if status, _ := apiLogin(t, "erin", "erin-pw"); status != http.StatusOK {
			t.Fatalf("erin with the directory password: %d", status)
		}
		if u, _ := env.Authn.User(ctx, "erin"); u == nil || u.Source != auth.SourceDirectory || u.DisplayName != "Erin Engel" {
			t.Errorf("erin %+v, want taken over", u)
		}
		if status, _ := apiLogin(t, "erin", webtest.UIPassword); status != http.StatusUnauthorized {
			t.Errorf("erin's old local password after the take-over: %d, want 401", status)
		}
	})

	t.Run("local administrator never taken over", func(t *testing.T) {
		srv.Add(t, "dn: uid=root,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: root\ncn: Someone Else\nsn: Else\nuserPassword: root-pw\n")
		if status, _ := apiLogin(t, "root", "root-pw"); status != http.StatusUnauthorized {
			t.Fatalf("the directory's root: %d, want 401", status)
		}
		u, _ := env.Authn.User(ctx, "root")
		if u == nil || u.Source != "" || u.DisplayName != "Rita Root" {
			t.Errorf("root %+v, want the local administrator unchanged", u)
		}
		if status, _ := apiLogin(t, "root", webtest.UIPassword); status != http.StatusOK {
			t.Errorf("the local administrator: %d", status)
		}
	})

	t.Run("disabled in the directory after the first login", func(t *testing.T) {
		if status, _ := apiLogin(t, "dave", "dave-pw"); status != http.StatusOK {
			t.Fatalf("dave's first login: %d", status)
		}
		srv.Add(t, "dn: uid=dave,ou=people,dc=example,dc=org\nchangetype: modify\nadd: employeeType\nemployeeType: disabled\n")
		if status, _ := apiLogin(t, "dave", "dave-pw"); status != http.StatusUnauthorized {
			t.Fatalf("dave after being disabled: %d, want 401", status)
		}
		u, err := env.Authn.User(ctx, "dave")
		if err != nil {
			t.Fatal(err)
		}
		if !u.Disabled {
			t.Error("dave's account is still enabled")
		}
	})

	t.Run("listed among the definitions", func(t *testing.T) {
		b := env.Browser(t)
		b.Login("root")
		if p := b.Get("/admin/"); p.Status != http.StatusOK || !strings.Contains(p.Body, "IdentityProvider") || !strings.Contains(p.Body, "verzeichnis") {
			t.Errorf("admin definitions page: %d, want the IdentityProvider listed", p.Status)
		}
	})

	t.Run("directory down", func(t *testing.T) {
		srv.Stop()
		status, body := apiLogin(t, "alice", "alice-pw")
		if status != http.StatusServiceUnavailable || body["code"] != "directory_unavailable" {
			t.Fatalf("API: %d %v, want 503 directory_unavailable", status, body)
		}
		p := formLogin(t, "alice", "alice-pw")
		if p.Status != http.StatusServiceUnavailable || !strings.Contains(p.Body, "Verzeichnis") {
			t.Fatalf("login page: %d, want 503 saying the directory is unreachable:\n%s", p.Status, p.Body)
		}
		if status, body := apiLogin(t, "root", webtest.UIPassword); status != http.StatusOK {
			t.Fatalf("local administrator: %d %v", status, body)
		}
		if p := formLogin(t, "root", webtest.UIPassword); p.Status != http.StatusSeeOther {
			t.Fatalf("local administrator on the login page: %d", p.Status)
		}
		if status, _ := apiLogin(t, "root", "not the password"); status != http.StatusUnauthorized {
			t.Errorf("local administrator with a wrong password: %d, want 401", status)
		}
	})
}
