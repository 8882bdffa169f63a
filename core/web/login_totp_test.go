package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"vorgang/core/definition"
	"vorgang/core/internal/testkit"
)

// twoFactorDefinition requires two-factor sign-in of the local users
// holding it-lead (lea in the test users).
var twoFactorDefinition = definition.File{Path: "identity/lokal.yaml", Data: []byte(`apiVersion: vorgang/v1
kind: IdentityProvider
id: lokal
title: {de: Lokale Konten, en: Local accounts}
type: local
local:
  two_factor:
    required_for: [it-lead]
`)}

// totpEnv is a UI environment whose services run on a fake clock, so the
// tests compute the codes an app would show at that time.
type totpEnv struct {
	*uiEnv
	clock *testkit.Clock
}

func newTOTPEnv(t *testing.T) *totpEnv {
	t.Helper()
	// Near the real time: the browser's cookie jar drops cookies whose
	// expiry (the session's, from this clock) has passed.
	clock := testkit.NewClock(time.Now().UTC().Truncate(time.Minute))
	env := newUIEnv(t, uiOptions{clock: clock.Now, files: []definition.File{twoFactorDefinition}})
	return &totpEnv{uiEnv: env, clock: clock}
}

// code is the TOTP code of secret at the clock's time plus steps time
// steps.
func (e *totpEnv) code(t testing.TB, secret string, steps int) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, e.clock.Now().Add(time.Duration(steps)*30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrol turns two-factor sign-in on for the user through the service and
// returns the secret and the recovery codes. The code it confirms with is
// the previous step's, so the current one is still fresh.
func (e *totpEnv) enrol(t *testing.T, user string) (string, []string) {
	t.Helper()
	en, err := e.authn.BeginTOTP(t.Context(), user)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := e.authn.ConfirmTOTP(t.Context(), user, e.code(t, en.Secret, -1))
	if err != nil {
		t.Fatal(err)
	}
	return en.Secret, codes
}

// passwordStep posts the login form and returns the answer.
func passwordStep(b *browser, name, next string) page {
	b.t.Helper()
	p := b.get("/app/login")
	return b.post("/app/login", url.Values{"_csrf": {hidden(b.t, p.body, "_csrf")}, "name": {name}, "password": {uiPassword}, "next": {next}})
}

// codeStep posts the code form of page p.
func codeStep(b *browser, p page, code string) page {
	b.t.Helper()
	return b.post("/app/login/code", url.Values{"_csrf": {hidden(b.t, p.body, "_csrf")}, "pending": {hidden(b.t, p.body, "pending")},
		"next": {hidden(b.t, p.body, "next")}, "otp": {code}})
}

// TestLoginCodeStep: a user with two-factor sign-in gets the code form
// after the password, no session; a wrong or reused code is refused and
// counted; the right one signs in once; a recovery code works once.
func TestLoginCodeStep(t *testing.T) {
	env := newTOTPEnv(t)
	secret, recovery := env.enrol(t, "anna")

	t.Run("password alone gives no session", func(t *testing.T) {
		b := env.browser(t)
		p := passwordStep(b, "anna", "/app/dashboard")
		if p.status != http.StatusOK || !strings.Contains(p.body, `name="otp"`) || !strings.Contains(p.body, `autocomplete="one-time-code"`) {
			t.Fatalf("password step: %d, want the code form\n%s", p.status, p.body)
		}
		for _, c := range b.http.Jar.Cookies(mustURL(t, env.base)) {
			if c.Name == "vorgang_session" {
				t.Errorf("a session cookie after the password alone")
			}
		}
		if got := b.get("/app/"); got.status != http.StatusSeeOther || !strings.HasPrefix(got.location, "/app/login") {
			t.Errorf("inbox after the password alone: %d %s, want the login", got.status, got.location)
		}
	})
	t.Run("wrong code, then the right one", func(t *testing.T) {
		b := env.browser(t)
		p := passwordStep(b, "anna", "/app/dashboard")
		wrong := codeStep(b, p, "000000")
		if wrong.status != http.StatusUnauthorized || !strings.Contains(wrong.body, `aria-invalid="true"`) {
			t.Fatalf("wrong code: %d, want 401 with the field marked\n%s", wrong.status, wrong.body)
		}
		right := codeStep(b, wrong, env.code(t, secret, 0))
		if right.status != http.StatusSeeOther || right.location != "/app/dashboard" {
			t.Fatalf("right code: %d %s, want 303 to the dashboard\n%s", right.status, right.location, right.body)
		}
		if got := b.get("/app/dashboard"); got.status != http.StatusOK {
			t.Errorf("dashboard after the code: %d", got.status)
		}
		// The pending login is used up (posted from a fresh browser, as the
		// signed-in one's forms are bound to its session now).
		b3 := env.browser(t)
		form := b3.get("/app/login")
		again := b3.post("/app/login/code", url.Values{"_csrf": {hidden(t, form.body, "_csrf")}, "pending": {hidden(t, p.body, "pending")}, "otp": {env.code(t, secret, 1)}})
		if again.status != http.StatusUnauthorized || !strings.Contains(again.body, `name="password"`) {
			t.Errorf("pending login used twice: %d, want 401 and the login form", again.status)
		}
	})
	t.Run("a code used is refused in its time step", func(t *testing.T) {
		b := env.browser(t)
		p := codeStep(b, passwordStep(b, "anna", "/app/"), env.code(t, secret, 0))
		if p.status != http.StatusUnauthorized {
			t.Errorf("replayed code: %d, want 401", p.status)
		}
	})
	t.Run("recovery code once", func(t *testing.T) {
		b := env.browser(t)
		if p := codeStep(b, passwordStep(b, "anna", "/app/"), recovery[0]); p.status != http.StatusSeeOther {
			t.Fatalf("recovery code: %d, want 303\n%s", p.status, p.body)
		}
		b = env.browser(t)
		if p := codeStep(b, passwordStep(b, "anna", "/app/"), recovery[0]); p.status != http.StatusUnauthorized {
			t.Errorf("recovery code again: %d, want 401", p.status)
		}
	})
	t.Run("pending login expires", func(t *testing.T) {
		b := env.browser(t)
		p := passwordStep(b, "anna", "/app/")
		env.clock.Advance(6 * time.Minute)
		got := codeStep(b, p, env.code(t, secret, 0))
		if got.status != http.StatusUnauthorized || !strings.Contains(got.body, `name="password"`) {
			t.Errorf("code after expiry: %d, want 401 and the login form", got.status)
		}
	})
	t.Run("wrong codes are throttled like wrong passwords", func(t *testing.T) {
		b := env.browser(t)
		p := passwordStep(b, "anna", "/app/")
		last := 0
		for range 8 {
			p = codeStep(b, p, "111111")
			last = p.status
			if last == http.StatusTooManyRequests {
				break
			}
			if p.status == http.StatusUnauthorized && strings.Contains(p.body, `name="password"`) {
				// Five wrong codes end a pending login: start again.
				p = passwordStep(b, "anna", "/app/")
				if p.status == http.StatusTooManyRequests {
					last = p.status
					break
				}
			}
		}
		if last != http.StatusTooManyRequests {
			t.Errorf("after many wrong codes: %d, want 429", last)
		}
	})
}

// apiLoginJSON posts a JSON login and returns the status and the decoded
// body.
func apiLoginJSON(t *testing.T, env *totpEnv, body map[string]string) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, env.base+"/api/v1/login", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	p := env.browser(t).do(req)
	var out map[string]any
	if err := json.Unmarshal([]byte(p.body), &out); err != nil {
		t.Fatalf("login answer %d is not JSON: %s", p.status, p.body)
	}
	return p.status, out
}

