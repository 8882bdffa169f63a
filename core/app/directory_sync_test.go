package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vorgang/core/app"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/internal/slapdtest"
	"vorgang/core/internal/testkit"
)

// TestSyncDirectory: the sync makes a user for every enabled person with
// the roles and teams of their groups, leaves local users and people the
// filter excludes alone, and on a later run disables the users of people
// who left the directory, without deleting them.
func TestSyncDirectory(t *testing.T) {
	srv := slapdtest.Start(t, slapdtest.Options{LDIF: slapdtest.People})
	secret := filepath.Join(t.TempDir(), "bind")
	if err := os.WriteFile(secret, []byte(slapdtest.RootPassword), 0o600); err != nil {
		t.Fatal(err)
	}
	def := fmt.Sprintf(`apiVersion: vorgang/v1
kind: IdentityProvider
id: verzeichnis
title: Verzeichnis
type: ldap
ldap:
  url: %s
  bind_dn: %s
  bind_password: {file: %s}
  user_base: ou=people,%s
  user_filter: %q
  attributes: {login: uid, display_name: cn, email: mail}
  groups:
    map:
      - group: cn=helpdesk,ou=groups,dc=example,dc=org
        teams: [it-1st-level]
`, srv.URL, slapdtest.RootDN, secret, slapdtest.Suffix, slapdtest.UserFilter)
	cat := testkit.Compile(t, append(testkit.DeskFiles(t), definition.File{Path: "identity.yaml", Data: []byte(def)}))
	var logs testkit.LogBuffer
	a := testkit.NewApp(t, app.Config{Catalog: testkit.Fixed(cat), Logger: logs.Logger(slog.LevelInfo),
		Password: auth.Params{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 32}})
	ctx := context.Background()
	// root is the local administrator; bob has a local account of the
	// name of a directory person, which only his own login may take over.
	for _, nu := range []auth.NewUser{{Name: "root", Roles: []string{"admin"}, Password: "Sommerfest-2026"}, {Name: "bob", DisplayName: "Bob local", Password: "Sommerfest-2026"}} {
		if _, err := a.Auth.CreateUser(ctx, nu); err != nil {
			t.Fatal(err)
		}
	}

	if err := a.SyncDirectory(ctx); err != nil {
		t.Fatal(err)
	}
	users, err := a.Auth.ListUsers(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range users {
		names = append(names, u.Name)
	}
	if want := []string{"alice", "bob", "dave", "root"}; !slices.Equal(names, want) {
		t.Fatalf("users %v, want %v (carol is disabled in the directory)", names, want)
	}
	alice, _ := a.Auth.User(ctx, "alice")
	if alice.Source != auth.SourceDirectory || !slices.Equal(alice.Teams, []string{"it-1st-level"}) || alice.DisplayName != "Alice Adler" {
		t.Errorf("alice %+v", alice)
	}
	if bob, _ := a.Auth.User(ctx, "bob"); bob.Source != "" || bob.DisplayName != "Bob local" {
		t.Errorf("bob %+v, want the local account untouched by the sync", bob)
	}
	if _, err := a.Auth.Login(ctx, "bob", "Sommerfest-2026", "test"); err != nil {
		t.Errorf("bob's local password after the sync: %v", err)
	}
	if !strings.Contains(logs.String(), "percent=100") {
		t.Errorf("no progress logged at 100%%:\n%s", logs.String())
	}

	srv.Add(t, "dn: uid=dave,ou=people,dc=example,dc=org\nchangetype: modify\nadd: employeeType\nemployeeType: disabled\n")
	if err := a.SyncDirectory(ctx); err != nil {
		t.Fatal(err)
	}
	for name, wantDisabled := range map[string]bool{"alice": false, "bob": false, "dave": true, "root": false} {
		u, err := a.Auth.User(ctx, name)
		if err != nil {
			t.Fatalf("%s: %v (users are never deleted)", name, err)
		}
		if u.Disabled != wantDisabled {
			t.Errorf("%s disabled = %v, want %v", name, u.Disabled, wantDisabled)
		}
	}

	// A directory that is down disables nobody.
	srv.Stop()
	if err := a.SyncDirectory(ctx); err == nil {
		t.Error("sync against a stopped directory succeeded")
	}
	if u, _ := a.Auth.User(ctx, "alice"); u.Disabled {
		t.Error("alice disabled while the directory was down")
	}
}

// TestSyncDirectoryProgress: a sync logs its progress at every tenth of
// the people, ten lines from 10% to 100%, however few or many there are.
func TestSyncDirectoryProgress(t *testing.T) {
	for _, tt := range []struct {
		name   string
		ldif   string
		people int
	}{
		{name: "fewer people than lines", ldif: slapdtest.People, people: 3},
		{name: "bulk", ldif: slapdtest.Bulk(37), people: 37},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := slapdtest.Start(t, slapdtest.Options{LDIF: tt.ldif})
			var logs testkit.LogBuffer
			a, _ := benchDirectoryApp(t, srv, logs.Logger(slog.LevelInfo))
			if err := a.SyncDirectory(context.Background()); err != nil {
				t.Fatal(err)
			}
			var percents []string
			for _, line := range strings.Split(logs.String(), "\n") {
				if strings.Contains(line, `msg="directory sync progress"`) {
					_, p, _ := strings.Cut(line, "percent=")
					p, _, _ = strings.Cut(p, " ")
					percents = append(percents, p)
				}
			}
			if want := []string{"10", "20", "30", "40", "50", "60", "70", "80", "90", "100"}; !slices.Equal(percents, want) {
				t.Errorf("progress at %v, want %v", percents, want)
			}
			if want := fmt.Sprintf("of=%d", tt.people); !strings.Contains(logs.String(), want) {
				t.Errorf("progress does not say %s:\n%s", want, logs.String())
			}
			if tt.ldif == slapdtest.People {
				return
			}
			// The batches, cut at every tenth, made everyone with their
			// team, role and manager (the team's first person, listed
			// first, made in an earlier batch).
			members, err := a.Auth.Members(context.Background(), auth.GroupTeam, "it-1st-level")
			if err != nil || len(members) != tt.people {
				t.Fatalf("%d members of it-1st-level, want %d: %v", len(members), tt.people, err)
			}
			for i, u := range members {
				manager := slapdtest.BulkLogin(0)
				if i == 0 {
					manager = ""
				}
				if u.Name != slapdtest.BulkLogin(i) || u.Manager != manager || !slices.Contains(u.Roles, "team-lead") {
					t.Errorf("user %d: %+v, want %s with manager %q and role team-lead", i, u, slapdtest.BulkLogin(i), manager)
				}
			}
		})
	}
}

