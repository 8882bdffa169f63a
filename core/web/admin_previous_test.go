package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestAdminProcessWayBack: a transition back to the previous state
// (to: $previous) reads as such on the admin page, with arrows back to the
// states the waiting state is entered from, and never as "$previous".
func TestAdminProcessWayBack(t *testing.T) {
	env := newUIEnv(t)
	b := env.browser(t)
	b.login("root")
	for _, tc := range []struct{ lang, want string }{{"de", "zurück zum vorherigen Zustand"}, {"en", "back to the previous state"}} {
		p := b.get("/admin/processes/it-incident?lang=" + tc.lang)
		if p.status != http.StatusOK {
			t.Fatalf("%s: %d", tc.lang, p.status)
		}
		if !strings.Contains(p.body, tc.want) {
			t.Errorf("%s: the page lacks %q", tc.lang, tc.want)
		}
		if strings.Contains(p.body, "$previous") {
			t.Errorf("%s: the page shows $previous", tc.lang)
		}
		// The reply arcs back from waiting to both states it is asked from.
		if n := strings.Count(p.body, `stroke-dasharray="5 3"`); n < 2 {
			t.Errorf("%s: %d arcs back, want at least 2", tc.lang, n)
		}
	}
}
