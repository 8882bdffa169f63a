package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/store"
)

// sessionVersion returns the version of the session document of token, or
// -1 if there is none.
func sessionVersion(t *testing.T, e *env, token string) int64 {
	t.Helper()
	var d struct {
		Version int64 `bson:"version"`
	}
	err := e.store.Get(t.Context(), auth.SessionsCollection, sha256Hex(token), &d)
	if errors.Is(err, store.ErrNotFound) {
		return -1
	}
	if err != nil {
		t.Fatal(err)
	}
	return d.Version
}

func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	const (
		idle     = auth.DefaultSessionIdle
		lifetime = auth.DefaultSessionLifetime
		touch    = auth.DefaultTouchInterval
	)
	// Each case logs in, then for each step advances the clock and
	// authenticates, expecting success or ErrUnauthenticated.
	type step struct {
		advance time.Duration
		ok      bool
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"fresh session", []step{{0, true}}},
		{"just before the idle timeout", []step{{idle - time.Millisecond, true}}},
		{"idle timeout", []step{{idle, false}}},
		{"use keeps it alive", []step{{idle - time.Hour, true}, {idle - time.Hour, true}, {idle - time.Hour, true}}},
		{"use within the touch interval is not recorded", []step{{touch - time.Second, true}, {idle - touch + 2*time.Second, false}}},
		{"absolute lifetime ends a busy session", func() []step {
			var s []step
			for elapsed := time.Duration(0); elapsed+4*time.Hour < lifetime; elapsed += 4 * time.Hour {
				s = append(s, step{4 * time.Hour, true})
			}
			return append(s, step{4 * time.Hour, false})
		}()},
		{"expired stays expired", []step{{idle, false}, {0, false}}},
	}
	e := newEnv(t, nil, nil)
	e.createUser(t, auth.NewUser{Name: "k.mueller", Password: "correct horse battery"})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := e.login(t, "k.mueller", "correct horse battery")
			for i, st := range c.steps {
				e.clock.Advance(st.advance)
				_, err := e.svc.Authenticate(t.Context(), s.Token)
				if st.ok && err != nil {
					t.Fatalf("step %d: Authenticate: %v", i, err)
				}
				if !st.ok {
					if !errors.Is(err, auth.ErrUnauthenticated) {
						t.Fatalf("step %d: Authenticate: %v, want ErrUnauthenticated", i, err)
					}
					if v := sessionVersion(t, e, s.Token); v != -1 {
						t.Errorf("step %d: expired session still stored (version %d)", i, v)
					}
				}
			}
		})
	}
}

func TestSessionTouchedRarely(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	e.createUser(t, auth.NewUser{Name: "k.mueller", Password: "correct horse battery"})
	s := e.login(t, "k.mueller", "correct horse battery")
	for range 20 {
		e.clock.Advance(10 * time.Second)
		if _, err := e.svc.Authenticate(t.Context(), s.Token); err != nil {
			t.Fatal(err)
		}
	}
	if v := sessionVersion(t, e, s.Token); v != 1 {
		t.Errorf("20 requests within the touch interval wrote the session: version %d, want 1", v)
	}
	e.clock.Advance(auth.DefaultTouchInterval)
	if _, err := e.svc.Authenticate(t.Context(), s.Token); err != nil {
		t.Fatal(err)
	}
	if v := sessionVersion(t, e, s.Token); v != 2 {
		t.Errorf("after the touch interval: version %d, want 2", v)
	}
}

