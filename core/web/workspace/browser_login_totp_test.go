package workspace_test

import (
	"strings"
	"testing"
	"time"
	"vorgang/core/web/internal/webtest"
)

// TestBrowserTwoFactor sets up two-factor sign-in in real Chromium without
// JavaScript, as a user whose role requires it: sent to the set-up page
// after the password, the QR code shows (the page's policy allows its data
// URL), the key typed from the page's text gives a code the server takes,
// the recovery codes show, and the next sign-in asks for a code.
func TestBrowserTwoFactor(t *testing.T) {
	env := newTOTPEnv(t)
	c := webtest.StartChrome(t)
	tb := c.Tab(env.Base, false)
	tb.Open("/app/login")
	tb.TypeText("#login-name", "lea")
	tb.TypeText("#login-password", webtest.UIPassword)
	tb.Submit("button.vg-submit")
	if got := webtest.Eval[string](tb, "location.pathname"); got != "/app/two-factor" {
		t.Fatalf("after the password: at %s, want /app/two-factor", got)
	}
	if w := webtest.Eval[int](tb, "document.querySelector('img.vg-qr').naturalWidth"); w < 100 {
		t.Errorf("the QR code does not show (natural width %d)", w)
	}
	secret := strings.ReplaceAll(tb.Text("#tf-secret"), " ", "")
	tb.TypeText("#tf-code", env.code(t, secret, 0))
	if status := tb.Submit("button.vg-submit"); status != 200 {
		t.Fatalf("confirmation: status %d", status)
	}
	if n := webtest.Eval[int](tb, "document.querySelectorAll('.vg-recovery-codes code').length"); n != 10 {
		t.Errorf("%d recovery codes shown, want 10", n)
	}
	tb.Submit("form.vg-logout button")

	env.clock.Advance(30 * time.Second)
	tb.Open("/app/login")
	tb.TypeText("#login-name", "lea")
	tb.TypeText("#login-password", webtest.UIPassword)
	tb.Submit("button.vg-submit")
	if !tb.Has("#login-otp") {
		t.Fatal("the second sign-in does not ask for a code")
	}
	tb.TypeText("#login-otp", env.code(t, secret, 0))
	tb.Submit("button.vg-submit")
	if got := webtest.Eval[string](tb, "location.pathname"); got != "/app/" {
		t.Errorf("after the code: at %s, want /app/", got)
	}
	if !tb.Has("form.vg-logout") {
		t.Error("not signed in after the code")
	}
}
