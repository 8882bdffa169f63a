package auth_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"vorgang/core/auth"
)

const (
	pw       = "correct horse battery"
	attacker = "203.0.113.66"
)

// attempt logs in and returns the error, failing the test on any error
// but the expected kinds.
func attempt(t *testing.T, e *env, name, password, client string) error {
	t.Helper()
	_, err := e.svc.Login(t.Context(), name, password, client)
	if err != nil && !errors.Is(err, auth.ErrInvalidCredentials) && !errors.Is(err, auth.ErrThrottled) {
		t.Fatalf("Login(%s from %s): %v", name, client, err)
	}
	return err
}

// waitOf returns how long a throttled login has to wait; 0 when it was not
// throttled.
func waitOf(e *env, err error) time.Duration {
	var te *auth.ThrottledError
	if errors.As(err, &te) {
		return te.Until.Sub(e.clock.Now())
	}
	return 0
}

// TestThrottleGrowingWaits: five failures of one account from one address
// pass at once; after that each failure makes the next attempt wait, 1 s,
// 2 s, 4 s …, up to 15 min. An attempt while waiting is refused without a
// password check, even with the right password, and does not lengthen the
// wait; after the wait the right password succeeds and clears the count.
func TestThrottleGrowingWaits(t *testing.T) {
	t.Parallel()
	for _, user := range []string{"k.mueller", "nobody"} { // an unknown name is throttled alike
		t.Run(user, func(t *testing.T) {
			e := newEnv(t, nil, nil)
			e.createUser(t, auth.NewUser{Name: "k.mueller", Password: pw})
			for i := range 5 {
				if err := attempt(t, e, user, "wrong", attacker); err != auth.ErrInvalidCredentials {
					t.Fatalf("failure %d: %v, want ErrInvalidCredentials", i+1, err)
				}
			}
			for i, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second} {
				if err := attempt(t, e, user, "wrong", attacker); err != auth.ErrInvalidCredentials {
					t.Fatalf("failure %d: %v", 6+i, err)
				}
				err := attempt(t, e, user, pw, attacker)
				if got := waitOf(e, err); got != want {
					t.Fatalf("after failure %d: wait %v (%v), want %v", 6+i, got, err, want)
				}
				e.clock.Advance(want / 2)
				if got := waitOf(e, attempt(t, e, user, "wrong", attacker)); got != want/2 {
					t.Fatalf("halfway through the wait: wait %v, want %v", got, want/2)
				}
				e.clock.Advance(want / 2)
			}
			for range 20 {
				_ = attempt(t, e, user, "wrong", attacker)
				e.clock.Advance(waitOf(e, attempt(t, e, user, "wrong", attacker)))
			}
			if got := waitOf(e, attempt(t, e, user, "wrong", attacker)); got > auth.DefaultAccountClientThrottle.Max {
				t.Errorf("wait %v, want at most %v", got, auth.DefaultAccountClientThrottle.Max)
			}
			e.clock.Advance(auth.DefaultAccountClientThrottle.Max)
			if user == "nobody" {
				return
			}
			if err := attempt(t, e, user, pw, attacker); err != nil {
				t.Fatalf("right password after the wait: %v", err)
			}
			for i := range 5 {
				if err := attempt(t, e, user, "wrong", attacker); err != auth.ErrInvalidCredentials {
					t.Fatalf("failure %d after a successful login: %v, want a fresh count", i+1, err)
				}
			}
		})
	}
}

