package admin_test

import (
	"net/http"
	"strings"
	"testing"
	"vorgang/core/web/internal/webtest"
)

// TestAdminProcessWayBack: a transition back to the previous state
// (to: $previous) reads as such on the admin page, with arrows back to the
// states the waiting state is entered from, and never as "$previous".
func TestAdminProcessWayBack(t *testing.T) {
	env := webtest.NewUIEnv(t)
	b := env.Browser(t)
	b.Login("root")
	for _, tc := range []struct{ lang, want string }{{"de", "zurück zum vorherigen Zustand"}, {"en", "back to the previous state"}} {
		p := b.Get("/admin/processes/it-incident?lang=" + tc.lang)
		if p.Status != http.StatusOK {
			t.Fatalf("%s: %d", tc.lang, p.Status)
		}
		if !strings.Contains(p.Body, tc.want) {
			t.Errorf("%s: the page lacks %q", tc.lang, tc.want)
		}
		if strings.Contains(p.Body, "$previous") {
			t.Errorf("%s: the page shows $previous", tc.lang)
		}
		// The reply arcs back from waiting to both states it is asked from.
		if n := strings.Count(p.Body, `stroke-dasharray="5 3"`); n < 2 {
			t.Errorf("%s: %d arcs back, want at least 2", tc.lang, n)
		}
	}
}