// TestDirectorySessionNeedsNoDirectory: after a directory user's login,
// checking their session does not reach the directory: slapd accepts no
// connection for it, and the session holds while slapd is stopped.
func TestDirectorySessionNeedsNoDirectory(t *testing.T) {
	srv := slapdtest.Start(t, slapdtest.Options{LDIF: slapdtest.Bulk(3), LogOperations: true})
	a, _ := benchDirectoryApp(t, srv, testkit.Quiet)
	ctx := context.Background()
	login := slapdtest.BulkLogin(1)
	s, err := a.Auth.Login(ctx, login, login+"-pw", "198.51.100.7")
	if err != nil {
		t.Fatal(err)
	}
	if srv.Connections() == 0 {
		t.Fatal("slapd counted no connection for the login: the count does not work")
	}
	check := func(when string) {
		t.Helper()
		p, err := a.Auth.Authenticate(ctx, s.Token)
		if err != nil {
			t.Fatalf("session %s: %v", when, err)
		}
		if p.User != login || !slices.Equal(p.Teams, []string{"it-1st-level"}) || !slices.Contains(p.Roles, "team-lead") {
			t.Errorf("session %s: %+v, want %s with the team and role of their groups", when, p, login)
		}
	}
	before := srv.Connections()
	for range 10 {
		check("while the directory is up")
	}
	if n := srv.Connections() - before; n != 0 {
		t.Errorf("10 session checks opened %d connections to the directory, want none", n)
	}
	srv.Stop()
	check("while the directory is down")
}
