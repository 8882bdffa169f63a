package auth_test

import (
	"errors"
	"testing"
	"time"

	"vorgang/core/auth"
)

// TestTokenCacheAcrossInstances: a change one Service makes (another
// instance on the same database) reaches another Service's token
// authentication once DefaultTokenCacheFor has passed, not before the
// other Service's own writes or the clock say so. Within one Service a
// change takes effect at once (TestAPITokenChangesAtOnce in core/web/api).
func TestTokenCacheAcrossInstances(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(t *testing.T, e *env, tok *auth.Token)
		// refused: the token no longer authenticates; otherwise the
		// principal is no longer an administrator.
		refused bool
	}{
		{name: "token revoked", refused: true, change: func(t *testing.T, e *env, tok *auth.Token) {
			if err := e.svc.RevokeToken(t.Context(), "ops", tok.ID); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "user disabled", refused: true, change: func(t *testing.T, e *env, _ *auth.Token) {
			u, err := e.svc.User(t.Context(), "ops")
			if err != nil {
				t.Fatal(err)
			}
			yes := true
			if _, err := e.svc.UpdateUser(t.Context(), "ops", u.Version, auth.UserChange{Disabled: &yes}); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "role taken away", change: func(t *testing.T, e *env, _ *auth.Token) {
			u, err := e.svc.User(t.Context(), "ops")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.UpdateUser(t.Context(), "ops", u.Version, auth.UserChange{Roles: &[]string{}}); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil, nil)
			other := e.service(t, nil, nil)
			ctx := t.Context()
			e.createUser(t, auth.NewUser{Name: "ops", Roles: []string{auth.RoleAdmin}})
			secret, tok, err := e.svc.CreateToken(ctx, "ops", "automation", time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			// The first use stamps the token (a write of other's own); the
			// second is remembered.
			for range 2 {
				if p, err := other.AuthenticateToken(ctx, secret); err != nil || !p.Admin {
					t.Fatalf("before: %+v, %v", p, err)
				}
			}
			tt.change(t, e, tok)
			if p, err := e.svc.AuthenticateToken(ctx, secret); tt.refused != (err != nil) || (err == nil && p.Admin) {
				t.Errorf("the instance that made the change: %+v, %v", p, err)
			}
			// The other instance has not read since: within the bound it
			// may still use what it read.
			if p, err := other.AuthenticateToken(ctx, secret); err != nil || !p.Admin {
				t.Errorf("other instance within %s: %+v, %v; want what it read before", auth.DefaultTokenCacheFor, p, err)
			}
			e.clock.Advance(auth.DefaultTokenCacheFor)
			p, err := other.AuthenticateToken(ctx, secret)
			switch {
			case tt.refused && !errors.Is(err, auth.ErrUnauthenticated):
				t.Errorf("other instance after %s: %+v, %v; want ErrUnauthenticated", auth.DefaultTokenCacheFor, p, err)
			case !tt.refused && (err != nil || p.Admin):
				t.Errorf("other instance after %s: %+v, %v; want no administrator", auth.DefaultTokenCacheFor, p, err)
			}
		})
	}
}
