package workspace_test

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
	"vorgang/core/web/internal/webtest"
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
	*webtest.UIEnv
	clock *testkit.Clock
}

func newTOTPEnv(t *testing.T) *totpEnv {
	t.Helper()
	// Near the real time: the browser's cookie jar drops cookies whose
	// expiry (the session's, from this clock) has passed.
	clock := testkit.NewClock(time.Now().UTC().Truncate(time.Minute))
	env := webtest.NewUIEnv(t, webtest.UIOptions{Clock: clock.Now, Files: []definition.File{twoFactorDefinition}})
	return &totpEnv{UIEnv: env, clock: clock}
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
	en, err := e.Authn.BeginTOTP(t.Context(), user)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := e.Authn.ConfirmTOTP(t.Context(), user, e.code(t, en.Secret, -1))
	if err != nil {
		t.Fatal(err)
	}
	return en.Secret, codes
}

// passwordStep posts the login form and returns the answer.
func passwordStep(b *webtest.Browser, name, next string) webtest.Page {
	b.T.Helper()
	p := b.Get("/app/login")
	return b.Post("/app/login", url.Values{"_csrf": {webtest.Hidden(b.T, p.Body, "_csrf")}, "name": {name}, "password": {webtest.UIPassword}, "next": {next}})
}

// codeStep posts the code form of page p.
func codeStep(b *webtest.Browser, p webtest.Page, code string) webtest.Page {
	b.T.Helper()
	return b.Post("/app/login/code", url.Values{"_csrf": {webtest.Hidden(b.T, p.Body, "_csrf")}, "pending": {webtest.Hidden(b.T, p.Body, "pending")},
		"next": {webtest.Hidden(b.T, p.Body, "next")}, "otp": {code}})
}

