package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vorgang/core/web/internal/webtest"
)

// TestLinksNameThePublicAddress: the links an answer hands out to be kept
// or passed on — a citizen's tracking link, a password reset link in the
// API and on the admin page — name the configured public address, not the
// host the request came in under (behind a proxy, an internal one).
func TestLinksNameThePublicAddress(t *testing.T) {
	const public = "https://vorgang.example.org"
	env := webtest.NewUIEnv(t, webtest.UIOptions{BaseURL: public + "/"})
	b := env.Browser(t)

	field := func(body, name string) string {
		var m map[string]any
		if err := json.Unmarshal([]byte(body), &m); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		s, _ := m[name].(string)
		return s
	}
	root := env.Browser(t)
	root.Login("root")
	admin := root.Get("/admin/users/carla")
	if admin.Status != http.StatusOK {
		t.Fatalf("admin user page: %d", admin.Status)
	}
	adminReset := root.Post("/admin/users/carla/password-reset", url.Values{"_csrf": {webtest.Hidden(t, admin.Body, "_csrf")}})
	_, apiReset := env.APICall(t, "root", http.MethodPost, "/api/v1/users/carla/password-reset", "")

	for _, c := range []struct{ what, link, path string }{
		{"tracking link of a citizen's create", field(webtest.APICreate(b, "", "citizen-request", webtest.StreetlightRequest).Body, "tracking"), "/portal/track/"},
		{"reset link in the API", field(apiReset, "url"), "/app/password/"},
		{"reset link on the admin page", webtest.RegexpFind(t, adminReset.Body, `value="(https?://[^"]+/app/password/[^"]+)"`), "/app/password/"},
	} {
		if !strings.HasPrefix(c.link, public+c.path) {
			t.Errorf("%s: %q, want it under %s%s", c.what, c.link, public, c.path)
		}
	}
}
