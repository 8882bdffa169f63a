package web_test

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"

	"vorgang/core/definition"
	"vorgang/core/internal/oidctest"
)

// TestBrowserSignOn signs in with the OpenID provider in headless
// Chromium, with and without JavaScript: the provider's button on the
// login page, the provider's own form, back in the inbox; then logout
// ends the session at the provider as well and lands on the login page.
func TestBrowserSignOn(t *testing.T) {
	op := oidctest.Start(t, oidctest.Options{Users: oidcPeople})
	env := newUIEnv(t, uiOptions{files: []definition.File{oidcDefinition(t, op)}})
	c := startChrome(t)
	for _, js := range []bool{true, false} {
		t.Run(fmt.Sprintf("javascript=%v", js), func(t *testing.T) {
			ended := len(op.EndedSessions())
			// The tab belongs to the subtest, so what its console reports
			// fails the subtest, not a finished one.
			c.t = t
			tb := c.tab(env.base, js)
			if st := tb.open("/app/tickets/none"); st != http.StatusOK || !tb.has(".vg-signon a") {
				t.Fatalf("login page: status %d, provider button %v", st, tb.has(".vg-signon a"))
			}
			if got := tb.text(".vg-signon a"); got != "Mit dem Stadt-Konto anmelden" {
				t.Errorf("button %q, want the provider's title in German", got)
			}
			if js {
				requireFile(t, axePath, "axe-core")
				axe, err := os.ReadFile(axePath)
				if err != nil {
					t.Fatal(err)
				}
				runAxe(t, tb, string(axe))
			}
			tb.submit(".vg-signon a")
			if !tb.has("#username") {
				t.Fatalf("not at the provider's form: %s", eval[string](tb, "location.href"))
			}
			tb.typeText("#username", "olga")
			tb.typeText("#password", passwordOf("olga"))
			tb.submit("#submit")
			// next was kept through the provider: the ticket asked for,
			// which does not exist, so its page says so.
			if got := eval[string](tb, "location.pathname"); got != "/app/tickets/none" {
				t.Fatalf("after sign-on at %q, want /app/tickets/none", got)
			}
			if !tb.has("form.vg-logout") {
				t.Fatalf("signed on, but no logout button")
			}
			tb.submit("form.vg-logout button")
			// The signed-out page sends the browser on to the provider,
			// which sends it back to the login page.
			tb.do("wait for the login page", chromedp.WaitVisible(chromedp.CSS("#login-name")))
			if got := eval[string](tb, "location.href"); got != env.base+"/app/login" {
				t.Fatalf("after logout at %q, want the login page", got)
			}
			if e := op.EndedSessions(); len(e) != ended+1 || !slices.Contains(e, "sub-olga") {
				t.Errorf("provider sessions ended %v, want sub-olga's once more", e)
			}
			if tb.open("/app/"); !tb.has("#login-name") {
				t.Errorf("the workspace is open after logout")
			}
		})
	}
}