func TestSessionEnd(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	const pw = "correct horse battery"
	cases := []struct {
		name string
		end  func(t *testing.T, e *env, token string)
	}{
		{"logout", func(t *testing.T, e *env, token string) {
			if err := e.svc.Logout(ctx, token); err != nil {
				t.Fatal(err)
			}
		}},
		{"revoke all sessions", func(t *testing.T, e *env, token string) {
			if err := e.svc.RevokeSessions(ctx, "k.mueller"); err != nil {
				t.Fatal(err)
			}
		}},
		{"password change", func(t *testing.T, e *env, token string) {
			if err := e.svc.SetPassword(ctx, "k.mueller", "another long password"); err != nil {
				t.Fatal(err)
			}
		}},
		{"disable and enable again", func(t *testing.T, e *env, token string) {
			u, err := e.svc.User(ctx, "k.mueller")
			if err != nil {
				t.Fatal(err)
			}
			yes, no := true, false
			u, err = e.svc.UpdateUser(ctx, u.Name, u.Version, auth.UserChange{Disabled: &yes})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.UpdateUser(ctx, u.Name, u.Version, auth.UserChange{Disabled: &no}); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, nil, nil)
			e.createUser(t, auth.NewUser{Name: "k.mueller", Password: pw})
			e.createUser(t, auth.NewUser{Name: "other", Password: pw})
			mine := e.login(t, "k.mueller", pw)
			theirs := e.login(t, "other", pw)
			c.end(t, e, mine.Token)
			if _, err := e.svc.Authenticate(ctx, mine.Token); !errors.Is(err, auth.ErrUnauthenticated) {
				t.Errorf("Authenticate after %s: %v, want ErrUnauthenticated", c.name, err)
			}
			if v := sessionVersion(t, e, mine.Token); v != -1 {
				t.Error("ended session still stored after it was presented")
			}
			if _, err := e.svc.Authenticate(ctx, theirs.Token); err != nil {
				t.Errorf("another user's session: %v", err)
			}
		})
	}

	t.Run("bad tokens", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		for _, token := range []string{"", "short", "vg_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
			"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+"} {
			if _, err := e.svc.Authenticate(ctx, token); !errors.Is(err, auth.ErrUnauthenticated) {
				t.Errorf("Authenticate(%q): %v, want ErrUnauthenticated", token, err)
			}
			if err := e.svc.Logout(ctx, token); err != nil {
				t.Errorf("Logout(%q): %v", token, err)
			}
		}
	})
}

func TestSweep(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	ctx := t.Context()
	const pw = "correct horse battery"
	e.createUser(t, auth.NewUser{Name: "k.mueller", Password: pw})
	old := e.login(t, "k.mueller", pw)
	e.clock.Advance(auth.DefaultSessionIdle - time.Hour)
	for range 3 {
		_, _ = e.svc.Login(ctx, "someone", "guess", testClient)
	}
	fresh := e.login(t, "k.mueller", pw)

	// Nothing expired yet.
	if r, err := e.svc.Sweep(ctx); err != nil || r != (auth.SweepResult{}) {
		t.Fatalf("Sweep = %+v, %v; want nothing deleted", r, err)
	}
	e.clock.Advance(time.Hour)
	r, err := e.svc.Sweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The three counters of someone's failures (from the address, of the
	// name, of the name from the address) have forgotten them; the
	// counter that makes the address known to k.mueller stays.
	if r != (auth.SweepResult{Sessions: 1, LoginFailures: 3}) {
		t.Errorf("Sweep = %+v, want one session and three failure counters", r)
	}
	if sessionVersion(t, e, old.Token) != -1 || sessionVersion(t, e, fresh.Token) == -1 {
		t.Error("Sweep deleted the wrong session")
	}
	if _, err := e.svc.Authenticate(context.Background(), fresh.Token); err != nil {
		t.Errorf("fresh session after Sweep: %v", err)
	}
}

// A reset link nobody used is deleted by the sweep once it expired; one
// still valid stays and works.
func TestSweepDeletesExpiredResetLinks(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	ctx := t.Context()
	e.createUser(t, auth.NewUser{Name: "vera"})
	e.createUser(t, auth.NewUser{Name: "walter"})
	old, err := e.svc.AdminResetLink(ctx, auth.CommandLine(), "vera")
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(auth.ResetLinkTTL - time.Hour)
	fresh, err := e.svc.AdminResetLink(ctx, auth.CommandLine(), "walter")
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Hour)
	r, err := e.svc.Sweep(ctx)
	if err != nil || r.ResetLinks != 1 {
		t.Fatalf("Sweep = %+v, %v; want one reset link deleted", r, err)
	}
	if _, err := e.svc.CheckResetLink(ctx, old.Token); err == nil {
		t.Error("the expired link still works")
	}
	if name, err := e.svc.CheckResetLink(ctx, fresh.Token); err != nil || name != "walter" {
		t.Errorf("the valid link after the sweep: %q, %v", name, err)
	}
}
