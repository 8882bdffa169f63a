package webtest

import (
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// EnrolTOTP turns two-factor sign-in on for user, on the real clock (the
// clock of a UIEnv without UIOptions.Clock), so their login shows the code
// step.
func EnrolTOTP(t *testing.T, env *UIEnv, user string) {
	t.Helper()
	ctx := t.Context()
	en, err := env.Authn.BeginTOTP(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	code, err := totp.GenerateCode(en.Secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Authn.ConfirmTOTP(ctx, user, code); err != nil {
		t.Fatal(err)
	}
}
