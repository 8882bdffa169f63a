package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/internal/oidctest"
)

// oidcPeople are the provider's users: helpdesk members get the IT first
// level team, leads the it-lead role; "ben" is also a local account.
var oidcPeople = []oidctest.User{
	{Subject: "sub-olga", Username: "olga", Password: "olga-pw", Name: "Olga Ort", Email: "olga@example.org", Locale: "en-GB",
		Groups: []string{"/it/helpdesk", "/staff"}},
	{Subject: "sub-otto", Username: "Otto", Password: "otto-pw", Name: "Otto Ober", Email: "otto@example.org", Locale: "de",
		Groups: []string{"/it/leads"}},
	{Subject: "sub-ben", Username: "ben", Password: "ben-pw", Name: "Not Ben", Groups: []string{"/it/leads"}},
	{Subject: "sub-bad", Username: "no spaces allowed", Password: "bad-pw"},
}

// oidcDefinition is an IdentityProvider for op, its client secret in a
// file.
func oidcDefinition(t *testing.T, op *oidctest.Server) definition.File {
	t.Helper()
	secret := filepath.Join(t.TempDir(), "oidc-secret")
	if err := os.WriteFile(secret, []byte(op.ClientSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	yaml := fmt.Sprintf(`apiVersion: vorgang/v1
kind: IdentityProvider
id: sso
title: {de: Mit dem Stadt-Konto anmelden, en: Sign in with your city account}
type: oidc
oidc:
  issuer: %s
  client_id: %s
  client_secret: {file: %s}
  scopes: [profile, email, groups]
  timeout: 5s
  claims: {groups: groups}
  groups:
    map:
      - group: /it/helpdesk
        teams: [it-1st-level]
      - group: /it/leads
        roles: [it-lead]
`, op.Issuer, op.ClientID, secret)
	return definition.File{Path: "identity/sso.yaml", Data: []byte(yaml)}
}

// signOnFlow is one sign-on over HTTP, step by step as a browser takes
// it: vorgang's start link, the provider's authorization endpoint and
// login form, its redirect back. It stops before the callback and returns
// the callback URL, so a test may change it.
func signOnFlow(t *testing.T, b *browser, op *oidctest.Server, user, password string) *url.URL {
	t.Helper()
	p := b.get("/app/oidc/sso/start?next=/app/dashboard")
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, op.Issuer+"/authorize?") {
		t.Fatalf("start: %d → %q\n%s", p.status, p.location, p.body)
	}
	auth, _ := url.Parse(p.location)
	q := auth.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" {
		t.Fatalf("authorization request without PKCE, nonce or state: %s", p.location)
	}
	p = b.do(mustRequest(t, http.MethodGet, p.location, nil))
	if p.status != http.StatusFound || !strings.HasPrefix(p.location, op.Issuer+"/login?id=") {
		t.Fatalf("authorize: %d → %q\n%s", p.status, p.location, p.body)
	}
	id := strings.TrimPrefix(p.location, op.Issuer+"/login?id=")
	p = b.do(mustRequest(t, http.MethodPost, op.Issuer+"/login", url.Values{"id": {id}, "username": {user}, "password": {password}}))
	if p.status != http.StatusFound {
		t.Fatalf("provider login: %d\n%s", p.status, p.body)
	}
	p = b.do(mustRequest(t, http.MethodGet, p.location, nil))
	cb, err := url.Parse(p.location)
	if p.status != http.StatusFound || err != nil || !strings.HasPrefix(p.location, b.env.base+"/app/oidc/sso/callback?") {
		t.Fatalf("provider callback: %d → %q\n%s", p.status, p.location, p.body)
	}
	return cb
}

func htmlEscape(s string) string { return strings.ReplaceAll(s, "&", "&amp;") }

func passwordOf(user string) string {
	for _, u := range oidcPeople {
		if u.Username == user {
			return u.Password
		}
	}
	return ""
}

func mustRequest(t *testing.T, method, target string, form url.Values) *http.Request {
	t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req
}

