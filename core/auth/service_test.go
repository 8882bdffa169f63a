package auth_test

import (
	"slices"
	"testing"

	"vorgang/core/auth"
)

func TestNewConfig(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	cases := []struct {
		name string
		cfg  auth.Config
		ok   bool
	}{
		{"defaults", auth.Config{Store: st}, true},
		{"no store", auth.Config{}, false},
		{"bad argon2id parameters", auth.Config{Store: st, Password: auth.Params{Time: 1}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := auth.New(c.cfg); (err == nil) != c.ok {
				t.Errorf("New: %v, want ok %v", err, c.ok)
			}
		})
	}
}

func TestSchema(t *testing.T) {
	t.Parallel()
	want := []string{"users", "sessions", "api_tokens", "token_index", "login_failures", "user_groups", "two_factor", "pending_logins", "admin_audit", "password_resets"}
	var got []string
	for _, c := range auth.Schema() {
		got = append(got, c.Name)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Schema() declares %v, want %v", got, want)
	}
}
