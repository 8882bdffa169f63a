package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestUserCreate(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"first administrator with a token", []string{"user", "create", "root", "--role", "admin", "--token", "--data", dir}, 0, "API token (shown once): vg_"},
		{"agent in a team", []string{"user", "create", "ben", "--team", "it-1st-level", "--data", dir}, 0, "created user ben"},
		{"with a line manager", []string{"user", "create", "dora", "--manager", "ben", "--data", dir}, 0, "created user dora"},
		{"unknown manager", []string{"user", "create", "emil", "--manager", "nobody", "--data", dir}, 1, "nobody"},
		{"same name again", []string{"user", "create", "root", "--data", dir}, 1, "root"},
		{"unknown role", []string{"user", "create", "eve", "--role", "it-agnet", "--data", dir}, 1, "it-agnet"},
		{"unknown team names where it looked", []string{"user", "create", "fred", "--team", "fuhrpark", "--definitions", dir, "--data", dir}, 1,
			"were looked up in the built-in desks, because " + dir + " holds no processes/"},
		{"no name", []string{"user", "create", "--role", "admin"}, 2, "--definitions DIR"},
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

// TestUserCreateWhileServing: on an embedded store a running server
// holds, user create says how to create the user through the server
// instead of failing with the lock.
func TestUserCreateWhileServing(t *testing.T) {
	t.Setenv("VORGANG_MONGO_URI", "")
	dir := t.TempDir()
	seedStore(t, dir)
	_, closeStore := openTestStore(t, dir) // stands in for a running vorgang serve
	defer closeStore()
	var out, errOut bytes.Buffer
	code := run(t.Context(), []string{"user", "create", "root", "--role", "admin", "--data", dir}, &out, &errOut)
	for _, want := range []string{"in use by a running vorgang server", "/admin/users", "/api/v1/users", `"name": "root"`, "stop `vorgang serve`"} {
		if code != 1 || !strings.Contains(errOut.String(), want) {
			t.Errorf("exit %d, stderr lacks %q:\n%s", code, want, errOut.String())
		}
	}
}

// TestResetTwoFactorWhileServing: like user create, reset-two-factor on a
// store a running server holds says how to do it through the server.
func TestResetTwoFactorWhileServing(t *testing.T) {
	t.Setenv("VORGANG_MONGO_URI", "")
	dir := t.TempDir()
	seedStore(t, dir)
	_, closeStore := openTestStore(t, dir)
	defer closeStore()
	var out, errOut bytes.Buffer
	code := run(t.Context(), []string{"user", "reset-two-factor", "anna", "--data", dir}, &out, &errOut)
	for _, want := range []string{"in use by a running vorgang server", "/admin/users/anna", "/api/v1/users/anna/two-factor"} {
		if code != 1 || !strings.Contains(errOut.String(), want) {
			t.Errorf("exit %d, stderr lacks %q:\n%s", code, want, errOut.String())
		}
	}
}
