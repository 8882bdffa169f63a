package main

import (
	"bytes"
	"strings"
	"testing"
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
