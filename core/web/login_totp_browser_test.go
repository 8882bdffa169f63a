package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// TestBrowserTwoFactor sets up two-factor sign-in in real Chromium without
// JavaScript, as a user whose role requires it: sent to the set-up page
// after the password, the QR code shows (the page's policy allows its data
// URL), the key typed from the page's text gives a code the server takes,
// the recovery codes show, and the next sign-in asks for a code.
func TestBrowserTwoFactor(t *testing.T) {
	env := newTOTPEnv(t)
	c := startChrome(t)
	tb := c.tab(env.base, false)
	tb.open("/app/login")
	tb.typeText("#login-name", "lea")
	tb.typeText("#login-password", uiPassword)
	tb.submit("button.vg-submit")
	if got := eval[string](tb, "location.pathname"); got != "/app/two-factor" {
		t.Fatalf("after the password: at %s, want /app/two-factor", got)
	}
	if w := eval[int](tb, "document.querySelector('img.vg-qr').naturalWidth"); w < 100 {
		t.Errorf("the QR code does not show (natural width %d)", w)
	}
	secret := strings.ReplaceAll(tb.text("#tf-secret"), " ", "")
	tb.typeText("#tf-code", env.code(t, secret, 0))
	if status := tb.submit("button.vg-submit"); status != 200 {
		t.Fatalf("confirmation: status %d", status)
	}
	if n := eval[int](tb, "document.querySelectorAll('.vg-recovery-codes code').length"); n != 10 {
		t.Errorf("%d recovery codes shown, want 10", n)
	}
	tb.submit("form.vg-logout button")

	env.clock.Advance(30 * time.Second)
	tb.open("/app/login")
	tb.typeText("#login-name", "lea")
	tb.typeText("#login-password", uiPassword)
	tb.submit("button.vg-submit")
	if !tb.has("#login-otp") {
		t.Fatal("the second sign-in does not ask for a code")
	}
	tb.typeText("#login-otp", env.code(t, secret, 0))
	tb.submit("button.vg-submit")
	if got := eval[string](tb, "location.pathname"); got != "/app/" {
		t.Errorf("after the code: at %s, want /app/", got)
	}
	if !tb.has("form.vg-logout") {
		t.Error("not signed in after the code")
	}
}

// enrolCarla turns two-factor sign-in on for carla (on the real clock of
// the accessibility scan's environment), so her login shows the code step.
func enrolCarla(t *testing.T, env *uiEnv) {
	t.Helper()
	ctx, user := t.Context(), "carla"
	en, err := env.authn.BeginTOTP(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	code, err := totp.GenerateCode(en.Secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.authn.ConfirmTOTP(ctx, user, code); err != nil {
		t.Fatal(err)
	}
}
