package web_test

import (
	"strings"
	"testing"
)

// TestBrowserAdminUsers: in headless Chromium with JavaScript off, an
// administrator creates a user (after a refused first try), edits them
// and makes a password link; the person opens the link in a browser of
// their own, sets a password and signs in with it.
func TestBrowserAdminUsers(t *testing.T) {
	env := newUIEnv(t)
	c := startChrome(t)
	admin := c.tab(env.base, false)
	admin.open("/app/login")
	admin.typeText("#login-name", "root")
	admin.typeText("#login-password", uiPassword)
	admin.submit("button.vg-submit")

	admin.open("/admin/users")
	admin.typeText("#user-name", "eva")
	admin.typeText("#user-display_name", "Eva Engel")
	admin.typeText("#user-email", "eva-at-example")
	admin.click("#user-teams-it-1st-level")
	if status := admin.submit(`form[action="/admin/users"] button.vg-submit`); status != 422 {
		t.Fatalf("refused create: status %d", status)
	}
	if got := admin.text(".vg-error-summary"); !strings.Contains(got, "E-Mail-Adresse") {
		t.Errorf("error summary: %q", got)
	}
	if !eval[bool](admin, `document.querySelector("#user-teams-it-1st-level").checked && document.querySelector("#user-display_name").value === "Eva Engel"`) {
		t.Errorf("the refused form lost what was entered")
	}
	admin.typeText("#user-email", "eva@example.org")
	if status := admin.submit(`form[action="/admin/users"] button.vg-submit`); status != 200 {
		t.Fatalf("create: status %d", status)
	}
	if got := eval[string](admin, "location.pathname"); got != "/admin/users/eva" {
		t.Fatalf("after create: at %s", got)
	}

	admin.click("#user-teams-it-2nd-level")
	admin.typeText("#user-manager", "anna")
	if status := admin.submit(`form[action="/admin/users/eva"] button.vg-submit`); status != 200 {
		t.Fatalf("edit: status %d", status)
	}
	if got := admin.text(".vg-notice"); !strings.Contains(got, "gespeichert") {
		t.Errorf("notice after the edit: %q", got)
	}
	if u, _ := env.authn.User(t.Context(), evaName); strings.Join(u.Teams, ",") != "it-1st-level,it-2nd-level" || u.Manager != "anna" {
		t.Errorf("eva after the edit: %+v", u)
	}

	admin.submit(`form[action="/admin/users/eva/password-reset"] button`)
	link := eval[string](admin, `document.querySelector("#reset-link").value`)
	if !strings.Contains(link, "/app/password/") {
		t.Fatalf("reset link: %q", link)
	}

	eva := c.tab(env.base, false)
	eva.open(strings.TrimPrefix(link, env.base))
	eva.typeText("#user-password", "Ein-langer-Satz-2027")
	eva.typeText("#user-password_repeat", "Ein-langer-Satz-2027")
	if status := eva.submit("button.vg-submit"); status != 200 {
		t.Fatalf("set password: status %d", status)
	}
	eva.open("/app/login")
	eva.typeText("#login-name", "eva")
	eva.typeText("#login-password", "Ein-langer-Satz-2027")
	eva.submit("button.vg-submit")
	if got := eval[string](eva, "location.pathname"); got != "/app/" {
		t.Errorf("eva's login ended at %s", got)
	}
}
