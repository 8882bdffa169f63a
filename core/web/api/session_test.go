package api_test

import (
	"net/http"
	"testing"
)

// TestAPILogoutEndsSession: logout ends the session it is given, whether
// the client presents it as a bearer token or as the cookie; afterwards the
// token is refused both ways. An API token is not a session and stays
// valid.
func TestAPILogoutEndsSession(t *testing.T) {
	env := newAPIEnv(t)
	for _, via := range []string{"bearer", "cookie"} {
		t.Run(via, func(t *testing.T) {
			status, body := env.call(t, "", "POST", "/api/v1/login", map[string]any{"name": "anna", "password": "Sommerfest-2026"})
			if status != http.StatusOK {
				t.Fatalf("login: %d %v", status, body)
			}
			token, _ := body["token"].(string)
			bearer := []string{"Authorization", "Bearer " + token}
			cookie := []string{"Cookie", "vorgang_session=" + token}
			presented := bearer
			if via == "cookie" {
				presented = cookie
			}
			if status, body := env.call(t, "", "GET", "/api/v1/me", nil, presented...); status != http.StatusOK {
				t.Fatalf("me before logout: %d %v", status, body)
			}
			if status, body := env.call(t, "", "POST", "/api/v1/logout", nil, presented...); status != http.StatusNoContent {
				t.Fatalf("logout: %d %v", status, body)
			}
			for name, cred := range map[string][]string{"bearer": bearer, "cookie": cookie} {
				if status, body := env.call(t, "", "GET", "/api/v1/me", nil, cred...); status != http.StatusUnauthorized {
					t.Errorf("me with the ended session as %s: %d %v, want 401", name, status, body)
				}
			}
		})
	}
	t.Run("API token", func(t *testing.T) {
		if status, body := env.call(t, "ben", "POST", "/api/v1/logout", nil); status != http.StatusNoContent {
			t.Fatalf("logout: %d %v", status, body)
		}
		if status, body := env.call(t, "ben", "GET", "/api/v1/me", nil); status != http.StatusOK {
			t.Errorf("me with the API token after logout: %d %v, want 200", status, body)
		}
	})
}