// errorOf returns the code and the first field's name and code of an
// error answer.
func errorOf(body map[string]any) (code, field, fieldCode string) {
	e, _ := body["error"].(map[string]any)
	code, _ = e["code"].(string)
	if fs, _ := e["fields"].([]any); len(fs) > 0 {
		f, _ := fs[0].(map[string]any)
		field, _ = f["field"].(string)
		fieldCode, _ = f["code"].(string)
	}
	return
}

// TestAPILoginOTP: the JSON login of a user with two-factor sign-in needs
// the code in the field otp.
func TestAPILoginOTP(t *testing.T) {
	env := newTOTPEnv(t)
	secret, _ := env.enrol(t, "anna")
	cases := []struct {
		name      string
		otp       *string
		status    int
		code      string
		fieldCode string
	}{
		{"without code", nil, http.StatusUnauthorized, "otp_required", "otp_required"},
		{"wrong code", ptr("123456"), http.StatusUnauthorized, "invalid_otp", "invalid_otp"},
		{"right code", ptr(env.code(t, secret, 0)), http.StatusOK, "", ""},
		{"the same code again", ptr(env.code(t, secret, 0)), http.StatusUnauthorized, "invalid_otp", "invalid_otp"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := map[string]string{"name": "anna", "password": uiPassword}
			if c.otp != nil {
				body["otp"] = *c.otp
			}
			status, out := apiLoginJSON(t, env, body)
			if status != c.status {
				t.Fatalf("status %d, want %d: %v", status, c.status, out)
			}
			if c.status == http.StatusOK {
				if tok, _ := out["token"].(string); tok == "" {
					t.Errorf("no token: %v", out)
				}
				return
			}
			code, field, fieldCode := errorOf(out)
			if code != c.code || field != "otp" || fieldCode != c.fieldCode {
				t.Errorf("error %s, field %s %s; want %s naming otp (%s)", code, field, fieldCode, c.code, c.fieldCode)
			}
		})
	}
	t.Run("users without two-factor ignore otp", func(t *testing.T) {
		if status, out := apiLoginJSON(t, env, map[string]string{"name": "ben", "password": uiPassword, "otp": "123456"}); status != http.StatusOK {
			t.Errorf("status %d: %v", status, out)
		}
	})
}

