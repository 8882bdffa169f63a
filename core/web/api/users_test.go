package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"vorgang/core/auth"
)

// usersEnv is an API over anna (a requester with a password), ben (an
// agent), root (an administrator), dirk (a directory user) and vera (a
// local user with a password), and oskar (a user of an OpenID sign-on).
func usersEnv(t *testing.T) *apiEnv {
	t.Helper()
	return newAPIEnvUsers(t, []auth.NewUser{
		{Name: "anna", Password: "Sommerfest-2026"},
		{Name: "ben", Teams: []string{"it-1st-level"}},
		{Name: "root", Roles: []string{"admin"}},
		{Name: "dirk", DisplayName: "Dirk Direktor", Email: "dirk@example.org", Source: auth.SourceDirectory},
		{Name: "vera", DisplayName: "Vera Vogel", Password: "Herbstlaub-2026", Manager: "anna"},
		{Name: "oskar", Source: "oidc:test"}, // made by a sign-on: as external as the directory's
	})
}

func fields(body map[string]any) map[string]string {
	out := map[string]string{}
	e, _ := body["error"].(map[string]any)
	list, _ := e["fields"].([]any)
	for _, f := range list {
		m := f.(map[string]any)
		out[m["field"].(string)] = m["code"].(string)
		if m["message"] == "" {
			out[m["field"].(string)] += " (no message)"
		}
	}
	return out
}

func version(t *testing.T, env *apiEnv, name string) float64 {
	t.Helper()
	status, u := env.call(t, "root", "GET", "/api/v1/users/"+name, nil)
	if status != 200 {
		t.Fatalf("get %s: %d %v", name, status, u)
	}
	return u["version"].(float64)
}