// TestLoginCodeStep: a user with two-factor sign-in gets the code form
// after the password, no session; a wrong or reused code is refused and
// counted; the right one signs in once; a recovery code works once.
func TestLoginCodeStep(t *testing.T) {
	env := newTOTPEnv(t)
	secret, recovery := env.enrol(t, "anna")

	t.Run("password alone gives no session", func(t *testing.T) {
		b := env.Browser(t)
		p := passwordStep(b, "anna", "/app/dashboard")
		if p.Status != http.StatusOK || !strings.Contains(p.Body, `name="otp"`) || !strings.Contains(p.Body, `autocomplete="one-time-code"`) {
			t.Fatalf("password step: %d, want the code form\n%s", p.Status, p.Body)
		}
		for _, c := range b.HTTP.Jar.Cookies(mustURL(t, env.Base)) {
			if c.Name == "vorgang_session" {
				t.Errorf("a session cookie after the password alone")
			}
		}
		if got := b.Get("/app/"); got.Status != http.StatusSeeOther || !strings.HasPrefix(got.Location, "/app/login") {
			t.Errorf("inbox after the password alone: %d %s, want the login", got.Status, got.Location)
		}
	})
	t.Run("wrong code, then the right one", func(t *testing.T) {
		b := env.Browser(t)
		p := passwordStep(b, "anna", "/app/dashboard")
		wrong := codeStep(b, p, "000000")
		if wrong.Status != http.StatusUnauthorized || !strings.Contains(wrong.Body, `aria-invalid="true"`) {
			t.Fatalf("wrong code: %d, want 401 with the field marked\n%s", wrong.Status, wrong.Body)
		}
		right := codeStep(b, wrong, env.code(t, secret, 0))
		if right.Status != http.StatusSeeOther || right.Location != "/app/dashboard" {
			t.Fatalf("right code: %d %s, want 303 to the dashboard\n%s", right.Status, right.Location, right.Body)
		}
		if got := b.Get("/app/dashboard"); got.Status != http.StatusOK {
			t.Errorf("dashboard after the code: %d", got.Status)
		}
		// The pending login is used up (posted from a fresh browser, as the
		// signed-in one's forms are bound to its session now).
		b3 := env.Browser(t)
		form := b3.Get("/app/login")
		again := b3.Post("/app/login/code", url.Values{"_csrf": {webtest.Hidden(t, form.Body, "_csrf")}, "pending": {webtest.Hidden(t, p.Body, "pending")}, "otp": {env.code(t, secret, 1)}})
		if again.Status != http.StatusUnauthorized || !strings.Contains(again.Body, `name="password"`) {
			t.Errorf("pending login used twice: %d, want 401 and the login form", again.Status)
		}
	})
	t.Run("a code used is refused in its time step", func(t *testing.T) {
		b := env.Browser(t)
		p := codeStep(b, passwordStep(b, "anna", "/app/"), env.code(t, secret, 0))
		if p.Status != http.StatusUnauthorized {
			t.Errorf("replayed code: %d, want 401", p.Status)
		}
	})
	t.Run("recovery code once", func(t *testing.T) {
		b := env.Browser(t)
		if p := codeStep(b, passwordStep(b, "anna", "/app/"), recovery[0]); p.Status != http.StatusSeeOther {
			t.Fatalf("recovery code: %d, want 303\n%s", p.Status, p.Body)
		}
		b = env.Browser(t)
		if p := codeStep(b, passwordStep(b, "anna", "/app/"), recovery[0]); p.Status != http.StatusUnauthorized {
			t.Errorf("recovery code again: %d, want 401", p.Status)
		}
	})
	t.Run("pending login expires", func(t *testing.T) {
		b := env.Browser(t)
		p := passwordStep(b, "anna", "/app/")
		env.clock.Advance(6 * time.Minute)
		got := codeStep(b, p, env.code(t, secret, 0))
		if got.Status != http.StatusUnauthorized || !strings.Contains(got.Body, `name="password"`) {
			t.Errorf("code after expiry: %d, want 401 and the login form", got.Status)
		}
	})
	t.Run("wrong codes are throttled like wrong passwords", func(t *testing.T) {
		b := env.Browser(t)
		p := passwordStep(b, "anna", "/app/")
		last := 0
		for range 8 {
			p = codeStep(b, p, "111111")
			last = p.Status
			if last == http.StatusTooManyRequests {
				break
			}
			if p.Status == http.StatusUnauthorized && strings.Contains(p.Body, `name="password"`) {
				// Five wrong codes end a pending login: start again.
				p = passwordStep(b, "anna", "/app/")
				if p.Status == http.StatusTooManyRequests {
					last = p.Status
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
	req, _ := http.NewRequest(http.MethodPost, env.Base+"/api/v1/login", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	p := env.Browser(t).Do(req)
	var out map[string]any
	if err := json.Unmarshal([]byte(p.Body), &out); err != nil {
		t.Fatalf("login answer %d is not JSON: %s", p.Status, p.Body)
	}
	return p.Status, out
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
			body := map[string]string{"name": "anna", "password": webtest.UIPassword}
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
		if status, out := apiLoginJSON(t, env, map[string]string{"name": "ben", "password": webtest.UIPassword, "otp": "123456"}); status != http.StatusOK {
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
	b := env.Browser(t)
	if p := passwordStep(b, "lea", "/app/dashboard"); p.Status != http.StatusSeeOther {
		t.Fatalf("login: %d, want 303", p.Status)
	}
	for _, path := range []string{"/app/", "/app/dashboard", "/admin/"} {
		if p := b.Get(path); p.Status != http.StatusSeeOther || p.Location != "/app/two-factor" {
			t.Errorf("GET %s before set-up: %d %s, want 303 to /app/two-factor", path, p.Status, p.Location)
		}
	}
	// The API refuses the session too.
	req, _ := http.NewRequest(http.MethodGet, env.Base+"/api/v1/me", nil)
	if p := b.Do(req); p.Status != http.StatusForbidden || !strings.Contains(p.Body, `"two_factor_due"`) {
		t.Errorf("API with the session before set-up: %d %s, want 403 two_factor_due", p.Status, p.Body)
	}

	page := b.Get("/app/two-factor")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `src="data:image/png;base64,`) {
		t.Fatalf("two-factor page: %d, want a QR code\n%s", page.Status, page.Body)
	}
	m := secretRE.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no secret on the page:\n%s", page.Body)
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	wrong := b.Post("/app/two-factor", url.Values{"_csrf": {webtest.Hidden(t, page.Body, "_csrf")}, "code": {"000000"}})
	if wrong.Status != http.StatusUnprocessableEntity || !strings.Contains(wrong.Body, `aria-invalid="true"`) {
		t.Fatalf("wrong code: %d, want 422 with the field marked", wrong.Status)
	}
	// Reloading shows the same secret: what the app scanned stays valid.
	if again := secretRE.FindStringSubmatch(wrong.Body); again == nil || strings.ReplaceAll(again[1], " ", "") != secret {
		t.Errorf("the secret changed on the second view")
	}
	done := b.Post("/app/two-factor", url.Values{"_csrf": {webtest.Hidden(t, page.Body, "_csrf")}, "code": {env.code(t, secret, 0)}})
	codes := recoveryCodeRE.FindAllStringSubmatch(done.Body, -1)
	if done.Status != http.StatusOK || len(codes) != 10 {
		t.Fatalf("confirmation: %d with %d recovery codes, want 200 and 10\n%s", done.Status, len(codes), done.Body)
	}
	if p := b.Get("/app/dashboard"); p.Status != http.StatusOK {
		t.Errorf("dashboard after set-up: %d", p.Status)
	}
	// Shown once: the page now says it is on, without the codes.
	if p := b.Get("/app/two-factor"); recoveryCodeRE.MatchString(p.Body) || strings.Contains(p.Body, "data:image/png") {
		t.Errorf("the two-factor page shows codes or a key again")
	}
	// The next login asks for the code.
	env.clock.Advance(30 * time.Second)
	b2 := env.Browser(t)
	p := passwordStep(b2, "lea", "/app/")
	if p.Status != http.StatusOK || !strings.Contains(p.Body, `name="otp"`) {
		t.Fatalf("next login: %d, want the code form", p.Status)
	}
	if got := codeStep(b2, p, env.code(t, secret, 0)); got.Status != http.StatusSeeOther {
		t.Errorf("code: %d, want 303", got.Status)
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
	b := env.Browser(t)
	if p := codeStep(b, passwordStep(b, "anna", "/app/"), env.code(t, secret, 0)); p.Status != http.StatusSeeOther {
		t.Fatalf("login: %d", p.Status)
	}
	form := b.Get("/app/two-factor")
	if form.Status != http.StatusOK || !strings.Contains(form.Body, `name="action" value="off"`) {
		t.Fatalf("two-factor page: %d, want the form that turns it off\n%s", form.Status, form.Body)
	}
	off := func(code string) webtest.Page {
		return b.Post("/app/two-factor", url.Values{"_csrf": {webtest.Hidden(t, form.Body, "_csrf")}, "action": {"off"}, "code": {code}})
	}
	if p := off("000000"); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("wrong code: %d, want 422", p.Status)
	}
	if p := off(env.code(t, secret, 0)); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("the code used at login: %d, want 422", p.Status)
	}
	if p := off(env.code(t, secret, 1)); p.Status != http.StatusOK || !strings.Contains(p.Body, `id="tf-secret"`) {
		t.Errorf("right code: %d, want 200 and the set-up again", p.Status)
	}
	b2 := env.Browser(t)
	if p := passwordStep(b2, "anna", "/app/"); p.Status != http.StatusSeeOther {
		t.Errorf("login after turning off: %d, want 303 without a code", p.Status)
	}
}
