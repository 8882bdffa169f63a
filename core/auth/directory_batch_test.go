package auth_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/fault"
)

// person is a directory person of the test catalog's roles and teams.
func person(login, manager string, teams, roles []string) *auth.DirectoryPerson {
	return &auth.DirectoryPerson{Login: login, DisplayName: "Name of " + login, Email: login + "@example.org",
		Manager: manager, Teams: teams, Roles: roles}
}

// syncBatch runs one batch of a new sync run and returns its errors.
func (e *env) syncBatch(t *testing.T, people ...*auth.DirectoryPerson) []error {
	t.Helper()
	run, err := e.svc.NewDirectorySync(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return run.Sync(t.Context(), people)
}

// user reads a user or fails the test.
func (e *env) user(t *testing.T, name string) *auth.User {
	t.Helper()
	u, err := e.svc.User(t.Context(), name)
	if err != nil {
		t.Fatalf("user %s: %v", name, err)
	}
	return u
}

// members are the names of a team's or role's members.
func (e *env) members(t *testing.T, kind, id string) []string {
	t.Helper()
	users, err := e.svc.Members(t.Context(), kind, id)
	if err != nil {
		t.Fatal(err)
	}
	return names(users)
}

// checkLists fails the test unless every member list of the catalog's
// teams and roles, and the list of all users, holds exactly the users
// whose records say so: a name missing from a list is a member nobody
// finds.
func (e *env) checkLists(t *testing.T) []auth.User {
	t.Helper()
	all, err := e.svc.ListUsers(t.Context(), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct{ kind, id string }{
		{auth.GroupTeam, "first-level"}, {auth.GroupTeam, "second-level"}, {auth.GroupTeam, "facility"},
		{auth.GroupRole, "agent"}, {auth.GroupRole, "lead"}, {auth.GroupRole, "specialist"},
	} {
		var want []string
		for _, u := range all {
			if g.kind == auth.GroupTeam && slices.Contains(u.Teams, g.id) || g.kind == auth.GroupRole && slices.Contains(u.Roles, g.id) {
				want = append(want, u.Name)
			}
		}
		if got := e.members(t, g.kind, g.id); !slices.Equal(got, want) {
			t.Errorf("members of %s %s: %v, want %v", g.kind, g.id, got, want)
		}
	}
	return all
}

func noErrors(t *testing.T, errs []error) {
	t.Helper()
	for i, err := range errs {
		if err != nil {
			t.Errorf("person %d: %v", i, err)
		}
	}
}

var (
	first    = []string{"first-level"}
	facility = []string{"facility"}
	lead     = []string{"lead"}
)

func TestDirectorySyncBatch(t *testing.T) {
	cat := compileCatalog(t, testCatalogYAML)
	ctx := t.Context()

	t.Run("new users are made with their lists and managers", func(t *testing.T) {
		e := newEnv(t, cat, nil)
		noErrors(t, e.syncBatch(t,
			person("anna", "", first, lead),
			person("Bert", "anna", first, nil),
			person("carl", "zoe", facility, nil), // zoe is nobody
			person("dora", "erik", nil, nil),     // erik comes later in the batch
			person("erik", "", nil, nil),
		))
		all := e.checkLists(t)
		if got := names(all); !slices.Equal(got, []string{"anna", "bert", "carl", "dora", "erik"}) {
			t.Fatalf("users %v", got)
		}
		for name, manager := range map[string]string{"anna": "", "bert": "anna", "carl": "", "dora": "erik"} {
			u := e.user(t, name)
			if u.Manager != manager || u.Source != auth.SourceDirectory || u.Version != 1 {
				t.Errorf("%s: %+v, want manager %q, a directory user at version 1", name, u, manager)
			}
		}
		if got := e.user(t, "anna"); !slices.Equal(got.Teams, first) || !slices.Equal(got.Roles, lead) || got.Email != "anna@example.org" {
			t.Errorf("anna %+v", got)
		}
	})

	t.Run("changed users are updated, unchanged ones not written", func(t *testing.T) {
		e := newEnv(t, cat, nil)
		noErrors(t, e.syncBatch(t, person("anna", "", first, lead), person("bert", "", first, nil), person("carl", "", facility, nil)))
		yes := true
		if _, err := e.svc.UpdateUser(ctx, "carl", 1, auth.UserChange{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
		before := map[string]*auth.User{"anna": e.user(t, "anna"), "carl": e.user(t, "carl")}
		e.clock.Advance(time.Hour)

		bert := person("bert", "anna", facility, lead)
		bert.DisplayName = "Bert Berger"
		carl := person("carl", "", first, nil)
		run, err := e.svc.NewDirectorySync(ctx)
		if err != nil {
			t.Fatal(err)
		}
		noErrors(t, run.Sync(ctx, []*auth.DirectoryPerson{person("anna", "", first, lead), bert, carl}))
		if u := e.user(t, "anna"); u.Version != before["anna"].Version || !u.Updated.Equal(before["anna"].Updated) {
			t.Errorf("anna, unchanged, was written: version %d → %d, updated %v → %v", before["anna"].Version, u.Version, before["anna"].Updated, u.Updated)
		}
		u := e.user(t, "bert")
		if u.Version != 2 || u.DisplayName != "Bert Berger" || u.Manager != "anna" || !slices.Equal(u.Teams, facility) || !slices.Equal(u.Roles, lead) || !u.Updated.Equal(e.clock.Now()) {
			t.Errorf("bert %+v, want version 2 with the directory's changes", u)
		}
		if u := e.user(t, "carl"); !u.Disabled || !slices.Equal(u.Teams, first) {
			t.Errorf("carl %+v, want moved to first-level and still disabled (only an administrator enables)", u)
		}
		e.checkLists(t)

		// The same people once more in the same run: nothing to write.
		versions := map[string]int64{}
		for _, n := range []string{"anna", "bert", "carl"} {
			versions[n] = e.user(t, n).Version
		}
		noErrors(t, run.Sync(ctx, []*auth.DirectoryPerson{person("anna", "", first, lead), bert, carl}))
		for n, v := range versions {
			if got := e.user(t, n).Version; got != v {
				t.Errorf("%s written again without a change: version %d → %d", n, v, got)
			}
		}
	})

	t.Run("a bad entry fails alone", func(t *testing.T) {
		e := newEnv(t, cat, nil)
		errs := e.syncBatch(t,
			person("anna", "", first, nil),
			person("gus", "olga", nil, nil), // olga fails below
			person("not a name!", "", nil, nil),
			person("olga", "", nil, []string{"no-such-role"}),
			person("hans", "olga", facility, nil),
			person("ida", "anna", nil, nil),
		)
		for i, bad := range []bool{false, false, true, true, false, false} {
			switch {
			case bad && fault.KindOf(errs[i]) != fault.Invalid:
				t.Errorf("person %d: %v, want invalid", i, errs[i])
			case !bad && errs[i] != nil:
				t.Errorf("person %d: %v", i, errs[i])
			}
		}
		all := e.checkLists(t)
		if got := names(all); !slices.Equal(got, []string{"anna", "gus", "hans", "ida"}) {
			t.Errorf("users %v", got)
		}
		for name, manager := range map[string]string{"gus": "", "hans": "", "ida": "anna"} {
			if got := e.user(t, name).Manager; got != manager {
				t.Errorf("%s's manager %q, want %q (a manager must be a user)", name, got, manager)
			}
		}
	})

	t.Run("a local account keeps its name", func(t *testing.T) {
		e := newEnv(t, cat, nil)
		e.createUser(t, auth.NewUser{Name: "bob", DisplayName: "Bob local", Password: "Sommerfest-2026"})
		errs := e.syncBatch(t, person("anna", "", nil, nil), person("bob", "", first, nil))
		if errs[0] != nil || !errors.Is(errs[1], auth.ErrLocalAccount) {
			t.Errorf("errors %v, want none for anna and a local account for bob", errs)
		}
		if u := e.user(t, "bob"); u.Source != "" || u.DisplayName != "Bob local" || len(u.Teams) != 0 {
			t.Errorf("bob %+v, want the local account untouched", u)
		}
		e.login(t, "bob", "Sommerfest-2026")
	})

	t.Run("the same name twice in a batch", func(t *testing.T) {
		e := newEnv(t, cat, nil)
		noErrors(t, e.syncBatch(t, person("anna", "", first, nil), person("ANNA", "", facility, nil)))
		if u := e.user(t, "anna"); !slices.Equal(u.Teams, facility) {
			t.Errorf("anna's teams %v, want the later entry's", u.Teams)
		}
		e.checkLists(t)
	})

	t.Run("writes since the run began are not overwritten blindly", func(t *testing.T) {
		dir := &fakeDirectory{people: map[string]fakePerson{
			"fritz": {"fritz-pw", auth.DirectoryPerson{Login: "fritz", DisplayName: "Fritz", Teams: first}},
		}}
		e := newEnv(t, cat, func(c *auth.Config) { c.Directory = dir })
		noErrors(t, e.syncBatch(t, person("anna", "", first, nil)))
		run, err := e.svc.NewDirectorySync(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Meanwhile fritz signs in for the first time and an
		// administrator moves anna: the run's user records are stale.
		e.login(t, "fritz", "fritz-pw")
		anna := e.user(t, "anna")
		if _, err := e.svc.UpdateUser(ctx, "anna", anna.Version, auth.UserChange{Teams: &facility}); err != nil {
			t.Fatal(err)
		}
		noErrors(t, run.Sync(ctx, []*auth.DirectoryPerson{person("anna", "", first, lead), person("gus", "", nil, nil), person("fritz", "", facility, nil), person("hans", "fritz", nil, nil)}))
		if u := e.user(t, "anna"); !slices.Equal(u.Teams, first) || !slices.Equal(u.Roles, lead) || u.Version != anna.Version+2 {
			t.Errorf("anna %+v, want the directory's team and role written over the administrator's change", u)
		}
		if u := e.user(t, "fritz"); !slices.Equal(u.Teams, facility) || u.DisplayName != "Name of fritz" {
			t.Errorf("fritz %+v, want the directory's listing", u)
		}
		if u := e.user(t, "hans"); u.Manager != "fritz" {
			t.Errorf("hans %+v, want made after fritz's insert failed, with fritz as manager", u)
		}
		e.checkLists(t)
	})

	t.Run("people who left are disabled, never deleted", func(t *testing.T) {
		e := newEnv(t, cat, nil)
		e.createUser(t, auth.NewUser{Name: "root", Roles: []string{"admin"}, Password: "Sommerfest-2026"})
		noErrors(t, e.syncBatch(t, person("anna", "", first, nil), person("bert", "", first, nil), person("carl", "", nil, nil), person("dora", "", nil, nil)))
		run, err := e.svc.NewDirectorySync(ctx)
		if err != nil {
			t.Fatal(err)
		}
		noErrors(t, run.Sync(ctx, []*auth.DirectoryPerson{person("anna", "", first, nil)}))
		// dora is changed after the run read her: the next run decides.
		e.clock.Advance(time.Minute)
		if _, err := e.svc.UpdateUser(ctx, "dora", 1, auth.UserChange{Lang: new("en")}); err != nil {
			t.Fatal(err)
		}
		disabled, err := run.DisableUsersExcept(ctx, map[string]bool{"anna": true, "carl": true})
		if err != nil || !slices.Equal(disabled, []string{"bert"}) {
			t.Fatalf("disabled %v, %v; want bert", disabled, err)
		}
		for name, want := range map[string]bool{"root": false, "anna": false, "bert": true, "carl": false, "dora": false} {
			if got := e.user(t, name).Disabled; got != want {
				t.Errorf("%s disabled = %v, want %v", name, got, want)
			}
		}
		if got := e.members(t, auth.GroupTeam, "first-level"); !slices.Equal(got, []string{"anna", "bert"}) {
			t.Errorf("first-level %v: a disabled user stays a member", got)
		}
	})

	t.Run("a change made while a run goes on", func(t *testing.T) {
		e := newEnv(t, cat, nil)
		run, err := e.svc.NewDirectorySync(ctx)
		if err != nil {
			t.Fatal(err)
		}
		noErrors(t, run.Sync(ctx, []*auth.DirectoryPerson{person("anna", "", first, nil)}))
		// An administrator moves anna out of a list the run wrote with her
		// in it. The lists stay true to the records whatever the run does
		// with her next, and the next run gives her the directory's team.
		if _, err := e.svc.UpdateUser(ctx, "anna", 1, auth.UserChange{Teams: &facility}); err != nil {
			t.Fatal(err)
		}
		noErrors(t, run.Sync(ctx, []*auth.DirectoryPerson{person("anna", "", first, nil)}))
		e.checkLists(t)
		noErrors(t, e.syncBatch(t, person("anna", "", first, nil)))
		if got := e.members(t, auth.GroupTeam, "first-level"); !slices.Equal(got, []string{"anna"}) {
			t.Errorf("first-level after the next run: %v, want anna", got)
		}
		e.checkLists(t)
	})
}

// TestDirectorySyncDuringLogins: people sign in for the first time while a
// sync makes their users in batches; every person ends up one user, and
// every member list holds exactly the users whose records say so.
func TestDirectorySyncDuringLogins(t *testing.T) {
	cat := compileCatalog(t, testCatalogYAML)
	const people = 120
	teams := [][]string{first, facility, {"second-level"}, nil}
	dir := &fakeDirectory{people: map[string]fakePerson{}}
	var listing []*auth.DirectoryPerson
	for i := range people {
		login := fmt.Sprintf("p%03d", i)
		listing = append(listing, person(login, fmt.Sprintf("p%03d", i/10*10), teams[i%4], nil))
		// The directory answers logins with another team than the
		// listing: both writers move the person's lists.
		dir.people[login] = fakePerson{login + "-pw", *person(login, "", teams[(i+1)%4], lead)}
	}
	e := newEnv(t, cat, func(c *auth.Config) { c.Directory = dir })
	ctx := t.Context()
	run, err := e.svc.NewDirectorySync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for start := 0; start < people; start += 25 {
			noErrors(t, run.Sync(ctx, listing[start:min(start+25, people)]))
		}
	})
	for g := range 3 {
		wg.Go(func() {
			for i := g; i < people; i += 3 {
				login := fmt.Sprintf("p%03d", i)
				if _, err := e.svc.Login(ctx, login, login+"-pw", fmt.Sprintf("198.51.100.%d", 10+g)); err != nil {
					t.Errorf("login %s during the sync: %v", login, err)
				}
			}
		})
	}
	wg.Wait()
	if all := e.checkLists(t); len(all) != people {
		t.Errorf("%d users, want %d", len(all), people)
	}
}