// TestAPIUserAdministration runs each operation of the user
// administration with its refusals: a caller who is no administrator
// (403), an unknown user (404), a bad field (422 naming it), a stale
// version (409), and what the directory manages.
func TestAPIUserAdministration(t *testing.T) {
	tests := []struct {
		name         string
		caller       string
		method, path string
		body         map[string]any // "version": "current" is replaced by the user's version
		status       int
		code         string
		fields       map[string]string
		check        func(t *testing.T, env *apiEnv, body map[string]any)
	}{
		{name: "list", caller: "root", method: "GET", path: "/api/v1/users", status: 200, check: func(t *testing.T, _ *apiEnv, body map[string]any) {
			users := body["users"].([]any)
			if len(users) != 6 {
				t.Fatalf("users: %v", users)
			}
			for _, u := range users {
				m := u.(map[string]any)
				if _, ok := m["password_hash"]; ok {
					t.Errorf("a password hash is shown: %v", m)
				}
				if m["name"] == "dirk" && (m["source"] != "directory" || m["directory_managed"] == nil) {
					t.Errorf("dirk: %v", m)
				}
			}
		}},
		{name: "list paged", caller: "root", method: "GET", path: "/api/v1/users?limit=2&after=anna", status: 200, check: func(t *testing.T, _ *apiEnv, body map[string]any) {
			if got := fmt.Sprint(body["users"].([]any)[0].(map[string]any)["name"], " ", body["next"]); got != "ben dirk" {
				t.Errorf("page: %s", got)
			}
		}},
		{name: "list bad limit", caller: "root", method: "GET", path: "/api/v1/users?limit=0", status: 422, fields: map[string]string{"limit": "invalid_format"}},
		{name: "list as agent", caller: "ben", method: "GET", path: "/api/v1/users", status: 403, code: "forbidden"},
		{name: "list anonymous", caller: "", method: "GET", path: "/api/v1/users", status: 401},

		{name: "create", caller: "root", method: "POST", path: "/api/v1/users", status: 201,
			body: map[string]any{"name": "Neu.Mann", "display_name": "Neu Mann", "email": "neu@example.org", "teams": []string{"it-1st-level"}, "manager": "anna", "lang": "en"},
			check: func(t *testing.T, env *apiEnv, body map[string]any) {
				if body["name"] != "neu.mann" || body["lang"] != "en" || body["version"] != float64(1) || body["source"] != nil {
					t.Errorf("created: %v", body)
				}
			}},
		{name: "create with a password", caller: "root", method: "POST", path: "/api/v1/users", status: 201,
			body: map[string]any{"name": "mit", "password": "Winterzeit-2026"}, check: func(t *testing.T, env *apiEnv, _ map[string]any) {
				if status, _ := env.call(t, "", "POST", "/api/v1/login", map[string]any{"name": "mit", "password": "Winterzeit-2026"}); status != 200 {
					t.Errorf("login of the new user: %d", status)
				}
			}},
		{name: "create taken name", caller: "root", method: "POST", path: "/api/v1/users", body: map[string]any{"name": "anna"}, status: 409, code: "user_exists", fields: map[string]string{"name": "taken"}},
		{name: "create bad fields", caller: "root", method: "POST", path: "/api/v1/users", status: 422,
			body:   map[string]any{"name": "Ünïcode", "email": "kein-mail", "roles": []string{"no-such-role"}, "teams": []string{"nope"}, "manager": "ghost", "lang": "fr", "password": "kurz"},
			fields: map[string]string{"name": "invalid_format", "email": "invalid_format", "roles": "unknown_role", "teams": "unknown_team", "manager": "unknown_user", "lang": "invalid_format", "password": "too_short"}},
		{name: "create without name", caller: "root", method: "POST", path: "/api/v1/users", body: map[string]any{}, status: 422, fields: map[string]string{"name": "required"}},
		{name: "create as agent", caller: "ben", method: "POST", path: "/api/v1/users", body: map[string]any{"name": "x"}, status: 403},
		{name: "create anonymous", caller: "", method: "POST", path: "/api/v1/users", body: map[string]any{"name": "x"}, status: 401},

		{name: "get", caller: "root", method: "GET", path: "/api/v1/users/vera", status: 200, check: func(t *testing.T, _ *apiEnv, body map[string]any) {
			if body["display_name"] != "Vera Vogel" || body["manager"] != "anna" {
				t.Errorf("vera: %v", body)
			}
		}},
		{name: "get unknown", caller: "root", method: "GET", path: "/api/v1/users/ghost", status: 404},
		{name: "get as agent", caller: "ben", method: "GET", path: "/api/v1/users/vera", status: 403},

		{name: "edit", caller: "root", method: "PATCH", path: "/api/v1/users/vera", status: 200,
			body: map[string]any{"version": "current", "display_name": "Vera Vogt", "email": "vera@example.org", "roles": []string{"it-lead"}, "teams": []string{"it-2nd-level"}, "manager": "", "lang": "en"},
			check: func(t *testing.T, env *apiEnv, body map[string]any) {
				if body["display_name"] != "Vera Vogt" || fmt.Sprint(body["roles"]) != "[it-lead]" || body["manager"] != nil || body["version"] != float64(2) {
					t.Errorf("edited: %v", body)
				}
			}},
		{name: "edit stale version", caller: "root", method: "PATCH", path: "/api/v1/users/vera", body: map[string]any{"version": 7, "email": "x@example.org"}, status: 409, code: "conflict"},
		{name: "edit without version", caller: "root", method: "PATCH", path: "/api/v1/users/vera", body: map[string]any{"email": "x@example.org"}, status: 422, fields: map[string]string{"version": "required"}},
		{name: "edit bad fields", caller: "root", method: "PATCH", path: "/api/v1/users/vera", status: 422,
			body: map[string]any{"version": "current", "email": "@", "manager": "vera"}, fields: map[string]string{"email": "invalid_format", "manager": "self_reference"}},
		{name: "edit unknown", caller: "root", method: "PATCH", path: "/api/v1/users/ghost", body: map[string]any{"version": 1}, status: 404},
		{name: "edit as agent", caller: "ben", method: "PATCH", path: "/api/v1/users/vera", body: map[string]any{"version": "current", "roles": []string{"admin"}}, status: 403},
		{name: "edit own roles as agent", caller: "ben", method: "PATCH", path: "/api/v1/users/ben", body: map[string]any{"version": "current", "roles": []string{"admin"}}, status: 403},
		{name: "edit what the directory manages", caller: "root", method: "PATCH", path: "/api/v1/users/dirk", status: 422,
			body:   map[string]any{"version": "current", "display_name": "D", "roles": []string{"admin"}},
			fields: map[string]string{"display_name": "directory_managed", "roles": "directory_managed"}},
		{name: "edit what a sign-on manages", caller: "root", method: "PATCH", path: "/api/v1/users/oskar", status: 422,
			body: map[string]any{"version": "current", "email": "o@example.org"}, fields: map[string]string{"email": "directory_managed"}},
		{name: "reset link of a sign-on user", caller: "root", method: "POST", path: "/api/v1/users/oskar/password-reset", status: 422, code: "directory_managed"},
		{name: "disable a directory user", caller: "root", method: "PATCH", path: "/api/v1/users/dirk", body: map[string]any{"version": "current", "disabled": true}, status: 200},
		{name: "disable oneself", caller: "root", method: "PATCH", path: "/api/v1/users/root", body: map[string]any{"version": "current", "disabled": true}, status: 422, fields: map[string]string{"disabled": "self_lockout"}},
		{name: "drop one's own admin role", caller: "root", method: "PATCH", path: "/api/v1/users/root", body: map[string]any{"version": "current", "roles": []string{}}, status: 422, fields: map[string]string{"roles": "self_lockout"}},

		{name: "reset link", caller: "root", method: "POST", path: "/api/v1/users/vera/password-reset", status: 201, check: func(t *testing.T, _ *apiEnv, body map[string]any) {
			if !strings.Contains(body["url"].(string), "/app/password/") || body["expires"] == nil || body["user"] != "vera" {
				t.Errorf("link: %v", body)
			}
		}},
		{name: "reset link of a directory user", caller: "root", method: "POST", path: "/api/v1/users/dirk/password-reset", status: 422, code: "directory_managed"},
		{name: "reset link unknown", caller: "root", method: "POST", path: "/api/v1/users/ghost/password-reset", status: 404},
		{name: "reset link as agent", caller: "ben", method: "POST", path: "/api/v1/users/vera/password-reset", status: 403},

		{name: "revoke sessions", caller: "root", method: "DELETE", path: "/api/v1/users/vera/sessions", status: 204},
		{name: "revoke sessions unknown", caller: "root", method: "DELETE", path: "/api/v1/users/ghost/sessions", status: 404},
		{name: "revoke sessions as agent", caller: "ben", method: "DELETE", path: "/api/v1/users/vera/sessions", status: 403},

		{name: "reset two-factor", caller: "root", method: "DELETE", path: "/api/v1/users/vera/two-factor", status: 204},
		{name: "reset two-factor unknown", caller: "root", method: "DELETE", path: "/api/v1/users/ghost/two-factor", status: 404},
		{name: "reset two-factor as agent", caller: "ben", method: "DELETE", path: "/api/v1/users/vera/two-factor", status: 403},

		{name: "tokens", caller: "root", method: "GET", path: "/api/v1/users/vera/tokens", status: 200, check: func(t *testing.T, _ *apiEnv, body map[string]any) {
			if list := body["tokens"].([]any); len(list) != 1 || list[0].(map[string]any)["name"] != "test" {
				t.Errorf("tokens: %v", body)
			}
		}},
		{name: "tokens unknown", caller: "root", method: "GET", path: "/api/v1/users/ghost/tokens", status: 404},
		{name: "tokens as agent", caller: "ben", method: "GET", path: "/api/v1/users/vera/tokens", status: 403},
		{name: "revoke unknown token", caller: "root", method: "DELETE", path: "/api/v1/users/vera/tokens/0000", status: 404},
		{name: "revoke token of an unknown user", caller: "root", method: "DELETE", path: "/api/v1/users/ghost/tokens/0000", status: 404},

		{name: "audit log as agent", caller: "ben", method: "GET", path: "/api/v1/audit-log", status: 403},
		{name: "audit log bad page", caller: "root", method: "GET", path: "/api/v1/audit-log?limit=1000", status: 422},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := usersEnv(t)
			body := tt.body
			if body != nil && body["version"] == "current" {
				body["version"] = version(t, env, strings.Split(strings.TrimPrefix(tt.path, "/api/v1/users/"), "/")[0])
			}
			status, got := env.call(t, tt.caller, tt.method, tt.path, body)
			if status != tt.status {
				t.Fatalf("%s %s = %d, want %d: %v", tt.method, tt.path, status, tt.status, got)
			}
			if tt.code != "" && errCode(got) != tt.code {
				t.Errorf("code %q, want %q: %v", errCode(got), tt.code, got)
			}
			if tt.fields != nil {
				if f := fields(got); fmt.Sprint(f) != fmt.Sprint(tt.fields) {
					t.Errorf("fields %v, want %v", f, tt.fields)
				}
			}
			if tt.check != nil {
				tt.check(t, env, got)
			}
			// Whatever was refused changed nothing and left no entry.
			_, log := env.call(t, "root", "GET", "/api/v1/audit-log", nil)
			entries := log["entries"].([]any)
			if status >= 400 && len(entries) != 0 {
				t.Errorf("a refused request was recorded: %v", entries)
			}
			if status < 300 && tt.method != "GET" && len(entries) != 1 {
				t.Errorf("audit log after a change: %v", entries)
			}
		})
	}
}

