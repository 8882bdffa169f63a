package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"vorgang/core/app"
	"vorgang/core/definition"
)

func TestUserResetTwoFactor(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"create a user", []string{"user", "create", "anna", "--data", dir}, 0, "created user anna"},
		{"reset", []string{"user", "reset-two-factor", "Anna", "--data", dir}, 0, "two-factor sign-in of anna is off"},
		{"unknown user", []string{"user", "reset-two-factor", "nobody", "--data", dir}, 1, "not found"},
		{"no name", []string{"user", "reset-two-factor"}, 2, "Usage: vorgang user reset-two-factor NAME"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(t.Context(), tt.args, &out, &errOut)
			all := out.String() + errOut.String()
			if code != tt.code || !strings.Contains(all, tt.out) {
				t.Fatalf("exit %d (want %d), output:\n%s", code, tt.code, all)
			}
		})
	}
}

// TestUserResetTwoFactorTurnsItOff: a user with two-factor sign-in on signs
// in with the password alone after the reset.
func TestUserResetTwoFactorTurnsItOff(t *testing.T) {
	dir := t.TempDir()
	ctx := t.Context()
	var out, errOut bytes.Buffer
	if code := run(ctx, []string{"user", "create", "anna", "--data", dir}, &out, &errOut); code != 0 {
		t.Fatalf("user create: %d %s", code, errOut.String())
	}
	withApp := func(f func(a *app.App)) {
		t.Helper()
		a, err := app.New(ctx, app.Config{DataDir: dir, Logger: slog.New(slog.DiscardHandler), Catalog: func() *definition.Catalog { return nil }})
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = a.Close(context.Background()) }()
		f(a)
	}
	withApp(func(a *app.App) {
		en, err := a.Auth.BeginTOTP(ctx, "anna")
		if err != nil {
			t.Fatal(err)
		}
		code, err := totp.GenerateCode(en.Secret, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Auth.ConfirmTOTP(ctx, "anna", code); err != nil {
			t.Fatal(err)
		}
	})
	if code := run(ctx, []string{"user", "reset-two-factor", "anna", "--data", dir}, &out, &errOut); code != 0 {
		t.Fatalf("reset-two-factor: %d %s", code, errOut.String())
	}
	withApp(func(a *app.App) {
		st, err := a.Auth.TwoFactor(ctx, "anna")
		if err != nil || st.Enabled {
			t.Errorf("after the reset: %+v, %v; want it off", st, err)
		}
	})
}
