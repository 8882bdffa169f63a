package auth_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"vorgang/core/auth"
	"vorgang/core/fault"
)

const totpPassword = "correct horse battery"

// code is the TOTP code of secret at the time t.
func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrol turns two-factor sign-in on for the user and returns the secret
// and the recovery codes.
func (e *env) enrol(t *testing.T, name string) (string, []string) {
	t.Helper()
	en, err := e.svc.BeginTOTP(t.Context(), name)
	if err != nil {
		t.Fatalf("BeginTOTP: %v", err)
	}
	codes, err := e.svc.ConfirmTOTP(t.Context(), name, code(t, en.Secret, e.clock.Now()))
	if err != nil {
		t.Fatalf("ConfirmTOTP: %v", err)
	}
	return en.Secret, codes
}

func TestTOTPEnrolment(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	ctx := t.Context()
	e.createUser(t, auth.NewUser{Name: "anna", Password: totpPassword})

	en, err := e.svc.BeginTOTP(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(en.URL, "otpauth://totp/vorgang:anna?") || !strings.Contains(en.URL, "secret="+en.Secret) {
		t.Errorf("URL = %q", en.URL)
	}
	again, err := e.svc.BeginTOTP(ctx, "anna")
	if err != nil || again.Secret != en.Secret {
		t.Errorf("BeginTOTP again = %v, %v; want the same secret while the enrolment waits", again, err)
	}
	// Until confirmed, sign-in is by password alone.
	e.login(t, "anna", totpPassword)

	_, err = e.svc.ConfirmTOTP(ctx, "anna", "000000")
	if fe := fault.FieldsOf(err); len(fe) != 1 || fe[0].Field != "code" || fe[0].Code != auth.CodeInvalidOTP {
		t.Fatalf("ConfirmTOTP with a wrong code: %v, want a field error on code", err)
	}
	codes, err := e.svc.ConfirmTOTP(ctx, "anna", code(t, en.Secret, e.clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes, want 10", len(codes))
	}
	st, err := e.svc.TwoFactor(ctx, "anna")
	if err != nil || !st.Enabled || st.RecoveryLeft != 10 || st.Required {
		t.Errorf("TwoFactor = %+v, %v", st, err)
	}
	if _, err := e.svc.BeginTOTP(ctx, "anna"); !errors.Is(err, auth.ErrTwoFactorEnabled) {
		t.Errorf("BeginTOTP when on: %v, want ErrTwoFactorEnabled", err)
	}

	// The secret and the recovery codes stay out of every list and user
	// answer; the flag says two-factor is on.
	users, err := e.svc.ListUsers(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(users)
	u, _ := e.svc.User(ctx, "anna")
	one, _ := json.Marshal(u)
	for _, b := range [][]byte{out, one} {
		if strings.Contains(string(b), en.Secret) || strings.Contains(string(b), strings.ReplaceAll(codes[0], "-", "")) {
			t.Errorf("a user answer holds the secret: %s", b)
		}
	}
	if !strings.Contains(string(one), `"two_factor":true`) {
		t.Errorf("user = %s, want two_factor true", one)
	}
	// Nor does the stored user record.
	var raw map[string]any
	if err := e.store.Get(ctx, auth.UsersCollection, "anna", &raw); err != nil {
		t.Fatal(err)
	}
	for k, v := range raw {
		if s, ok := v.(string); ok && s == en.Secret {
			t.Errorf("user record field %s holds the secret", k)
		}
	}
}

func TestTOTPLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	ctx := t.Context()
	e.createUser(t, auth.NewUser{Name: "anna", Password: totpPassword})
	secret, recovery := e.enrol(t, "anna")

	// The password alone gives no session but a pending login.
	pending := func(t *testing.T) string {
		t.Helper()
		_, err := e.svc.Login(ctx, "anna", totpPassword, testClient)
		var sf *auth.SecondFactorError
		if !errors.As(err, &sf) || !errors.Is(err, auth.ErrOTPRequired) || sf.Pending == "" {
			t.Fatalf("Login: %v, want a *SecondFactorError", err)
		}
		return sf.Pending
	}
	// The enrolment used the current step: the next one is fresh.
	e.clock.Advance(30 * time.Second)

	t.Run("wrong code", func(t *testing.T) {
		p := pending(t)
		_, err := e.svc.CompleteLogin(ctx, p, "123456", testClient)
		if !errors.Is(err, auth.ErrInvalidOTP) {
			t.Fatalf("CompleteLogin: %v, want ErrInvalidOTP", err)
		}
		if fe := fault.FieldsOf(err); len(fe) != 1 || fe[0].Field != "otp" {
			t.Errorf("fields = %v, want otp", fe)
		}
	})
	t.Run("right code, once", func(t *testing.T) {
		p := pending(t)
		c := code(t, secret, e.clock.Now())
		s, err := e.svc.CompleteLogin(ctx, p, c, testClient)
		if err != nil || s.User != "anna" {
			t.Fatalf("CompleteLogin = %v, %v", s, err)
		}
		if _, err := e.svc.Authenticate(ctx, s.Token); err != nil {
			t.Errorf("Authenticate: %v", err)
		}
		// The pending login is used up ...
		if _, err := e.svc.CompleteLogin(ctx, p, c, testClient); !errors.Is(err, auth.ErrLoginExpired) {
			t.Errorf("second CompleteLogin: %v, want ErrLoginExpired", err)
		}
		// ... and the code of that step is refused in a new one (replay).
		if _, err := e.svc.CompleteLogin(ctx, pending(t), c, testClient); !errors.Is(err, auth.ErrInvalidOTP) {
			t.Errorf("reused code: %v, want ErrInvalidOTP", err)
		}
		// So is the code of the step before.
		prev := code(t, secret, e.clock.Now().Add(-30*time.Second))
		if _, err := e.svc.CompleteLogin(ctx, pending(t), prev, testClient); !errors.Is(err, auth.ErrInvalidOTP) {
			t.Errorf("code of an earlier step: %v, want ErrInvalidOTP", err)
		}
	})
	t.Run("next step works", func(t *testing.T) {
		e.clock.Advance(30 * time.Second)
		if _, err := e.svc.CompleteLogin(ctx, pending(t), code(t, secret, e.clock.Now()), testClient); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("recovery code works once", func(t *testing.T) {
		if _, err := e.svc.CompleteLogin(ctx, pending(t), strings.ToUpper(recovery[3]), testClient); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		if _, err := e.svc.CompleteLogin(ctx, pending(t), recovery[3], testClient); !errors.Is(err, auth.ErrInvalidOTP) {
			t.Errorf("recovery code again: %v, want ErrInvalidOTP", err)
		}
		st, _ := e.svc.TwoFactor(ctx, "anna")
		if st.RecoveryLeft != 9 {
			t.Errorf("RecoveryLeft = %d, want 9", st.RecoveryLeft)
		}
	})
	t.Run("pending login expires", func(t *testing.T) {
		p := pending(t)
		e.clock.Advance(auth.PendingLoginFor)
		if _, err := e.svc.CompleteLogin(ctx, p, code(t, secret, e.clock.Now()), testClient); !errors.Is(err, auth.ErrLoginExpired) {
			t.Errorf("CompleteLogin after expiry: %v, want ErrLoginExpired", err)
		}
	})
	t.Run("garbage pending token", func(t *testing.T) {
		if _, err := e.svc.CompleteLogin(ctx, "nope", "123456", testClient); !errors.Is(err, auth.ErrLoginExpired) {
			t.Errorf("CompleteLogin: %v, want ErrLoginExpired", err)
		}
	})
	t.Run("code in the same request", func(t *testing.T) {
		e.clock.Advance(30 * time.Second)
		if _, err := e.svc.LoginWithOTP(ctx, "anna", totpPassword, "", testClient); !errors.Is(err, auth.ErrOTPRequired) {
			t.Errorf("LoginWithOTP without code: %v, want ErrOTPRequired", err)
		}
		if _, err := e.svc.LoginWithOTP(ctx, "anna", totpPassword, "999999", testClient); !errors.Is(err, auth.ErrInvalidOTP) {
			t.Errorf("LoginWithOTP with a wrong code: %v, want ErrInvalidOTP", err)
		}
		c := code(t, secret, e.clock.Now())
		if _, err := e.svc.LoginWithOTP(ctx, "anna", totpPassword, c, testClient); err != nil {
			t.Errorf("LoginWithOTP: %v", err)
		}
		if _, err := e.svc.LoginWithOTP(ctx, "anna", totpPassword, c, testClient); !errors.Is(err, auth.ErrInvalidOTP) {
			t.Errorf("LoginWithOTP replayed: %v, want ErrInvalidOTP", err)
		}
		if _, err := e.svc.LoginWithOTP(ctx, "anna", "wrong password", c, testClient); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Errorf("LoginWithOTP, wrong password: %v, want ErrInvalidCredentials", err)
		}
	})
	t.Run("turn off needs a code", func(t *testing.T) {
		if err := e.svc.DisableTOTP(ctx, "anna", "000000", testClient); fault.KindOf(err) != fault.Invalid {
			t.Fatalf("DisableTOTP with a wrong code: %v, want invalid", err)
		}
		e.clock.Advance(30 * time.Second)
		if err := e.svc.DisableTOTP(ctx, "anna", code(t, secret, e.clock.Now()), testClient); err != nil {
			t.Fatal(err)
		}
		e.login(t, "anna", totpPassword)
	})
}

// TestTOTPThrottle: wrong codes count like wrong passwords, and a right
// password does not clear the count.
func TestTOTPThrottle(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	ctx := t.Context()
	e.createUser(t, auth.NewUser{Name: "anna", Password: totpPassword})
	secret, _ := e.enrol(t, "anna")
	e.clock.Advance(30 * time.Second)
	free := auth.DefaultAccountClientThrottle.Free
	var err error
	for i := 0; i <= free; i++ {
		_, err = e.svc.LoginWithOTP(ctx, "anna", totpPassword, "000000", testClient)
		if !errors.Is(err, auth.ErrInvalidOTP) {
			t.Fatalf("attempt %d: %v, want ErrInvalidOTP", i+1, err)
		}
	}
	// The next attempt waits, whether by the one-step or the two-step way.
	if _, err = e.svc.LoginWithOTP(ctx, "anna", totpPassword, code(t, secret, e.clock.Now()), testClient); !errors.Is(err, auth.ErrThrottled) {
		t.Errorf("after %d wrong codes: %v, want ErrThrottled", free+1, err)
	}
	e.clock.Advance(2 * time.Second)
	_, err = e.svc.Login(ctx, "anna", totpPassword, testClient)
	var sf *auth.SecondFactorError
	if !errors.As(err, &sf) {
		t.Fatalf("Login after the wait: %v", err)
	}
	if _, err := e.svc.CompleteLogin(ctx, sf.Pending, "000000", testClient); !errors.Is(err, auth.ErrInvalidOTP) {
		t.Fatalf("wrong code: %v", err)
	}
	if _, err := e.svc.CompleteLogin(ctx, sf.Pending, code(t, secret, e.clock.Now()), testClient); !errors.Is(err, auth.ErrThrottled) {
		t.Errorf("right code while a wait is due: %v, want ErrThrottled", err)
	}
}

// TestTOTPDisableThrottled: wrong codes on the form that turns two-factor
// off count like failed logins, so a stolen session cannot guess codes.
func TestTOTPDisableThrottled(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	ctx := t.Context()
	e.createUser(t, auth.NewUser{Name: "anna", Password: totpPassword})
	secret, _ := e.enrol(t, "anna")
	e.clock.Advance(30 * time.Second)
	for i := 0; i <= auth.DefaultAccountClientThrottle.Free; i++ {
		if err := e.svc.DisableTOTP(ctx, "anna", "000000", testClient); fault.KindOf(err) != fault.Invalid {
			t.Fatalf("attempt %d: %v, want invalid", i+1, err)
		}
	}
	if err := e.svc.DisableTOTP(ctx, "anna", code(t, secret, e.clock.Now()), testClient); !errors.Is(err, auth.ErrThrottled) {
		t.Errorf("right code while a wait is due: %v, want ErrThrottled", err)
	}
	if st, _ := e.svc.TwoFactor(ctx, "anna"); !st.Enabled {
		t.Error("two-factor was turned off")
	}
}

const twoFactorCatalogYAML = testCatalogYAML + `---
apiVersion: vorgang/v1
kind: IdentityProvider
id: lokal
title: Lokale Konten
type: local
local:
  two_factor:
    required_for: [admin, lead]
`

func TestTOTPRequiredByRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t, compileCatalog(t, twoFactorCatalogYAML), nil)
	ctx := t.Context()
	e.createUser(t, auth.NewUser{Name: "root", Password: totpPassword, Roles: []string{"admin"}})
	e.createUser(t, auth.NewUser{Name: "lena", Password: totpPassword, Roles: []string{"lead"}})
	e.createUser(t, auth.NewUser{Name: "ben", Password: totpPassword, Roles: []string{"agent"}})
	e.createUser(t, auth.NewUser{Name: "dirk", Roles: []string{"lead"}, Source: auth.SourceDirectory})

	cases := []struct {
		user string
		due  bool
	}{{"root", true}, {"lena", true}, {"ben", false}, {"dirk", false}}
	for _, c := range cases {
		p, err := e.svc.Principal(ctx, c.user)
		if err != nil {
			t.Fatal(err)
		}
		if p.TwoFactorDue != c.due {
			t.Errorf("%s: TwoFactorDue = %v, want %v", c.user, p.TwoFactorDue, c.due)
		}
	}
	// A due user still signs in with the password, and is then sent to
	// set it up (the principal says so).
	s := e.login(t, "lena", totpPassword)
	p, err := e.svc.Authenticate(ctx, s.Token)
	if err != nil || !p.TwoFactorDue {
		t.Fatalf("Authenticate = %+v, %v; want TwoFactorDue", p, err)
	}
	secret, _ := e.enrol(t, "lena")
	p, err = e.svc.Authenticate(ctx, s.Token)
	if err != nil || p.TwoFactorDue {
		t.Errorf("after enrolment: %+v, %v; want not due", p, err)
	}
	st, _ := e.svc.TwoFactor(ctx, "lena")
	if !st.Required || !st.Enabled {
		t.Errorf("TwoFactor = %+v", st)
	}
	e.clock.Advance(30 * time.Second)
	if err := e.svc.DisableTOTP(ctx, "lena", code(t, secret, e.clock.Now()), testClient); !errors.Is(err, auth.ErrTwoFactorRequired) {
		t.Errorf("DisableTOTP of a required user: %v, want ErrTwoFactorRequired", err)
	}
	// An administrator can reset it; then it is due again.
	if err := e.svc.ResetTwoFactor(ctx, "lena"); err != nil {
		t.Fatal(err)
	}
	if p, _ := e.svc.Principal(ctx, "lena"); !p.TwoFactorDue {
		t.Error("after reset: want TwoFactorDue")
	}
	// Directory users get it from their directory.
	if _, err := e.svc.BeginTOTP(ctx, "dirk"); !errors.Is(err, auth.ErrTwoFactorDirectory) {
		t.Errorf("BeginTOTP of a directory user: %v, want ErrTwoFactorDirectory", err)
	}
}

// TestSweepPendingLogins: pending logins nobody finishes are swept.
func TestSweepPendingLogins(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	e.createUser(t, auth.NewUser{Name: "anna", Password: totpPassword})
	e.enrol(t, "anna")
	if _, err := e.svc.Login(t.Context(), "anna", totpPassword, testClient); !errors.Is(err, auth.ErrOTPRequired) {
		t.Fatal(err)
	}
	e.clock.Advance(auth.PendingLoginFor + time.Second)
	r, err := e.svc.Sweep(t.Context())
	if err != nil || r.PendingLogins != 1 {
		t.Errorf("Sweep = %+v, %v; want one pending login", r, err)
	}
}