// TestSignOn signs staff in with a real OpenID provider on loopback
// (authorization code flow with PKCE, state and nonce): users are made
// and updated just in time with the roles and teams of their groups; a
// callback whose state, nonce, audience or expiry does not check out is
// refused without a session; logout ends the session at the provider too.
func TestSignOn(t *testing.T) {
	op := oidctest.Start(t, oidctest.Options{Users: oidcPeople})
	env := newUIEnv(t, uiOptions{files: []definition.File{oidcDefinition(t, op)}})
	ctx := context.Background()

	t.Run("login page links the provider", func(t *testing.T) {
		p := env.browser(t).get("/app/login?next=/app/dashboard")
		if p.status != http.StatusOK || !strings.Contains(p.body, `href="/app/oidc/sso/start?next=%2Fapp%2Fdashboard"`) {
			t.Fatalf("login page: %d, want a link to the provider keeping next\n%s", p.status, p.body)
		}
	})

	t.Run("signed on, user made just in time", func(t *testing.T) {
		b := env.browser(t)
		cb := signOnFlow(t, b, op, "olga", passwordOf("olga"))
		p := b.do(mustRequest(t, http.MethodGet, cb.String(), nil))
		if p.status != http.StatusSeeOther || p.location != "/app/dashboard" {
			t.Fatalf("callback: %d → %q\n%s", p.status, p.location, p.body)
		}
		if p := b.get("/app/dashboard"); p.status != http.StatusOK {
			t.Fatalf("dashboard after sign-on: %d", p.status)
		}
		u, err := env.authn.User(ctx, "olga")
		if err != nil {
			t.Fatal(err)
		}
		if u.Source != "oidc:sso" || u.DisplayName != "Olga Ort" || u.Email != "olga@example.org" || u.Lang != "en" || u.PasswordHash != "" {
			t.Errorf("user %+v", u)
		}
		if !slices.Equal(u.Teams, []string{"it-1st-level"}) || len(u.Roles) != 0 {
			t.Errorf("teams %v roles %v, want [it-1st-level] []", u.Teams, u.Roles)
		}
	})

	t.Run("user name claim in lower case, role from a group", func(t *testing.T) {
		b := env.browser(t)
		if p := b.do(mustRequest(t, http.MethodGet, signOnFlow(t, b, op, "Otto", passwordOf("Otto")).String(), nil)); p.status != http.StatusSeeOther {
			t.Fatalf("callback: %d\n%s", p.status, p.body)
		}
		u, err := env.authn.User(ctx, "otto")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(u.Roles, []string{"it-lead"}) || u.Lang != "de" {
			t.Errorf("otto %+v, want role it-lead, lang de", u)
		}
	})

	t.Run("profile, roles and teams follow the provider", func(t *testing.T) {
		changed := oidcPeople[0]
		changed.Name, changed.Groups = "Olga Ort-Neu", []string{"/it/leads"}
		op.SetUser(changed)
		defer op.SetUser(oidcPeople[0])
		b := env.browser(t)
		if p := b.do(mustRequest(t, http.MethodGet, signOnFlow(t, b, op, "olga", passwordOf("olga")).String(), nil)); p.status != http.StatusSeeOther {
			t.Fatalf("callback: %d\n%s", p.status, p.body)
		}
		u, err := env.authn.User(ctx, "olga")
		if err != nil {
			t.Fatal(err)
		}
		if u.DisplayName != "Olga Ort-Neu" || !slices.Equal(u.Roles, []string{"it-lead"}) || len(u.Teams) != 0 {
			t.Errorf("olga %+v, want the new name, role it-lead and no team", u)
		}
	})

	t.Run("refused: disabled in vorgang", func(t *testing.T) {
		u, err := env.authn.User(ctx, "otto")
		if err != nil {
			t.Fatal(err)
		}
		yes := true
		if _, err := env.authn.UpdateUser(ctx, "otto", u.Version, auth.UserChange{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
		b := env.browser(t)
		if p := b.do(mustRequest(t, http.MethodGet, signOnFlow(t, b, op, "Otto", passwordOf("Otto")).String(), nil)); p.status != http.StatusForbidden {
			t.Fatalf("callback for a disabled user: %d, want 403", p.status)
		}
		if p := b.get("/app/"); p.status != http.StatusSeeOther {
			t.Errorf("inbox after a refused sign-on: %d, want 303 to the login page", p.status)
		}
	})

	refused := []struct {
		name   string
		tamper oidctest.Tamper
		user   string
		change func(q url.Values)
	}{
		{name: "tampered state", user: "olga", change: func(q url.Values) { q.Set("state", q.Get("state")+"x") }},
		{name: "state of no sign-on", user: "olga", change: func(q url.Values) { q.Set("state", "") }},
		{name: "wrong nonce", user: "olga", tamper: oidctest.Tamper{Nonce: "another-browsers-nonce"}},
		{name: "expired id token", user: "olga", tamper: oidctest.Tamper{Lifetime: -time.Minute}},
		{name: "wrong audience", user: "olga", tamper: oidctest.Tamper{IssuedTo: "another-client"}},
		{name: "code changed", user: "olga", change: func(q url.Values) { q.Set("code", q.Get("code")+"x") }},
		{name: "provider error", user: "olga", change: func(q url.Values) { q.Del("code"); q.Set("error", "access_denied") }},
		{name: "name of a local account", user: "ben"},
		{name: "login claim no user name", user: "no spaces allowed"},
	}
	for _, tt := range refused {
		t.Run("refused: "+tt.name, func(t *testing.T) {
			op.SetTamper(tt.tamper)
			defer op.SetTamper(oidctest.Tamper{})
			b := env.browser(t)
			cb := signOnFlow(t, b, op, tt.user, passwordOf(tt.user))
			if tt.change != nil {
				q := cb.Query()
				tt.change(q)
				cb.RawQuery = q.Encode()
			}
			p := b.do(mustRequest(t, http.MethodGet, cb.String(), nil))
			if p.status != http.StatusUnauthorized {
				t.Fatalf("callback: %d, want 401\n%s", p.status, p.body)
			}
			if !strings.Contains(p.body, `name="password"`) {
				t.Errorf("the refusal is not the login page:\n%s", p.body)
			}
			if p := b.get("/app/"); p.status != http.StatusSeeOther {
				t.Errorf("inbox after a refused sign-on: %d, want 303 to the login page", p.status)
			}
		})
	}

	t.Run("refused: callback in another browser", func(t *testing.T) {
		cb := signOnFlow(t, env.browser(t), op, "olga", passwordOf("olga"))
		other := env.browser(t)
		if p := other.do(mustRequest(t, http.MethodGet, cb.String(), nil)); p.status != http.StatusUnauthorized {
			t.Fatalf("callback without the sign-on cookie: %d, want 401", p.status)
		}
	})

	t.Run("refused: callback used twice", func(t *testing.T) {
		b := env.browser(t)
		cb := signOnFlow(t, b, op, "olga", passwordOf("olga"))
		if p := b.do(mustRequest(t, http.MethodGet, cb.String(), nil)); p.status != http.StatusSeeOther {
			t.Fatalf("first callback: %d", p.status)
		}
		b.get("/app/") // keeps the session; the sign-on cookie is gone
		if p := b.do(mustRequest(t, http.MethodGet, cb.String(), nil)); p.status != http.StatusUnauthorized {
			t.Fatalf("second callback: %d, want 401", p.status)
		}
	})

	t.Run("logout ends the session at the provider", func(t *testing.T) {
		b := env.browser(t)
		if p := b.do(mustRequest(t, http.MethodGet, signOnFlow(t, b, op, "olga", passwordOf("olga")).String(), nil)); p.status != http.StatusSeeOther {
			t.Fatalf("callback: %d", p.status)
		}
		inbox := b.get("/app/")
		p := b.post("/app/logout", url.Values{"_csrf": {hidden(t, inbox.body, "_csrf")}})
		to, ok := strings.CutPrefix(p.header.Get("Refresh"), "0; url=")
		if p.status != http.StatusOK || !ok || !strings.HasPrefix(to, op.Issuer+"/end_session?") || !strings.Contains(p.body, `href="`+htmlEscape(to)+`"`) {
			t.Fatalf("logout: %d, Refresh %q, want the provider's end_session (and a link to it)\n%s", p.status, p.header.Get("Refresh"), p.body)
		}
		end, _ := url.Parse(to)
		if end.Query().Get("id_token_hint") == "" || end.Query().Get("post_logout_redirect_uri") != env.base+"/app/login" {
			t.Errorf("end_session without id_token_hint or post_logout_redirect_uri: %s", p.location)
		}
		p = b.do(mustRequest(t, http.MethodGet, to, nil))
		if p.status != http.StatusFound || p.location != env.base+"/app/login" {
			t.Fatalf("provider end_session: %d → %q", p.status, p.location)
		}
		if ended := op.EndedSessions(); !slices.Contains(ended, "sub-olga") {
			t.Errorf("provider ended %v, want sub-olga", ended)
		}
		if p := b.get("/app/"); p.status != http.StatusSeeOther {
			t.Errorf("inbox after logout: %d, want 303", p.status)
		}
	})

	t.Run("local logout stays local", func(t *testing.T) {
		b := env.browser(t)
		b.login("anna")
		inbox := b.get("/app/")
		if p := b.post("/app/logout", url.Values{"_csrf": {hidden(t, inbox.body, "_csrf")}}); p.status != http.StatusSeeOther || p.location != "/app/login" {
			t.Fatalf("logout of a local session: %d → %q", p.status, p.location)
		}
	})

	t.Run("unknown provider", func(t *testing.T) {
		if p := env.browser(t).get("/app/oidc/nobody/start"); p.status != http.StatusNotFound {
			t.Fatalf("start with an unknown provider: %d, want 404", p.status)
		}
	})

	t.Run("provider gone between login and callback", func(t *testing.T) {
		b := env.browser(t)
		cb := signOnFlow(t, b, op, "olga", passwordOf("olga"))
		op.Stop()
		p := b.do(mustRequest(t, http.MethodGet, cb.String(), nil))
		if p.status != http.StatusServiceUnavailable || p.header.Get("Retry-After") == "" {
			t.Fatalf("callback while the provider is down: %d (Retry-After %q), want 503", p.status, p.header.Get("Retry-After"))
		}
		b.login("anna") // local accounts still sign in
	})
}

// TestSignOnProviderUnreachable: a provider that cannot be reached at the
// first sign-on is said on the login page (503), and local logins work.
func TestSignOnProviderUnreachable(t *testing.T) {
	op := oidctest.Start(t, oidctest.Options{Users: oidcPeople})
	env := newUIEnv(t, uiOptions{files: []definition.File{oidcDefinition(t, op)}})
	op.Stop()
	for _, lang := range []string{"de", "en"} {
		t.Run(lang, func(t *testing.T) {
			b := env.browser(t)
			req := mustRequest(t, http.MethodGet, env.base+"/app/oidc/sso/start", nil)
			req.Header.Set("Accept-Language", lang)
			p := b.do(req)
			want := map[string]string{"de": "Identitätsanbieter ist gerade nicht erreichbar", "en": "identity provider cannot be reached"}[lang]
			if p.status != http.StatusServiceUnavailable || p.header.Get("Retry-After") == "" || !strings.Contains(p.body, want) {
				t.Fatalf("start: %d (Retry-After %q), want 503 saying %q\n%s", p.status, p.header.Get("Retry-After"), want, p.body)
			}
			if !strings.Contains(p.body, `name="password"`) {
				t.Errorf("no local login form on the page")
			}
			b.login("anna")
		})
	}
}
