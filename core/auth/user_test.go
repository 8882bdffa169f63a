package auth_test

import (
	"errors"
	"slices"
	"sync"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/fault"
)

// fieldCodes returns "field:code" for every field error in err.
func fieldCodes(err error) []string {
	var ve *fault.Error
	if !errors.As(err, &ve) {
		return nil
	}
	var out []string
	for _, f := range ve.Fields {
		out = append(out, f.Field+":"+f.Code)
	}
	return out
}

func TestCreateUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t, compileCatalog(t, testCatalogYAML), nil)
	e.createUser(t, auth.NewUser{Name: "boss", DisplayName: "Die Chefin"})
	e.createUser(t, auth.NewUser{Name: "taken"})

	cases := []struct {
		name    string
		in      auth.NewUser
		wantErr error
		codes   []string // field:code, for fault.Invalid
		check   func(t *testing.T, u *auth.User)
	}{
		{name: "full record", in: auth.NewUser{Name: "k.mueller", DisplayName: "Katrin Müller", Email: "k.mueller@example.org",
			Roles: []string{"lead", "agent", "lead"}, Teams: []string{"first-level"}, Manager: "boss", Password: "correct horse battery"},
			check: func(t *testing.T, u *auth.User) {
				if !slices.Equal(u.Roles, []string{"agent", "lead"}) || !slices.Equal(u.Teams, []string{"first-level"}) {
					t.Errorf("roles %v teams %v, want sorted without duplicates", u.Roles, u.Teams)
				}
				if u.Version != 1 || u.Created.IsZero() || u.PasswordHash == "" || u.Manager != "boss" {
					t.Errorf("got %+v", u)
				}
			}},
		{name: "name is normalized", in: auth.NewUser{Name: "  J.Schulze "},
			check: func(t *testing.T, u *auth.User) {
				if u.Name != "j.schulze" || u.DisplayName != "j.schulze" {
					t.Errorf("name %q display %q, want j.schulze for both", u.Name, u.DisplayName)
				}
			}},
		{name: "no password", in: auth.NewUser{Name: "integration-bot"},
			check: func(t *testing.T, u *auth.User) {
				if u.PasswordHash != "" {
					t.Error("user without password has a hash")
				}
			}},
		{name: "built-in admin role needs no definition", in: auth.NewUser{Name: "root", Roles: []string{"admin"}}},
		{name: "duplicate", in: auth.NewUser{Name: "Taken"}, wantErr: auth.ErrUserExists},
		{name: "empty name", in: auth.NewUser{Name: " "}, wantErr: fault.Invalid, codes: []string{"name:required"}},
		{name: "name with umlaut", in: auth.NewUser{Name: "müller"}, wantErr: fault.Invalid, codes: []string{"name:invalid_format"}},
		{name: "name with slash", in: auth.NewUser{Name: "a/b"}, wantErr: fault.Invalid, codes: []string{"name:invalid_format"}},
		{name: "name starting with a dot", in: auth.NewUser{Name: ".hidden"}, wantErr: fault.Invalid, codes: []string{"name:invalid_format"}},
		{name: "name too long", in: auth.NewUser{Name: "a234567890123456789012345678901234567890123456789012345678901234x"},
			wantErr: fault.Invalid, codes: []string{"name:too_long"}},
		{name: "every problem at once", in: auth.NewUser{Name: "ok-name", DisplayName: "bad\x07", Email: "Katrin <k@example.org>",
			Roles: []string{"nope", "Bad Role"}, Teams: []string{"ghosts"}, Manager: "nobody", Password: "short"},
			wantErr: fault.Invalid, codes: []string{"display_name:invalid_format", "email:invalid_format",
				"roles:invalid_format", "roles:unknown_role", "teams:unknown_team", "manager:unknown_user", "password:too_short"}},
		{name: "email without domain dot", in: auth.NewUser{Name: "x", Email: "x@localhost"}, wantErr: fault.Invalid, codes: []string{"email:invalid_format"}},
		{name: "own manager", in: auth.NewUser{Name: "selfish", Manager: "Selfish"}, wantErr: fault.Invalid, codes: []string{"manager:self_reference"}},
		{name: "mails in English", in: auth.NewUser{Name: "emma", Lang: "en"},
			check: func(t *testing.T, u *auth.User) {
				if u.Lang != "en" {
					t.Errorf("lang %q, want en", u.Lang)
				}
			}},
		{name: "a language vorgang does not speak", in: auth.NewUser{Name: "pierre", Lang: "fr"}, wantErr: fault.Invalid, codes: []string{"lang:invalid_format"}},
		{name: "password equal to name", in: auth.NewUser{Name: "longname1", Password: "LongName1"}, wantErr: fault.Invalid, codes: []string{"password:invalid_format"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u, err := e.svc.CreateUser(t.Context(), c.in)
			if c.wantErr != nil {
				if !errors.Is(err, c.wantErr) {
					t.Fatalf("CreateUser: %v, want %v", err, c.wantErr)
				}
				if got := fieldCodes(err); !slices.Equal(got, c.codes) {
					t.Errorf("field codes %v, want %v", got, c.codes)
				}
				return
			}
			if err != nil {
				t.Fatalf("CreateUser: %v", err)
			}
			got, err := e.svc.User(t.Context(), u.Name)
			if err != nil {
				t.Fatalf("User(%s): %v", u.Name, err)
			}
			if got.Name != u.Name || got.Version != u.Version || !got.Created.Equal(u.Created) || got.PasswordHash != u.PasswordHash {
				t.Errorf("stored %+v, created %+v", got, u)
			}
			if c.check != nil {
				c.check(t, got)
			}
		})
	}

	t.Run("unknown user", func(t *testing.T) {
		for _, name := range []string{"ghost", "in/valid", ""} {
			if _, err := e.svc.User(t.Context(), name); !errors.Is(err, auth.ErrUserNotFound) {
				t.Errorf("User(%q): %v, want ErrUserNotFound", name, err)
			}
		}
	})
}

func TestUpdateUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t, compileCatalog(t, testCatalogYAML), nil)
	ctx := t.Context()
	u := e.createUser(t, auth.NewUser{Name: "k.mueller", Roles: []string{"agent"}})

	roles := []string{"lead", "agent"}
	teams := []string{"second-level"}
	disabled := true
	u2, err := e.svc.UpdateUser(ctx, u.Name, u.Version, auth.UserChange{Roles: &roles, Teams: &teams, Disabled: &disabled})
	if err != nil {
		t.Fatalf("UpdateUser: %v", err)
	}
	got, err := e.svc.User(ctx, u.Name)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || u2.Version != 2 || !slices.Equal(got.Roles, []string{"agent", "lead"}) ||
		!slices.Equal(got.Teams, teams) || !got.Disabled {
		t.Errorf("after update: %+v", got)
	}

	t.Run("stale version", func(t *testing.T) {
		name := "stale"
		_, err := e.svc.UpdateUser(ctx, u.Name, u.Version, auth.UserChange{DisplayName: &name})
		if !errors.Is(err, fault.Conflict) {
			t.Errorf("UpdateUser with version 1: %v, want fault.Conflict", err)
		}
	})

	t.Run("invalid change", func(t *testing.T) {
		bad := []string{"nope"}
		_, err := e.svc.UpdateUser(ctx, u.Name, got.Version, auth.UserChange{Roles: &bad})
		if got := fieldCodes(err); !slices.Equal(got, []string{"roles:unknown_role"}) {
			t.Errorf("UpdateUser: %v (codes %v), want roles:unknown_role", err, got)
		}
	})

	t.Run("unknown user", func(t *testing.T) {
		if _, err := e.svc.UpdateUser(ctx, "ghost", 1, auth.UserChange{}); !errors.Is(err, auth.ErrUserNotFound) {
			t.Errorf("UpdateUser: %v, want ErrUserNotFound", err)
		}
	})

	t.Run("unchanged stale role does not block an edit", func(t *testing.T) {
		// Written by an older catalog that had the role "retired".
		old := compileCatalog(t, testCatalogYAML+"---\napiVersion: vorgang/v1\nkind: Role\nid: retired\ntitle: Retired\n")
		v, err := e.service(t, old, nil).CreateUser(ctx, auth.NewUser{Name: "veteran", Roles: []string{"retired"}})
		if err != nil {
			t.Fatal(err)
		}
		name := "Veteran"
		if _, err := e.svc.UpdateUser(ctx, v.Name, v.Version, auth.UserChange{DisplayName: &name}); err != nil {
			t.Errorf("UpdateUser of the display name: %v", err)
		}
	})

	t.Run("concurrent updates of one version", func(t *testing.T) {
		cur, err := e.svc.User(ctx, u.Name)
		if err != nil {
			t.Fatal(err)
		}
		const writers = 8
		var wg sync.WaitGroup
		errs := make([]error, writers)
		for i := range writers {
			wg.Go(func() {
				name := "writer " + string(rune('A'+i))
				_, errs[i] = e.svc.UpdateUser(ctx, u.Name, cur.Version, auth.UserChange{DisplayName: &name})
			})
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, fault.Conflict):
				t.Errorf("UpdateUser: %v", err)
			}
		}
		if wins != 1 {
			t.Errorf("%d writers won, want exactly 1", wins)
		}
		after, err := e.svc.User(ctx, u.Name)
		if err != nil {
			t.Fatal(err)
		}
		if after.Version != cur.Version+1 {
			t.Errorf("version %d, want %d", after.Version, cur.Version+1)
		}
	})
}