var recoveryCodeRE = regexp.MustCompile(`<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code></li>`)
var secretRE = regexp.MustCompile(`<code class="vg-secret" id="tf-secret"[^>]*>([A-Z2-7 ]+)</code>`)

// TestTwoFactorRequiredByRole: a user whose role requires two-factor
// sign-in is sent to set it up before anything else, sets it up on the
// page with a code, sees the recovery codes once, and signs in with a code
// from then on.
func TestTwoFactorRequiredByRole(t *testing.T) {
	env := newTOTPEnv(t)
	b := env.browser(t)
	if p := passwordStep(b, "lea", "/app/dashboard"); p.status != http.StatusSeeOther {
		t.Fatalf("login: %d, want 303", p.status)
	}
	for _, path := range []string{"/app/", "/app/dashboard", "/admin/"} {
		if p := b.get(path); p.status != http.StatusSeeOther || p.location != "/app/two-factor" {
			t.Errorf("GET %s before set-up: %d %s, want 303 to /app/two-factor", path, p.status, p.location)
		}
	}
	// The API refuses the session too.
	req, _ := http.NewRequest(http.MethodGet, env.base+"/api/v1/me", nil)
	if p := b.do(req); p.status != http.StatusForbidden || !strings.Contains(p.body, `"two_factor_due"`) {
		t.Errorf("API with the session before set-up: %d %s, want 403 two_factor_due", p.status, p.body)
	}

	page := b.get("/app/two-factor")
	if page.status != http.StatusOK || !strings.Contains(page.body, `src="data:image/png;base64,`) {
		t.Fatalf("two-factor page: %d, want a QR code\n%s", page.status, page.body)
	}
	m := secretRE.FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("no secret on the page:\n%s", page.body)
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	wrong := b.post("/app/two-factor", url.Values{"_csrf": {hidden(t, page.body, "_csrf")}, "code": {"000000"}})
	if wrong.status != http.StatusUnprocessableEntity || !strings.Contains(wrong.body, `aria-invalid="true"`) {
		t.Fatalf("wrong code: %d, want 422 with the field marked", wrong.status)
	}
	// Reloading shows the same secret: what the app scanned stays valid.
	if again := secretRE.FindStringSubmatch(wrong.body); again == nil || strings.ReplaceAll(again[1], " ", "") != secret {
		t.Errorf("the secret changed on the second view")
	}
	done := b.post("/app/two-factor", url.Values{"_csrf": {hidden(t, page.body, "_csrf")}, "code": {env.code(t, secret, 0)}})
	codes := recoveryCodeRE.FindAllStringSubmatch(done.body, -1)
	if done.status != http.StatusOK || len(codes) != 10 {
		t.Fatalf("confirmation: %d with %d recovery codes, want 200 and 10\n%s", done.status, len(codes), done.body)
	}
	if p := b.get("/app/dashboard"); p.status != http.StatusOK {
		t.Errorf("dashboard after set-up: %d", p.status)
	}
	// Shown once: the page now says it is on, without the codes.
	if p := b.get("/app/two-factor"); recoveryCodeRE.MatchString(p.body) || strings.Contains(p.body, "data:image/png") {
		t.Errorf("the two-factor page shows codes or a key again")
	}
	// The next login asks for the code.
	env.clock.Advance(30 * time.Second)
	b2 := env.browser(t)
	p := passwordStep(b2, "lea", "/app/")
	if p.status != http.StatusOK || !strings.Contains(p.body, `name="otp"`) {
		t.Fatalf("next login: %d, want the code form", p.status)
	}
	if got := codeStep(b2, p, env.code(t, secret, 0)); got.status != http.StatusSeeOther {
		t.Errorf("code: %d, want 303", got.status)
	}
}

