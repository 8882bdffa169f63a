package api_test

import (
	"testing"

	"vorgang/core/auth"
)

// TestAPITokenChangesAtOnce: token authentication remembers what it read
// (core/auth/token_cache.go), yet a revoked token, a disabled user or a
// role taken away takes effect with the very next request on the same
// instance. Each case uses the token twice before the change, so that what
// authentication read is remembered.
func TestAPITokenChangesAtOnce(t *testing.T) {
	tests := []struct {
		name string
		// change is made over the API; env.tokens["vera"] is vera's token
		// and id its id.
		change func(t *testing.T, env *apiEnv, id string)
		want   int // status of vera's GET /api/v1/users after the change
	}{
		{name: "revoked by an administrator", want: 401, change: func(t *testing.T, env *apiEnv, id string) {
			if status, body := env.call(t, "root", "DELETE", "/api/v1/users/vera/tokens/"+id, nil); status != 204 {
				t.Fatalf("revoke: %d %v", status, body)
			}
		}},
		{name: "revoked by its owner", want: 401, change: func(t *testing.T, env *apiEnv, id string) {
			if status, body := env.call(t, "vera", "DELETE", "/api/v1/me/tokens/"+id, nil); status != 204 {
				t.Fatalf("revoke: %d %v", status, body)
			}
		}},
		{name: "user disabled", want: 401, change: func(t *testing.T, env *apiEnv, _ string) {
			if status, body := env.call(t, "root", "PATCH", "/api/v1/users/vera", map[string]any{"version": version(t, env, "vera"), "disabled": true}); status != 200 {
				t.Fatalf("disable: %d %v", status, body)
			}
		}},
		{name: "administrator role taken away", want: 403, change: func(t *testing.T, env *apiEnv, _ string) {
			if status, body := env.call(t, "root", "PATCH", "/api/v1/users/vera", map[string]any{"version": version(t, env, "vera"), "roles": []string{}}); status != 200 {
				t.Fatalf("change roles: %d %v", status, body)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newAPIEnvUsers(t, []auth.NewUser{
				{Name: "root", Roles: []string{"admin"}},
				{Name: "vera", Roles: []string{"admin"}},
			})
			var id string
			for range 2 {
				status, body := env.call(t, "vera", "GET", "/api/v1/me/tokens", nil)
				if status != 200 {
					t.Fatalf("own tokens: %d %v", status, body)
				}
				tokens := body["tokens"].([]any)
				id = tokens[0].(map[string]any)["id"].(string)
				if status, body := env.call(t, "vera", "GET", "/api/v1/users", nil); status != 200 {
					t.Fatalf("users before: %d %v", status, body)
				}
			}
			tt.change(t, env, id)
			if status, body := env.call(t, "vera", "GET", "/api/v1/users", nil); status != tt.want {
				t.Errorf("users after: %d %v, want %d", status, body, tt.want)
			}
		})
	}
}
