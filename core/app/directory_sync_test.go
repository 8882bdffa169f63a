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