func ptr(s string) *string { return &s }

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(fmt.Errorf("parse %s: %w", s, err))
	}
	return u
}

// TestTwoFactorTurnOff: the page turns two-factor sign-in off with a
// current code only.
func TestTwoFactorTurnOff(t *testing.T) {
	env := newTOTPEnv(t)
	secret, _ := env.enrol(t, "anna")
	b := env.browser(t)
	if p := codeStep(b, passwordStep(b, "anna", "/app/"), env.code(t, secret, 0)); p.status != http.StatusSeeOther {
		t.Fatalf("login: %d", p.status)
	}
	form := b.get("/app/two-factor")
	if form.status != http.StatusOK || !strings.Contains(form.body, `name="action" value="off"`) {
		t.Fatalf("two-factor page: %d, want the form that turns it off\n%s", form.status, form.body)
	}
	off := func(code string) page {
		return b.post("/app/two-factor", url.Values{"_csrf": {hidden(t, form.body, "_csrf")}, "action": {"off"}, "code": {code}})
	}
	if p := off("000000"); p.status != http.StatusUnprocessableEntity {
		t.Errorf("wrong code: %d, want 422", p.status)
	}
	if p := off(env.code(t, secret, 0)); p.status != http.StatusUnprocessableEntity {
		t.Errorf("the code used at login: %d, want 422", p.status)
	}
	if p := off(env.code(t, secret, 1)); p.status != http.StatusOK || !strings.Contains(p.body, `id="tf-secret"`) {
		t.Errorf("right code: %d, want 200 and the set-up again", p.status)
	}
	b2 := env.browser(t)
	if p := passwordStep(b2, "anna", "/app/"); p.status != http.StatusSeeOther {
		t.Errorf("login after turning off: %d, want 303 without a code", p.status)
	}
}
