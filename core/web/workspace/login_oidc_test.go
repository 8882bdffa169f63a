package workspace_test

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
	"vorgang/core/web/internal/webtest"
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
func signOnFlow(t *testing.T, b *webtest.Browser, op *oidctest.Server, user, password string) *url.URL {
	t.Helper()
	p := b.Get("/app/oidc/sso/start?next=/app/dashboard")
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, op.Issuer+"/authorize?") {
		t.Fatalf("start: %d → %q\n%s", p.Status, p.Location, p.Body)
	}
	auth, _ := url.Parse(p.Location)
	q := auth.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" {
		t.Fatalf("authorization request without PKCE, nonce or state: %s", p.Location)
	}
	p = b.Do(mustRequest(t, http.MethodGet, p.Location, nil))
	if p.Status != http.StatusFound || !strings.HasPrefix(p.Location, op.Issuer+"/login?id=") {
		t.Fatalf("authorize: %d → %q\n%s", p.Status, p.Location, p.Body)
	}
	id := strings.TrimPrefix(p.Location, op.Issuer+"/login?id=")
	p = b.Do(mustRequest(t, http.MethodPost, op.Issuer+"/login", url.Values{"id": {id}, "username": {user}, "password": {password}}))
	if p.Status != http.StatusFound {
		t.Fatalf("provider login: %d\n%s", p.Status, p.Body)
	}
	p = b.Do(mustRequest(t, http.MethodGet, p.Location, nil))
	cb, err := url.Parse(p.Location)
	if p.Status != http.StatusFound || err != nil || !strings.HasPrefix(p.Location, b.Env.Base+"/app/oidc/sso/callback?") {
		t.Fatalf("provider callback: %d → %q\n%s", p.Status, p.Location, p.Body)
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
	env := webtest.NewUIEnv(t, webtest.UIOptions{Files: []definition.File{oidcDefinition(t, op)}})
	ctx := context.Background()

	t.Run("login page links the provider", func(t *testing.T) {
		p := env.Browser(t).Get("/app/login?next=/app/dashboard")
		if p.Status != http.StatusOK || !strings.Contains(p.Body, `href="/app/oidc/sso/start?next=%2Fapp%2Fdashboard"`) {
			t.Fatalf("login page: %d, want a link to the provider keeping next\n%s", p.Status, p.Body)
		}
	})

	t.Run("signed on, user made just in time", func(t *testing.T) {
		b := env.Browser(t)
		cb := signOnFlow(t, b, op, "olga", passwordOf("olga"))
		p := b.Do(mustRequest(t, http.MethodGet, cb.String(), nil))
		if p.Status != http.StatusSeeOther || p.Location != "/app/dashboard" {
			t.Fatalf("callback: %d → %q\n%s", p.Status, p.Location, p.Body)
		}
		if p := b.Get("/app/dashboard"); p.Status != http.StatusOK {
			t.Fatalf("dashboard after sign-on: %d", p.Status)
		}
		u, err := env.Authn.User(ctx, "olga")
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
		b := env.Browser(t)
		if p := b.Do(mustRequest(t, http.MethodGet, signOnFlow(t, b, op, "Otto", passwordOf("Otto")).String(), nil)); p.Status != http.StatusSeeOther {
			t.Fatalf("callback: %d\n%s", p.Status, p.Body)
		}
		u, err := env.Authn.User(ctx, "otto")
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
		b := env.Browser(t)
		if p := b.Do(mustRequest(t, http.MethodGet, signOnFlow(t, b, op, "olga", passwordOf("olga")).String(), nil)); p.Status != http.StatusSeeOther {
			t.Fatalf("callback: %d\n%s", p.Status, p.Body)
		}
		u, err := env.Authn.User(ctx, "olga")
		if err != nil {
			t.Fatal(err)
		}
		if u.DisplayName != "Olga Ort-Neu" || !slices.Equal(u.Roles, []string{"it-lead"}) || len(u.Teams) != 0 {
			t.Errorf("olga %+v, want the new name, role it-lead and no team", u)
		}
	})

	t.Run("refused: disabled in vorgang", func(t *testing.T) {
		u, err := env.Authn.User(ctx, "otto")
		if err != nil {
			t.Fatal(err)
		}
		yes := true
		if _, err := env.Authn.UpdateUser(ctx, "otto", u.Version, auth.UserChange{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
		b := env.Browser(t)
		if p := b.Do(mustRequest(t, http.MethodGet, signOnFlow(t, b, op, "Otto", passwordOf("Otto")).String(), nil)); p.Status != http.StatusForbidden {
			t.Fatalf("callback for a disabled user: %d, want 403", p.Status)
		}
		if p := b.Get("/app/"); p.Status != http.StatusSeeOther {
			t.Errorf("inbox after a refused sign-on: %d, want 303 to the login page", p.Status)
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
			b := env.Browser(t)
			cb := signOnFlow(t, b, op, tt.user, passwordOf(tt.user))
			if tt.change != nil {
				q := cb.Query()
				tt.change(q)
				cb.RawQuery = q.Encode()
			}
			p := b.Do(mustRequest(t, http.MethodGet, cb.String(), nil))
			if p.Status != http.StatusUnauthorized {
				t.Fatalf("callback: %d, want 401\n%s", p.Status, p.Body)
			}
			if !strings.Contains(p.Body, `name="password"`) {
				t.Errorf("the refusal is not the login page:\n%s", p.Body)
			}
			if p := b.Get("/app/"); p.Status != http.StatusSeeOther {
				t.Errorf("inbox after a refused sign-on: %d, want 303 to the login page", p.Status)
			}
		})
	}

	t.Run("refused: callback in another browser", func(t *testing.T) {
		cb := signOnFlow(t, env.Browser(t), op, "olga", passwordOf("olga"))
		other := env.Browser(t)
		if p := other.Do(mustRequest(t, http.MethodGet, cb.String(), nil)); p.Status != http.StatusUnauthorized {
			t.Fatalf("callback without the sign-on cookie: %d, want 401", p.Status)
		}
	})

	t.Run("refused: callback used twice", func(t *testing.T) {
		b := env.Browser(t)
		cb := signOnFlow(t, b, op, "olga", passwordOf("olga"))
		if p := b.Do(mustRequest(t, http.MethodGet, cb.String(), nil)); p.Status != http.StatusSeeOther {
			t.Fatalf("first callback: %d", p.Status)
		}
		b.Get("/app/") // keeps the session; the sign-on cookie is gone
		if p := b.Do(mustRequest(t, http.MethodGet, cb.String(), nil)); p.Status != http.StatusUnauthorized {
			t.Fatalf("second callback: %d, want 401", p.Status)
		}
	})

	t.Run("logout ends the session at the provider", func(t *testing.T) {
		b := env.Browser(t)
		if p := b.Do(mustRequest(t, http.MethodGet, signOnFlow(t, b, op, "olga", passwordOf("olga")).String(), nil)); p.Status != http.StatusSeeOther {
			t.Fatalf("callback: %d", p.Status)
		}
		inbox := b.Get("/app/")
		p := b.Post("/app/logout", url.Values{"_csrf": {webtest.Hidden(t, inbox.Body, "_csrf")}})
		to, ok := strings.CutPrefix(p.Header.Get("Refresh"), "0; url=")
		if p.Status != http.StatusOK || !ok || !strings.HasPrefix(to, op.Issuer+"/end_session?") || !strings.Contains(p.Body, `href="`+htmlEscape(to)+`"`) {
			t.Fatalf("logout: %d, Refresh %q, want the provider's end_session (and a link to it)\n%s", p.Status, p.Header.Get("Refresh"), p.Body)
		}
		end, _ := url.Parse(to)
		if end.Query().Get("id_token_hint") == "" || end.Query().Get("post_logout_redirect_uri") != env.Base+"/app/login" {
			t.Errorf("end_session without id_token_hint or post_logout_redirect_uri: %s", p.Location)
		}
		p = b.Do(mustRequest(t, http.MethodGet, to, nil))
		if p.Status != http.StatusFound || p.Location != env.Base+"/app/login" {
			t.Fatalf("provider end_session: %d → %q", p.Status, p.Location)
		}
		if ended := op.EndedSessions(); !slices.Contains(ended, "sub-olga") {
			t.Errorf("provider ended %v, want sub-olga", ended)
		}
		if p := b.Get("/app/"); p.Status != http.StatusSeeOther {
			t.Errorf("inbox after logout: %d, want 303", p.Status)
		}
	})

	t.Run("local logout stays local", func(t *testing.T) {
		b := env.Browser(t)
		b.Login("anna")
		inbox := b.Get("/app/")
		if p := b.Post("/app/logout", url.Values{"_csrf": {webtest.Hidden(t, inbox.Body, "_csrf")}}); p.Status != http.StatusSeeOther || p.Location != "/app/login" {
			t.Fatalf("logout of a local session: %d → %q", p.Status, p.Location)
		}
	})

	t.Run("unknown provider", func(t *testing.T) {
		if p := env.Browser(t).Get("/app/oidc/nobody/start"); p.Status != http.StatusNotFound {
			t.Fatalf("start with an unknown provider: %d, want 404", p.Status)
		}
	})

	t.Run("provider gone between login and callback", func(t *testing.T) {
		b := env.Browser(t)
		cb := signOnFlow(t, b, op, "olga", passwordOf("olga"))
		op.Stop()
		p := b.Do(mustRequest(t, http.MethodGet, cb.String(), nil))
		if p.Status != http.StatusServiceUnavailable || p.Header.Get("Retry-After") == "" {
			t.Fatalf("callback while the provider is down: %d (Retry-After %q), want 503", p.Status, p.Header.Get("Retry-After"))
		}
		b.Login("anna") // local accounts still sign in
	})
}

// TestSignOnProviderUnreachable: a provider that cannot be reached at the
// first sign-on is said on the login page (503), and local logins work.
func TestSignOnProviderUnreachable(t *testing.T) {
	op := oidctest.Start(t, oidctest.Options{Users: oidcPeople})
	env := webtest.NewUIEnv(t, webtest.UIOptions{Files: []definition.File{oidcDefinition(t, op)}})
	op.Stop()
	for _, lang := range []string{"de", "en"} {
		t.Run(lang, func(t *testing.T) {
			b := env.Browser(t)
			req := mustRequest(t, http.MethodGet, env.Base+"/app/oidc/sso/start", nil)
			req.Header.Set("Accept-Language", lang)
			p := b.Do(req)
			want := map[string]string{"de": "Identitätsanbieter ist gerade nicht erreichbar", "en": "identity provider cannot be reached"}[lang]
			if p.Status != http.StatusServiceUnavailable || p.Header.Get("Retry-After") == "" || !strings.Contains(p.Body, want) {
				t.Fatalf("start: %d (Retry-After %q), want 503 saying %q\n%s", p.Status, p.Header.Get("Retry-After"), want, p.Body)
			}
			if !strings.Contains(p.Body, `name="password"`) {
				t.Errorf("no local login form on the page")
			}
			b.Login("anna")
		})
	}
}
