package admin_test

import (
	"strings"
	"testing"
	"vorgang/core/web/internal/webtest"
)

// TestBrowserAdminUsers: in headless Chromium with JavaScript off, an
// administrator creates a user (after a refused first try), edits them
// and makes a password link; the person opens the link in a browser of
// their own, sets a password and signs in with it.
func TestBrowserAdminUsers(t *testing.T) {
	env := webtest.NewUIEnv(t)
	c := webtest.StartChrome(t)
	admin := c.Tab(env.Base, false)
	admin.Open("/app/login")
	admin.TypeText("#login-name", "root")
	admin.TypeText("#login-password", webtest.UIPassword)
	admin.Submit("button.vg-submit")

	admin.Open("/admin/users")
	admin.TypeText("#user-name", "eva")
	admin.TypeText("#user-display_name", "Eva Engel")
	admin.TypeText("#user-email", "eva-at-example")
	admin.Click("#user-teams-it-1st-level")
	if status := admin.Submit(`form[action="/admin/users"] button.vg-submit`); status != 422 {
		t.Fatalf("refused create: status %d", status)
	}
	if got := admin.Text(".vg-error-summary"); !strings.Contains(got, "E-Mail-Adresse") {
		t.Errorf("error summary: %q", got)
	}
	if !webtest.Eval[bool](admin, `document.querySelector("#user-teams-it-1st-level").checked && document.querySelector("#user-display_name").value === "Eva Engel"`) {
		t.Errorf("the refused form lost what was entered")
	}
	admin.TypeText("#user-email", "eva@example.org")
	if status := admin.Submit(`form[action="/admin/users"] button.vg-submit`); status != 200 {
		t.Fatalf("create: status %d", status)
	}
	if got := webtest.Eval[string](admin, "location.pathname"); got != "/admin/users/eva" {
		t.Fatalf("after create: at %s", got)
	}

	admin.Click("#user-teams-it-2nd-level")
	admin.TypeText("#user-manager", "anna")
	if status := admin.Submit(`form[action="/admin/users/eva"] button.vg-submit`); status != 200 {
		t.Fatalf("edit: status %d", status)
	}
	if got := admin.Text(".vg-notice"); !strings.Contains(got, "gespeichert") {
		t.Errorf("notice after the edit: %q", got)
	}
	if u, _ := env.Authn.User(t.Context(), evaName); strings.Join(u.Teams, ",") != "it-1st-level,it-2nd-level" || u.Manager != "anna" {
		t.Errorf("eva after the edit: %+v", u)
	}

	admin.Submit(`form[action="/admin/users/eva/password-reset"] button`)
	link := webtest.Eval[string](admin, `document.querySelector("#reset-link").value`)
	if !strings.Contains(link, "/app/password/") {
		t.Fatalf("reset link: %q", link)
	}

	eva := c.Tab(env.Base, false)
	eva.Open(strings.TrimPrefix(link, env.Base))
	eva.TypeText("#user-password", "Ein-langer-Satz-2027")
	eva.TypeText("#user-password_repeat", "Ein-langer-Satz-2027")
	if status := eva.Submit("button.vg-submit"); status != 200 {
		t.Fatalf("set password: status %d", status)
	}
	eva.Open("/app/login")
	eva.TypeText("#login-name", "eva")
	eva.TypeText("#login-password", "Ein-langer-Satz-2027")
	eva.Submit("button.vg-submit")
	if got := webtest.Eval[string](eva, "location.pathname"); got != "/app/" {
		t.Errorf("eva's login ended at %s", got)
	}
}
