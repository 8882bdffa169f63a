package auth_test

import (
	"slices"
	"testing"

	"vorgang/core/auth"
)

func names(users []auth.User) []string {
	var out []string
	for _, u := range users {
		out = append(out, u.Name)
	}
	return out
}

func TestMembersAndListUsers(t *testing.T) {
	e := newEnv(t, nil, nil)
	ctx := t.Context()
	e.createUser(t, auth.NewUser{Name: "anna", Teams: []string{"it"}, Roles: []string{"agent"}, Password: "correct horse"})
	bob := e.createUser(t, auth.NewUser{Name: "bob", Teams: []string{"it"}})
	e.createUser(t, auth.NewUser{Name: "carl", Teams: []string{"hr"}})

	members := func(kind, id string) []string {
		t.Helper()
		users, err := e.svc.Members(ctx, kind, id)
		if err != nil {
			t.Fatal(err)
		}
		return names(users)
	}
	if got := members(auth.GroupTeam, "it"); !slices.Equal(got, []string{"anna", "bob"}) {
		t.Errorf("team it: %v", got)
	}
	if got := members(auth.GroupRole, "agent"); !slices.Equal(got, []string{"anna"}) {
		t.Errorf("role agent: %v", got)
	}
	hr := []string{"hr"}
	if _, err := e.svc.UpdateUser(ctx, "bob", bob.Version, auth.UserChange{Teams: &hr}); err != nil {
		t.Fatal(err)
	}
	if got := members(auth.GroupTeam, "it"); !slices.Equal(got, []string{"anna"}) {
		t.Errorf("team it after bob moved: %v", got)
	}
	if got := members(auth.GroupTeam, "hr"); !slices.Equal(got, []string{"bob", "carl"}) {
		t.Errorf("team hr after bob moved: %v", got)
	}
	if _, err := e.svc.Members(ctx, "colour", "red"); err == nil {
		t.Error("members of an unknown kind: no error")
	}

	all, err := e.svc.ListUsers(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names(all), []string{"anna", "bob", "carl"}) {
		t.Errorf("all users: %v", names(all))
	}
	for _, u := range all {
		if u.PasswordHash != "" {
			t.Errorf("%s listed with its password hash", u.Name)
		}
	}
	page, err := e.svc.ListUsers(ctx, "anna", 1)
	if err != nil || !slices.Equal(names(page), []string{"bob"}) {
		t.Errorf("page after anna: %v, %v", names(page), err)
	}
}

// Users stored before the member lists existed are found: the lists are
// filled from the users at first use.
func TestMembersOfOlderData(t *testing.T) {
	e := newEnv(t, nil, nil)
	ctx := t.Context()
	old := auth.User{Name: "olga", DisplayName: "Olga", Teams: []string{"it"}, Roles: []string{}, Version: 1}
	if err := e.store.Insert(ctx, auth.UsersCollection, old); err != nil {
		t.Fatal(err)
	}
	e.createUser(t, auth.NewUser{Name: "paul", Teams: []string{"it"}})
	users, err := e.svc.Members(ctx, auth.GroupTeam, "it")
	if err != nil {
		t.Fatal(err)
	}
	if got := names(users); !slices.Equal(got, []string{"olga", "paul"}) {
		t.Errorf("team it: %v", got)
	}
}

// Users restored from a backup made before the lists existed come without
// the mark, so the lists are filled again even where stale ones remain.
func TestMembersAfterUsersLostTheirMark(t *testing.T) {
	e := newEnv(t, nil, nil)
	ctx := t.Context()
	e.createUser(t, auth.NewUser{Name: "paul", Teams: []string{"it"}})
	if _, err := e.svc.Members(ctx, auth.GroupTeam, "it"); err != nil { // sets the mark
		t.Fatal(err)
	}
	if err := e.store.Delete(ctx, auth.UsersCollection, "_member_lists_v2"); err != nil {
		t.Fatal(err)
	}
	restored := auth.User{Name: "rita", DisplayName: "Rita", Teams: []string{"it"}, Roles: []string{}, Version: 1}
	if err := e.store.Insert(ctx, auth.UsersCollection, restored); err != nil {
		t.Fatal(err)
	}
	users, err := e.service(t, nil, nil).Members(ctx, auth.GroupTeam, "it")
	if err != nil {
		t.Fatal(err)
	}
	if got := names(users); !slices.Equal(got, []string{"paul", "rita"}) {
		t.Errorf("team it: %v", got)
	}
}
