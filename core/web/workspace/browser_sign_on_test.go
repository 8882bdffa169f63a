package workspace_test

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"

	"vorgang/core/definition"
	"vorgang/core/internal/oidctest"
	"vorgang/core/web/internal/webtest"
)

// TestBrowserSignOn signs in with the OpenID provider in headless
// Chromium, with and without JavaScript: the provider's button on the
// login page, the provider's own form, back in the inbox; then logout
// ends the session at the provider as well and lands on the login page.
func TestBrowserSignOn(t *testing.T) {
	op := oidctest.Start(t, oidctest.Options{Users: oidcPeople})
	env := webtest.NewUIEnv(t, webtest.UIOptions{Files: []definition.File{oidcDefinition(t, op)}})
	c := webtest.StartChrome(t)
	for _, js := range []bool{true, false} {
		t.Run(fmt.Sprintf("javascript=%v", js), func(t *testing.T) {
			ended := len(op.EndedSessions())
			// The tab belongs to the subtest, so what its console reports
			// fails the subtest, not a finished one.
			c.T = t
			tb := c.Tab(env.Base, js)
			if st := tb.Open("/app/tickets/none"); st != http.StatusOK || !tb.Has(".vg-signon a") {
				t.Fatalf("login page: status %d, provider button %v", st, tb.Has(".vg-signon a"))
			}
			if got := tb.Text(".vg-signon a"); got != "Mit dem Stadt-Konto anmelden" {
				t.Errorf("button %q, want the provider's title in German", got)
			}
			if js {
				webtest.RequireFile(t, webtest.AxePath(), "axe-core")
				axe, err := os.ReadFile(webtest.AxePath())
				if err != nil {
					t.Fatal(err)
				}
				webtest.RunAxe(t, tb, string(axe))
			}
			tb.Submit(".vg-signon a")
			if !tb.Has("#username") {
				t.Fatalf("not at the provider's form: %s", webtest.Eval[string](tb, "location.href"))
			}
			tb.TypeText("#username", "olga")
			tb.TypeText("#password", passwordOf("olga"))
			tb.Submit("#submit")
			// next was kept through the provider: the ticket asked for,
			// which does not exist, so its page says so.
			if got := webtest.Eval[string](tb, "location.pathname"); got != "/app/tickets/none" {
				t.Fatalf("after sign-on at %q, want /app/tickets/none", got)
			}
			if !tb.Has("form.vg-logout") {
				t.Fatalf("signed on, but no logout button")
			}
			tb.Submit("form.vg-logout button")
			// The signed-out page sends the browser on to the provider,
			// which sends it back to the login page.
			tb.Do("wait for the login page", chromedp.WaitVisible(chromedp.CSS("#login-name")))
			if got := webtest.Eval[string](tb, "location.href"); got != env.Base+"/app/login" {
				t.Fatalf("after logout at %q, want the login page", got)
			}
			if e := op.EndedSessions(); len(e) != ended+1 || !slices.Contains(e, "sub-olga") {
				t.Errorf("provider sessions ended %v, want sub-olga's once more", e)
			}
			if tb.Open("/app/"); !tb.Has("#login-name") {
				t.Errorf("the workspace is open after logout")
			}
		})
	}
}
