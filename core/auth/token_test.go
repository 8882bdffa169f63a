package auth_test

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/fault"
)

func TestTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, func(c *auth.Config) { c.MaxTokensPerUser = 12 })
	ctx := t.Context()
	e.createUser(t, auth.NewUser{Name: "monitoring", DisplayName: "Monitoring"})
	e.createUser(t, auth.NewUser{Name: "other"})

	secret, tok, err := e.svc.CreateToken(ctx, "monitoring", "uptime checks", time.Time{})
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	if !strings.HasPrefix(secret, "vg_") || len(secret) != 46 || tok.ID != sha256Hex(secret) || tok.Name != "uptime checks" {
		t.Fatalf("CreateToken = %q, %+v", secret, tok)
	}
	var stored map[string]any
	if err := e.store.Get(ctx, auth.TokensCollection, secret, &stored); err == nil {
		t.Error("a token document has the plain secret as _id")
	}

	t.Run("authenticate", func(t *testing.T) {
		p, err := e.svc.AuthenticateToken(ctx, secret)
		if err != nil {
			t.Fatalf("AuthenticateToken: %v", err)
		}
		if p.User != "monitoring" || p.Display != "Monitoring" {
			t.Errorf("principal %+v", p)
		}
	})

	t.Run("refused", func(t *testing.T) {
		for name, s := range map[string]string{
			"empty":            "",
			"no prefix":        strings.TrimPrefix(secret, "vg_"),
			"session-like":     secret[3:],
			"one char changed": secret[:len(secret)-1] + map[bool]string{true: "A", false: "B"}[!strings.HasSuffix(secret, "A")],
			"truncated":        secret[:len(secret)-1],
		} {
			if _, err := e.svc.AuthenticateToken(ctx, s); !errors.Is(err, auth.ErrUnauthenticated) {
				t.Errorf("%s: AuthenticateToken: %v, want ErrUnauthenticated", name, err)
			}
		}
		if _, err := e.svc.Authenticate(ctx, secret); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("API token as session token: %v, want ErrUnauthenticated", err)
		}
	})

	t.Run("invalid input", func(t *testing.T) {
		cases := []struct {
			name, user, token string
			expires           time.Time
			wantErr           error
			codes             []string
		}{
			{"no name", "monitoring", " ", time.Time{}, fault.Invalid, []string{"name:required"}},
			{"name too long", "monitoring", strings.Repeat("x", 101), time.Time{}, fault.Invalid, []string{"name:too_long"}},
			{"expired already", "monitoring", "late", e.clock.Now().Add(-time.Minute), fault.Invalid, []string{"expires:in_past"}},
			{"unknown user", "ghost", "x", time.Time{}, auth.ErrUserNotFound, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, _, err := e.svc.CreateToken(ctx, c.user, c.token, c.expires)
				if !errors.Is(err, c.wantErr) {
					t.Fatalf("CreateToken: %v, want %v", err, c.wantErr)
				}
				if got := fieldCodes(err); !slices.Equal(got, c.codes) {
					t.Errorf("codes %v, want %v", got, c.codes)
				}
			})
		}
	})

	t.Run("expiry", func(t *testing.T) {
		s, _, err := e.svc.CreateToken(ctx, "monitoring", "one hour", e.clock.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AuthenticateToken(ctx, s); err != nil {
			t.Fatalf("before expiry: %v", err)
		}
		e.clock.Advance(time.Hour)
		if _, err := e.svc.AuthenticateToken(ctx, s); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("at expiry: %v, want ErrUnauthenticated", err)
		}
		list, err := e.svc.ListTokens(ctx, "monitoring")
		if err != nil {
			t.Fatal(err)
		}
		expired := map[string]bool{}
		for _, tok := range list {
			expired[tok.Name] = tok.Expired(e.clock.Now())
		}
		if len(list) != 2 || !expired["one hour"] || expired["uptime checks"] {
			t.Errorf("ListTokens = %+v, want the expired token listed as expired", list)
		}
		if _, err := e.svc.AuthenticateToken(ctx, secret); err != nil {
			t.Errorf("the token without expiry: %v", err)
		}
	})

	t.Run("concurrent creates are all listed", func(t *testing.T) {
		var wg sync.WaitGroup
		ids := make([]string, 8)
		for i := range ids {
			wg.Go(func() {
				_, tok, err := e.svc.CreateToken(ctx, "other", "worker", time.Time{})
				if err != nil {
					t.Errorf("CreateToken: %v", err)
					return
				}
				ids[i] = tok.ID
			})
		}
		wg.Wait()
		list, err := e.svc.ListTokens(ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, tok := range list {
			got = append(got, tok.ID)
		}
		slices.Sort(got)
		slices.Sort(ids)
		if !slices.Equal(got, ids) {
			t.Errorf("ListTokens ids %v, want %v", got, ids)
		}
	})

	t.Run("limit per user", func(t *testing.T) {
		for range 4 {
			if _, _, err := e.svc.CreateToken(ctx, "other", "more", time.Time{}); err != nil {
				t.Fatal(err)
			}
		}
		_, _, err := e.svc.CreateToken(ctx, "other", "one too many", time.Time{})
		if got := fieldCodes(err); !slices.Equal(got, []string{"tokens:too_many"}) {
			t.Errorf("13th token: %v, want tokens:too_many", err)
		}
	})

	t.Run("revoke", func(t *testing.T) {
		if err := e.svc.RevokeToken(ctx, "other", tok.ID); !errors.Is(err, auth.ErrTokenNotFound) {
			t.Errorf("revoking another user's token: %v, want ErrTokenNotFound", err)
		}
		if _, err := e.svc.AuthenticateToken(ctx, secret); err != nil {
			t.Fatalf("token after a refused revoke: %v", err)
		}
		if err := e.svc.RevokeToken(ctx, "monitoring", tok.ID); err != nil {
			t.Fatalf("RevokeToken: %v", err)
		}
		if _, err := e.svc.AuthenticateToken(ctx, secret); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("revoked token: %v, want ErrUnauthenticated", err)
		}
		if err := e.svc.RevokeToken(ctx, "monitoring", tok.ID); !errors.Is(err, auth.ErrTokenNotFound) {
			t.Errorf("revoking twice: %v, want ErrTokenNotFound", err)
		}
		list, err := e.svc.ListTokens(ctx, "monitoring")
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Name != "one hour" {
			t.Errorf("ListTokens after revoke = %+v", list)
		}
	})

	t.Run("disabled user", func(t *testing.T) {
		u, err := e.svc.User(ctx, "monitoring")
		if err != nil {
			t.Fatal(err)
		}
		s, _, err := e.svc.CreateToken(ctx, "monitoring", "before", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		yes, no := true, false
		u, err = e.svc.UpdateUser(ctx, u.Name, u.Version, auth.UserChange{Disabled: &yes})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AuthenticateToken(ctx, s); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("token of a disabled user: %v, want ErrUnauthenticated", err)
		}
		if _, _, err := e.svc.CreateToken(ctx, "monitoring", "while disabled", time.Time{}); !errors.Is(err, auth.ErrUserDisabled) {
			t.Errorf("CreateToken for a disabled user: %v, want ErrUserDisabled", err)
		} else if fault.KindOf(err) != fault.NotAllowedNow {
			// The admin asking is signed in: not an unauthenticated caller.
			t.Errorf("CreateToken for a disabled user: kind %q, want %q", fault.KindOf(err), fault.NotAllowedNow)
		}
		if _, err := e.svc.UpdateUser(ctx, u.Name, u.Version, auth.UserChange{Disabled: &no}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AuthenticateToken(ctx, s); err != nil {
			t.Errorf("token after the user is enabled again: %v", err)
		}
	})
}
