package auth_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"vorgang/core/auth"
)

// failConcurrently runs n failing logins for name at once and fails the
// test on any error but ErrInvalidCredentials or ErrLocked.
func failConcurrently(t *testing.T, e *env, name string, n int) {
	t.Helper()
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			_, err := e.svc.Login(t.Context(), name, "wrong password")
			if !errors.Is(err, auth.ErrInvalidCredentials) && !errors.Is(err, auth.ErrLocked) {
				t.Errorf("Login: %v", err)
			}
		})
	}
	wg.Wait()
}

func failures(t *testing.T, e *env, name string) auth.LoginFailures {
	t.Helper()
	f, err := e.svc.LoginFailures(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestLockout(t *testing.T) {
	const (
		pw  = "correct horse battery"
		max = 10
	)
	for _, c := range []struct {
		name string
		user string // "k.mueller" exists, others do not
	}{
		{"existing user", "k.mueller"},
		{"unknown user", "nobody"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, nil, func(cfg *auth.Config) { cfg.MaxFailures = max })
			ctx := t.Context()
			e.createUser(t, auth.NewUser{Name: "k.mueller", Password: pw})

			failConcurrently(t, e, c.user, 8)
			if f := failures(t, e, c.user); f.Count != 8 || f.Locked(e.clock.Now()) {
				t.Fatalf("after 8 concurrent failures: %+v, want count 8 and not locked", f)
			}
			failConcurrently(t, e, c.user, 2)
			f := failures(t, e, c.user)
			if f.Count != max || !f.Locked(e.clock.Now()) {
				t.Fatalf("after %d failures: %+v, want locked", max, f)
			}

			// Locked: even the right password is refused, without a check.
			_, err := e.svc.Login(ctx, c.user, pw)
			var le *auth.LockedError
			if !errors.As(err, &le) || !errors.Is(err, auth.ErrLocked) {
				t.Fatalf("Login while locked: %v, want a LockedError", err)
			}
			if want := e.clock.Now().Add(auth.DefaultLockDuration); !le.Until.Equal(want) {
				t.Errorf("locked until %v, want %v", le.Until, want)
			}
			if f := failures(t, e, c.user); f.Count != max {
				t.Errorf("attempts while locked were counted: %d", f.Count)
			}

			e.clock.Advance(auth.DefaultLockDuration - time.Second)
			if _, err := e.svc.Login(ctx, c.user, pw); !errors.Is(err, auth.ErrLocked) {
				t.Fatalf("Login a second before the lock ends: %v", err)
			}
			e.clock.Advance(time.Second)
			_, err = e.svc.Login(ctx, c.user, pw)
			if c.user == "k.mueller" {
				if err != nil {
					t.Fatalf("Login after the lock: %v", err)
				}
				if f := failures(t, e, c.user); f.Count != 0 {
					t.Errorf("failures not cleared by a successful login: %+v", f)
				}
				return
			}
			if err != auth.ErrInvalidCredentials {
				t.Fatalf("Login of unknown user after the lock: %v", err)
			}
			if f := failures(t, e, c.user); f.Count != 1 || f.Locked(e.clock.Now()) {
				t.Errorf("after the lock was served: %+v, want a fresh count of 1", f)
			}
		})
	}
}

func TestLockoutConcurrentBeyondLimit(t *testing.T) {
	e := newEnv(t, nil, func(cfg *auth.Config) { cfg.MaxFailures = 5 })
	e.createUser(t, auth.NewUser{Name: "k.mueller", Password: "correct horse battery"})
	start := e.clock.Now()
	failConcurrently(t, e, "k.mueller", 8)
	f := failures(t, e, "k.mueller")
	// Logins that passed the lock check before the fifth failure was
	// recorded still count, but the lock is set once.
	if f.Count < 5 || f.Count > 8 || !f.LockedUntil.Equal(start.Add(auth.DefaultLockDuration)) {
		t.Errorf("after 8 concurrent failures with a limit of 5: %+v", f)
	}
}

func TestFailureWindow(t *testing.T) {
	e := newEnv(t, nil, func(cfg *auth.Config) { cfg.MaxFailures = 10 })
	ctx := t.Context()
	e.createUser(t, auth.NewUser{Name: "k.mueller", Password: "correct horse battery"})
	cases := []struct {
		name      string
		advance   time.Duration
		fails     int
		wantCount int
	}{
		{"nine failures", 0, 9, 9},
		{"window passed: counting starts again", auth.DefaultFailureWindow, 1, 1},
		{"within the new window", auth.DefaultFailureWindow - time.Second, 8, 9},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.clock.Advance(c.advance)
			for range c.fails {
				if _, err := e.svc.Login(ctx, "k.mueller", "wrong"); err != auth.ErrInvalidCredentials {
					t.Fatalf("Login: %v", err)
				}
			}
			if f := failures(t, e, "k.mueller"); f.Count != c.wantCount || f.Locked(e.clock.Now()) {
				t.Errorf("failures %+v, want count %d, not locked", f, c.wantCount)
			}
		})
	}
	t.Run("unlock by the service desk", func(t *testing.T) {
		if err := e.svc.UnlockLogin(ctx, "K.Mueller"); err != nil {
			t.Fatal(err)
		}
		if f := failures(t, e, "k.mueller"); f.Count != 0 {
			t.Errorf("after UnlockLogin: %+v", f)
		}
	})
}