// TestAPIUserDisabledAtOnce: disabling a user ends their sessions and
// stops their API tokens with the next request; enabling brings the
// tokens back, not the sessions.
func TestAPIUserDisabledAtOnce(t *testing.T) {
	env := usersEnv(t)
	_, login := env.call(t, "", "POST", "/api/v1/login", map[string]any{"name": "vera", "password": "Herbstlaub-2026"})
	session := login["token"].(string)
	asSession := func() int {
		req := httptest.NewRequest("GET", "/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+session)
		resp, err := env.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := asSession(); s != 200 {
		t.Fatalf("session before: %d", s)
	}
	if status, body := env.call(t, "root", "PATCH", "/api/v1/users/vera", map[string]any{"version": version(t, env, "vera"), "disabled": true}); status != 200 || body["disabled"] != true {
		t.Fatalf("disable: %d %v", status, body)
	}
	if s := asSession(); s != 401 {
		t.Errorf("session of a disabled user: %d", s)
	}
	if s, _ := env.call(t, "vera", "GET", "/api/v1/me", nil); s != 401 {
		t.Errorf("token of a disabled user: %d", s)
	}
	if status, _ := env.call(t, "root", "PATCH", "/api/v1/users/vera", map[string]any{"version": version(t, env, "vera"), "disabled": false}); status != 200 {
		t.Fatalf("enable: %d", status)
	}
	if s, _ := env.call(t, "vera", "GET", "/api/v1/me", nil); s != 200 {
		t.Errorf("token after enabling: %d", s)
	}
	if s := asSession(); s != 401 {
		t.Errorf("a session came back: %d", s)
	}
	_, log := env.call(t, "root", "GET", "/api/v1/audit-log", nil)
	var actions []string
	for _, e := range log["entries"].([]any) {
		m := e.(map[string]any)
		actions = append(actions, fmt.Sprint(m["actor"], " ", m["action"], " ", m["user"]))
	}
	if got := strings.Join(actions, "; "); got != "root user.enabled vera; root user.disabled vera" {
		t.Errorf("audit log: %s", got)
	}
}

// TestAPIResetLink: a reset link sets the password once, ends the
// sessions, and then is used up; a refused password leaves it working.
func TestAPIResetLink(t *testing.T) {
	env := usersEnv(t)
	_, link := env.call(t, "root", "POST", "/api/v1/users/vera/password-reset", nil)
	token := link["token"].(string)
	_, login := env.call(t, "", "POST", "/api/v1/login", map[string]any{"name": "vera", "password": "Herbstlaub-2026"})
	old := login["token"].(string)

	steps := []struct {
		name   string
		body   map[string]any
		status int
		code   string
		fields map[string]string
	}{
		{"too short", map[string]any{"token": token, "password": "kurz"}, 422, "validation_failed", map[string]string{"password": "too_short"}},
		{"forged", map[string]any{"token": "A" + token[1:], "password": "Neujahr-Morgen-2027"}, 404, "reset_link_invalid", nil},
		{"another user's name", map[string]any{"token": strings.Replace(token, ".vera", ".anna", 1), "password": "Neujahr-Morgen-2027"}, 404, "reset_link_invalid", nil},
		{"set", map[string]any{"token": token, "password": "Neujahr-Morgen-2027"}, 200, "", nil},
		{"used", map[string]any{"token": token, "password": "Noch-ein-Versuch-2027"}, 404, "reset_link_invalid", nil},
	}
	for _, s := range steps {
		status, body := env.call(t, "", "POST", "/api/v1/password-reset", s.body)
		if status != s.status || errCode(body) != s.code {
			t.Fatalf("%s: %d %v, want %d %s", s.name, status, body, s.status, s.code)
		}
		if s.fields != nil && fmt.Sprint(fields(body)) != fmt.Sprint(s.fields) {
			t.Errorf("%s: fields %v", s.name, fields(body))
		}
	}
	if status, _ := env.call(t, "", "POST", "/api/v1/login", map[string]any{"name": "vera", "password": "Neujahr-Morgen-2027"}); status != 200 {
		t.Errorf("login with the new password: %d", status)
	}
	if status, _ := env.call(t, "", "POST", "/api/v1/login", map[string]any{"name": "vera", "password": "Herbstlaub-2026"}); status != 401 {
		t.Errorf("login with the old password: %d", status)
	}
	req := httptest.NewRequest("GET", "/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+old)
	if resp, _ := env.app.Test(req, -1); resp.StatusCode != 401 {
		t.Errorf("the session before the reset still works: %d", resp.StatusCode)
	}

	// A newer link replaces the older one.
	_, first := env.call(t, "root", "POST", "/api/v1/users/vera/password-reset", nil)
	_, second := env.call(t, "root", "POST", "/api/v1/users/vera/password-reset", nil)
	if status, body := env.call(t, "", "POST", "/api/v1/password-reset", map[string]any{"token": first["token"], "password": "Alter-Link-2027"}); status != 404 {
		t.Errorf("replaced link: %d %v", status, body)
	}
	if status, body := env.call(t, "", "POST", "/api/v1/password-reset", map[string]any{"token": second["token"], "password": "Neuer-Link-2027"}); status != 200 {
		t.Errorf("newer link: %d %v", status, body)
	}
}

// TestAPIOwnAccount: staff change their own password with the current
// one, and list and revoke their own tokens only.
func TestAPIOwnAccount(t *testing.T) {
	env := usersEnv(t)
	tests := []struct {
		name         string
		caller       string
		method, path string
		body         map[string]any
		status       int
		fields       map[string]string
		code         string
	}{
		{"wrong current password", "vera", "POST", "/api/v1/me/password", map[string]any{"current_password": "falsch", "new_password": "Neujahr-Morgen-2027"}, 422, map[string]string{"current_password": "wrong_password"}, ""},
		{"new password too short", "vera", "POST", "/api/v1/me/password", map[string]any{"current_password": "Herbstlaub-2026", "new_password": "kurz"}, 422, map[string]string{"new_password": "too_short"}, ""},
		{"directory user", "dirk", "POST", "/api/v1/me/password", map[string]any{"current_password": "x", "new_password": "Neujahr-Morgen-2027"}, 422, nil, "directory_managed"},
		{"anonymous", "", "POST", "/api/v1/me/password", map[string]any{}, 401, nil, ""},
		{"change", "vera", "POST", "/api/v1/me/password", map[string]any{"current_password": "Herbstlaub-2026", "new_password": "Neujahr-Morgen-2027"}, 204, nil, ""},
		{"own tokens", "vera", "GET", "/api/v1/me/tokens", nil, 200, nil, ""},
		{"another user's token", "ben", "DELETE", "/api/v1/me/tokens/%vera", nil, 404, nil, ""},
		{"revoke own token", "vera", "DELETE", "/api/v1/me/tokens/%vera", nil, 204, nil, ""},
		{"tokens anonymous", "", "GET", "/api/v1/me/tokens", nil, 401, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path
			if strings.HasSuffix(path, "%vera") {
				_, list := env.call(t, "vera", "GET", "/api/v1/me/tokens", nil)
				path = strings.Replace(path, "%vera", list["tokens"].([]any)[0].(map[string]any)["id"].(string), 1)
			}
			status, body := env.call(t, tt.caller, tt.method, path, tt.body)
			if status != tt.status {
				t.Fatalf("%s %s = %d, want %d: %v", tt.method, path, status, tt.status, body)
			}
			if tt.fields != nil && fmt.Sprint(fields(body)) != fmt.Sprint(tt.fields) {
				t.Errorf("fields %v, want %v", fields(body), tt.fields)
			}
			if tt.code != "" && errCode(body) != tt.code {
				t.Errorf("code %s, want %s", errCode(body), tt.code)
			}
		})
	}
	if status, _ := env.call(t, "", "POST", "/api/v1/login", map[string]any{"name": "vera", "password": "Neujahr-Morgen-2027"}); status != 200 {
		t.Errorf("login with the changed password: %d", status)
	}
	if status, _ := env.call(t, "vera", "GET", "/api/v1/me", nil); status != 401 {
		t.Errorf("revoked token still works: %d", status)
	}
	_, log := env.call(t, "root", "GET", "/api/v1/audit-log", nil)
	var actions []string
	for _, e := range log["entries"].([]any) {
		m := e.(map[string]any)
		actions = append(actions, fmt.Sprint(m["actor"], " ", m["action"], " ", m["detail"]))
	}
	if got := strings.Join(actions, "; "); got != "vera account.token_revoked test; vera account.password_changed <nil>" {
		t.Errorf("audit log: %s", got)
	}
}

// TestAPIAuditLogPages: the audit log comes newest first, in pages that
// follow one another without gaps or repeats.
func TestAPIAuditLogPages(t *testing.T) {
	env := usersEnv(t)
	for i := range 7 {
		if status, body := env.call(t, "root", "POST", "/api/v1/users", map[string]any{"name": fmt.Sprintf("u%d", i)}); status != 201 {
			t.Fatalf("create: %d %v", status, body)
		}
	}
	var seen []string
	before := 0.0
	for pages := 0; pages < 10; pages++ {
		status, body := env.call(t, "root", "GET", fmt.Sprintf("/api/v1/audit-log?limit=3&before=%d", int(before)), nil)
		if status != http.StatusOK {
			t.Fatalf("page: %d %v", status, body)
		}
		for _, e := range body["entries"].([]any) {
			seen = append(seen, e.(map[string]any)["user"].(string))
		}
		before = body["next"].(float64)
		if before == 0 {
			break
		}
	}
	if got := strings.Join(seen, " "); got != "u6 u5 u4 u3 u2 u1 u0" {
		t.Errorf("entries: %s", got)
	}
}

// TestAPIOwnPasswordThrottled: wrong current passwords count like failed
// logins, so a session left open is no way to guess the password; while a
// wait is due even the right one is answered 429 with Retry-After.
func TestAPIOwnPasswordThrottled(t *testing.T) {
	env := usersEnv(t)
	wrong := map[string]any{"current_password": "falsch", "new_password": "Neujahr-Morgen-2027"}
	for i := 1; ; i++ {
		status, body := env.call(t, "vera", "POST", "/api/v1/me/password", wrong)
		if status == http.StatusTooManyRequests {
			if i < 2 || errCode(body) != "login_throttled" {
				t.Fatalf("attempt %d: %d %v", i, status, body)
			}
			break
		}
		if status != http.StatusUnprocessableEntity || i > 10 {
			t.Fatalf("attempt %d: %d %v", i, status, body)
		}
	}
	right := map[string]any{"current_password": "Herbstlaub-2026", "new_password": "Neujahr-Morgen-2027"}
	if status, _ := env.call(t, "vera", "POST", "/api/v1/me/password", right); status != http.StatusTooManyRequests {
		t.Errorf("right password while a wait is due: %d", status)
	}
}
