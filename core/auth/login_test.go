package auth_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/fault"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	const pw = "correct horse battery"
	e.createUser(t, auth.NewUser{Name: "k.mueller", DisplayName: "Katrin Müller", Password: pw})
	e.createUser(t, auth.NewUser{Name: "no-password"})
	e.createUser(t, auth.NewUser{Name: "gone", Password: pw})
	gone, err := e.svc.User(t.Context(), "gone")
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	if _, err := e.svc.UpdateUser(t.Context(), "gone", gone.Version, auth.UserChange{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name, user, password string
		wantErr              error // nil: success
	}{
		{"success", "k.mueller", pw, nil},
		{"name in other case and spaces", " K.Mueller ", pw, nil},
		{"wrong password", "k.mueller", "correct horse", auth.ErrInvalidCredentials},
		{"empty password", "k.mueller", "", auth.ErrInvalidCredentials},
		{"unknown user", "nobody", pw, auth.ErrInvalidCredentials},
		{"malformed user name", "no/body", pw, auth.ErrInvalidCredentials},
		{"user without password", "no-password", "", auth.ErrInvalidCredentials},
		{"disabled user, right password", "gone", pw, auth.ErrUserDisabled},
		{"disabled user, wrong password", "gone", "guess", auth.ErrInvalidCredentials},
		{"password over the length limit", "k.mueller", strings.Repeat("x", 2000), auth.ErrInvalidCredentials},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := e.svc.Login(t.Context(), c.user, c.password, testClient)
			if c.wantErr != nil {
				if !errors.Is(err, c.wantErr) {
					t.Fatalf("Login: %v, want %v", err, c.wantErr)
				}
				if c.wantErr == auth.ErrInvalidCredentials && err != auth.ErrInvalidCredentials {
					// The exact same value for every cause: nothing to tell them apart by.
					t.Errorf("Login: %q, want the bare ErrInvalidCredentials", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Login: %v", err)
			}
			if s.User != "k.mueller" || len(s.Token) != 43 || !s.Expires.Equal(s.Created.Add(auth.DefaultSessionLifetime)) {
				t.Errorf("session %+v", s)
			}
			p, err := e.svc.Authenticate(t.Context(), s.Token)
			if err != nil {
				t.Fatalf("Authenticate: %v", err)
			}
			if p.User != "k.mueller" || p.Display != "Katrin Müller" {
				t.Errorf("principal %+v", p)
			}
			// Only the token's hash is stored.
			var doc map[string]any
			if err := e.store.Get(t.Context(), auth.SessionsCollection, sha256Hex(s.Token), &doc); err != nil {
				t.Errorf("session document by SHA-256 of the token: %v", err)
			}
			if err := e.store.Get(t.Context(), auth.SessionsCollection, s.Token, &doc); err == nil {
				t.Error("a session document has the plain token as _id")
			}
		})
	}

	t.Run("failures counted for known and unknown names", func(t *testing.T) {
		// Six failures from one address, one over the free five: the next
		// attempt has to wait, for every name alike.
		for i, name := range []string{"k.mueller", "nobody", "no-password", "gone"} {
			client := fmt.Sprintf("192.0.2.%d", i+1)
			for range 6 {
				if _, err := e.svc.Login(t.Context(), name, "wrong", client); !errors.Is(err, auth.ErrInvalidCredentials) {
					t.Fatalf("%s: %v", name, err)
				}
			}
			if _, err := e.svc.Login(t.Context(), name, "wrong", client); !errors.Is(err, auth.ErrThrottled) {
				t.Errorf("%s: %v, want ErrThrottled", name, err)
			}
		}
	})
}

func TestRehashOnLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	ctx := t.Context()
	const pw = "correct horse battery"
	e.createUser(t, auth.NewUser{Name: "k.mueller", Password: pw})
	before, err := e.svc.User(ctx, "k.mueller")
	if err != nil {
		t.Fatal(err)
	}

	stronger := fastParams
	stronger.Time = 2
	stronger.MemoryKiB = 128
	svc := e.service(t, nil, func(c *auth.Config) { c.Password = stronger })

	cases := []struct {
		name       string
		password   string
		wantRehash bool
	}{
		{"wrong password keeps the old hash", "wrong password", false},
		{"login with old parameters rehashes", pw, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _ = svc.Login(ctx, "k.mueller", c.password, testClient)
			u, err := svc.User(ctx, "k.mueller")
			if err != nil {
				t.Fatal(err)
			}
			if got := stronger.Matches(u.PasswordHash); got != c.wantRehash {
				t.Errorf("hash uses new parameters = %v, want %v (hash %s)", got, c.wantRehash, u.PasswordHash)
			}
			if !c.wantRehash && u.PasswordHash != before.PasswordHash {
				t.Error("hash changed")
			}
		})
	}
	t.Run("new hash verifies", func(t *testing.T) {
		if _, err := svc.Login(ctx, "k.mueller", pw, testClient); err != nil {
			t.Errorf("Login after rehash: %v", err)
		}
		if _, err := e.svc.Login(ctx, "k.mueller", pw, testClient); err != nil {
			t.Errorf("Login with the old service (downgrades again): %v", err)
		}
	})
}

func TestSetPassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	ctx := t.Context()
	e.createUser(t, auth.NewUser{Name: "k.mueller", Password: "first password"})
	s := e.login(t, "k.mueller", "first password")

	cases := []struct {
		name, user, password string
		wantErr              error
	}{
		{"too short", "k.mueller", "short", fault.Invalid},
		{"unknown user", "ghost", "long enough password", auth.ErrUserNotFound},
		{"new password", "k.mueller", "second password", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := e.svc.SetPassword(ctx, c.user, c.password); !errors.Is(err, c.wantErr) {
				t.Errorf("SetPassword: %v, want %v", err, c.wantErr)
			}
		})
	}
	if _, err := e.svc.Login(ctx, "k.mueller", "first password", testClient); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Errorf("Login with the old password: %v", err)
	}
	e.login(t, "k.mueller", "second password")
	if _, err := e.svc.Authenticate(ctx, s.Token); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("session from before the password change: %v, want ErrUnauthenticated", err)
	}
}