// TestThrottleLeavesOthersIn: whoever guesses an account's password slows
// down only themselves. The owner signs in from another address, whether
// it is one the owner used before or a new one; if the guessing comes from
// many addresses, new addresses wait too, but the owner's known addresses
// never do.
func TestThrottleLeavesOthersIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	e.createUser(t, auth.NewUser{Name: "k.mueller", Password: pw})
	const office, home = "192.0.2.10", "192.0.2.20"
	if _, err := e.svc.Login(t.Context(), "k.mueller", pw, office); err != nil {
		t.Fatal(err)
	}
	for range 30 { // the attacker keeps trying as soon as allowed
		e.clock.Advance(waitOf(e, attempt(t, e, "k.mueller", "guess", attacker)))
	}
	if err := attempt(t, e, "k.mueller", pw, attacker); !errors.Is(err, auth.ErrThrottled) {
		t.Fatalf("the attacker's address: %v, want ErrThrottled", err)
	}
	for _, client := range []string{office, home} {
		if err := attempt(t, e, "k.mueller", pw, client); err != nil {
			t.Errorf("the owner from %s: %v, want a session", client, err)
		}
	}

	// Guessing from many addresses, one try each.
	for i := range 12 {
		_ = attempt(t, e, "k.mueller", "guess", fmt.Sprintf("198.18.0.%d", i+1))
	}
	if err := attempt(t, e, "k.mueller", pw, "198.18.1.1"); !errors.Is(err, auth.ErrThrottled) {
		t.Errorf("a new address after guessing from many: %v, want ErrThrottled", err)
	}
	for _, client := range []string{office, home} {
		if err := attempt(t, e, "k.mueller", pw, client); err != nil {
			t.Errorf("the owner from known %s: %v, want a session", client, err)
		}
	}
	if err := e.svc.UnlockLogin(t.Context(), "K.Mueller"); err != nil {
		t.Fatal(err)
	}
	if err := attempt(t, e, "k.mueller", pw, "198.18.1.1"); err != nil {
		t.Errorf("a new address after UnlockLogin: %v, want a session", err)
	}
}

// TestThrottlePerAddress: one address trying many names is slowed down
// after 20 failures, for every name it tries and only there; successful
// logins never count against an address (an office behind one address).
func TestThrottlePerAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	const office = "192.0.2.99"
	for i := range 30 {
		e.createUser(t, auth.NewUser{Name: fmt.Sprintf("staff%d", i), Password: pw})
	}
	for range 3 {
		for i := range 30 {
			if err := attempt(t, e, fmt.Sprintf("staff%d", i), pw, office); err != nil {
				t.Fatalf("staff%d: %v", i, err)
			}
		}
	}
	for i := range 20 {
		if err := attempt(t, e, fmt.Sprintf("guess%d", i), pw, attacker); err != auth.ErrInvalidCredentials {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	if err := attempt(t, e, "guess20", pw, attacker); err != auth.ErrInvalidCredentials {
		t.Fatalf("failure 21: %v", err)
	}
	if err := attempt(t, e, "staff1", pw, attacker); !errors.Is(err, auth.ErrThrottled) {
		t.Errorf("after 21 failures from one address: %v, want ErrThrottled", err)
	}
	if err := attempt(t, e, "staff1", pw, office); err != nil {
		t.Errorf("from another address: %v, want a session", err)
	}
	// One failure is forgotten every 3 minutes.
	e.clock.Advance(2 * auth.DefaultClientThrottle.Leak)
	if err := attempt(t, e, "staff1", pw, attacker); err != nil {
		t.Errorf("once failures are forgotten: %v, want a session", err)
	}
}

// TestThrottleConcurrentFailures: failures arriving at once are counted
// without losing any to a race.
func TestThrottleConcurrentFailures(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	e.createUser(t, auth.NewUser{Name: "k.mueller", Password: pw})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { _ = attempt(t, e, "k.mueller", "wrong", attacker) })
	}
	wg.Wait()
	// At least six are counted: attempts that checked before the sixth
	// failure was recorded passed. Each beyond the free five doubles the
	// wait: 1 s, 2 s or 4 s. A lost count would leave no wait.
	if got := waitOf(e, attempt(t, e, "k.mueller", pw, attacker)); got < time.Second || got > 4*time.Second {
		t.Errorf("wait after 8 concurrent failures: %v, want 1 s to 4 s", got)
	}
}
