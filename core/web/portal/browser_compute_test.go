package portal_test

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"vorgang/core/web/internal/webtest"
)

// waitText waits until the element's text is want, or gives up after a
// while and returns what it has: the page's script asks the server after a
// pause in typing.
func waitText(tb *webtest.Tab, sel, want string) string {
	tb.T.Helper()
	return webtest.Eval[string](tb, fmt.Sprintf(`new Promise(resolve => {
		const until = Date.now() + 20000;
		(function poll() {
			const el = document.querySelector(%q);
			const got = el ? el.textContent.trim() : "";
			if (got === %q || Date.now() > until) { resolve(got); } else { setTimeout(poll, 50); }
		})();
	})`, sel, want))
}

// A citizen sees the fee a compute script works out while filling in the
// form, announced to screen readers; without JavaScript it appears when
// the form is sent, also on a refused form. The page stays free of axe
// violations with the fee shown.
func TestBrowserComputedFee(t *testing.T) {
	webtest.RequireFile(t, webtest.AxePath(), "axe-core")
	axe, err := os.ReadFile(webtest.AxePath())
	if err != nil {
		t.Fatal(err)
	}
	env := webtest.NewUIEnv(t)
	c := webtest.StartChrome(t)

	t.Run("with JavaScript", func(t *testing.T) {
		tb := c.Tab(env.Base, true)
		tb.T = t
		if st := tb.Open("/portal/new/parking-permit"); st != http.StatusOK {
			t.Fatalf("form: status %d", st)
		}
		if got := tb.Text("#f-fee"); got != "" {
			t.Errorf("fee before anything is filled in = %q", got)
		}
		tb.Click("#f-months-1")
		tb.TypeText("#f-vehicles", "2")
		if got := waitText(tb, "#f-fee", "60"); got != "60" {
			t.Fatalf("fee after typing 2 vehicles for 12 months = %q, want 60", got)
		}
		live := webtest.Eval[string](tb, `(document.querySelector('.vg-live[aria-live="polite"]') || {}).textContent || ""`)
		if !strings.Contains(live, "Gebühr") || !strings.Contains(live, "60") {
			t.Errorf("polite announcement = %q, want the fee's label and value", live)
		}
		tb.Click("#f-months-0")
		if got := waitText(tb, "#f-fee", "30"); got != "30" {
			t.Errorf("fee after choosing 6 months = %q, want 30", got)
		}
		webtest.RunAxe(t, tb, string(axe))
	})

	t.Run("without JavaScript", func(t *testing.T) {
		tb := c.Tab(env.Base, false)
		tb.T = t
		tb.Open("/portal/new/parking-permit")
		tb.Click("#f-months-1")
		tb.TypeText("#f-vehicles", "2")
		tb.TypeText("#f-postcode", "80331")
		if got := tb.Text("#f-fee"); got != "" {
			t.Errorf("without JavaScript the fee = %q before sending", got)
		}
		if st := tb.Submit("button.vg-submit"); st != http.StatusUnprocessableEntity {
			t.Fatalf("refused form answered %d, want 422", st)
		}
		if got := tb.Text("#f-fee"); got != "60" {
			t.Errorf("refused form shows fee %q, want 60", got)
		}
		links := webtest.Eval[[]string](tb, `Array.from(document.querySelectorAll('#error-summary a')).map(a => a.getAttribute('href'))`)
		if !slices.Contains(links, "#f-postcode") || !slices.Contains(links, "#f-consent") {
			t.Errorf("error summary links %v, want the postcode (script) and the consent (form) at once", links)
		}
	})
}
