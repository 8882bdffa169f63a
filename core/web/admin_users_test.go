package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"vorgang/core/auth"
)

// Users the tests name through constants, so TestPageTexts does not take
// a name for a page text key.
const (
	evaName   = "eva"
	carlaName = "carla"
)

// TestAdminUserPagesFlow creates, edits, resets and disables a user
// through the admin pages as a browser without JavaScript would, and the
// person sets their password with the link.
func TestAdminUserPagesFlow(t *testing.T) {
	env := newUIEnv(t)
	root := env.browser(t)
	root.login("root")
	csrf := hidden(t, root.get("/admin/users").body, "_csrf")

	// A refused create shows the form again with every bad field named,
	// next to the field and in the summary, and keeps what was typed.
	p := root.post("/admin/users", url.Values{"_csrf": {csrf}, "name": {"eva"}, "display_name": {"Eva Engel"}, "email": {"eva-at-example"},
		"manager": {"ghost"}, "teams": {"it-1st-level"}, "password": {"kurz"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad create: %d\n%s", p.status, p.body)
	}
	for _, want := range []string{`href="#user-email"`, "E-Mail-Adresse: Die Eingabe hat nicht das erwartete Format.", `href="#user-manager"`,
		"Passwort: Das Passwort ist zu kurz: mindestens 8 Zeichen.", `value="Eva Engel"`, `value="it-1st-level" checked`, `aria-invalid="true"`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("refused create lacks %q", want)
		}
	}
	english := env.browser(t)
	english.login("root")
	enCSRF := hidden(t, english.get("/admin/users?lang=en").body, "_csrf")
	if p := english.post("/admin/users", url.Values{"_csrf": {enCSRF}, "name": {"anna"}}); p.status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.body, "User name: ") {
		t.Errorf("taken name in English: %d", p.status)
	}

	p = root.post("/admin/users", url.Values{"_csrf": {csrf}, "name": {"eva"}, "display_name": {"Eva Engel"}, "email": {"eva@example.org"},
		"teams": {"it-1st-level"}, "lang": {"de"}})
	if p.status != http.StatusSeeOther || p.location != "/admin/users/eva?notice=user_created" {
		t.Fatalf("create: %d %s\n%s", p.status, p.location, p.body)
	}

	// Edit: teams and manager; a stale version shows what is stored now.
	page := root.get("/admin/users/eva")
	version := hidden(t, page.body, "_version")
	p = root.post("/admin/users/eva", url.Values{"_csrf": {csrf}, "_version": {version}, "display_name": {"Eva Engel"}, "email": {"eva@example.org"},
		"teams": {"it-1st-level", "it-2nd-level"}, "manager": {"anna"}, "lang": {"en"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", p.status, p.body)
	}
	if u, _ := env.authn.User(t.Context(), evaName); strings.Join(u.Teams, ",") != "it-1st-level,it-2nd-level" || u.Manager != "anna" || u.Lang != "en" {
		t.Errorf("after the edit: %+v", u)
	}
	if p := root.post("/admin/users/eva", url.Values{"_csrf": {csrf}, "_version": {version}, "display_name": {"Alt"}}); p.status != http.StatusConflict ||
		!strings.Contains(p.body, "inzwischen geändert") {
		t.Errorf("stale edit: %d", p.status)
	}

	// The reset link is shown once, in the answer to the post.
	p = root.post("/admin/users/eva/password-reset", url.Values{"_csrf": {csrf}})
	link := regexp.MustCompile(`value="(https?://[^"]+/app/password/[^"]+)"`).FindStringSubmatch(p.body)
	if p.status != http.StatusOK || link == nil {
		t.Fatalf("reset link: %d\n%s", p.status, p.body)
	}
	path := strings.TrimPrefix(htmlUnescape(link[1]), env.base)

	eva := env.browser(t)
	form := eva.get(path)
	if form.status != http.StatusOK || !strings.Contains(form.body, "eva") || form.header.Get("Referrer-Policy") != "same-origin" {
		t.Fatalf("password page: %d %v", form.status, form.header)
	}
	evaCSRF := hidden(t, form.body, "_csrf")
	if p := eva.post(path, url.Values{"_csrf": {evaCSRF}, "password": {"Ein-langer-Satz-2027"}, "password_repeat": {"Ein-anderer-Satz"}}); p.status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.body, "stimmen nicht überein") {
		t.Errorf("mismatch: %d", p.status)
	}
	if p := eva.post(path, url.Values{"_csrf": {evaCSRF}, "password": {"Ein-langer-Satz-2027"}, "password_repeat": {"Ein-langer-Satz-2027"}}); p.status != http.StatusOK {
		t.Fatalf("set password: %d\n%s", p.status, p.body)
	}
	if p := eva.post(path, url.Values{"_csrf": {evaCSRF}, "password": {"Noch-ein-Satz-2027"}, "password_repeat": {"Noch-ein-Satz-2027"}}); p.status != http.StatusNotFound {
		t.Errorf("second use of the link: %d", p.status)
	}
	login := eva.get("/app/login")
	if p := eva.post("/app/login", url.Values{"_csrf": {hidden(t, login.body, "_csrf")}, "name": {"eva"}, "password": {"Ein-langer-Satz-2027"}, "next": {"/app/"}}); p.status != http.StatusSeeOther {
		t.Fatalf("login with the new password: %d", p.status)
	}
	if p := eva.get("/app/account"); p.status != http.StatusOK {
		t.Fatalf("eva's account: %d", p.status)
	}

	// Disabling ends eva's session at once.
	page = root.get("/admin/users/eva")
	if p := root.post("/admin/users/eva/disable", url.Values{"_csrf": {csrf}, "_version": {hidden(t, page.body, "_version")}}); p.status != http.StatusSeeOther {
		t.Fatalf("disable: %d\n%s", p.status, p.body)
	}
	if p := eva.get("/app/account"); p.status != http.StatusSeeOther {
		t.Errorf("a disabled user's session still works: %d", p.status)
	}

	// The audit log names each change, newest first.
	audit := root.get("/admin/audit")
	var order []int
	for _, s := range []string{"gesperrt", "Passwort über Link gesetzt", "Link zum Setzen des Passworts erzeugt", "geändert", "angelegt"} {
		order = append(order, strings.Index(audit.body, "<td>"+s+"</td>"))
	}
	for i := range order {
		if order[i] < 0 || i > 0 && order[i] < order[i-1] {
			t.Errorf("audit log order %v:\n%s", order, audit.body)
			break
		}
	}
}

// TestAdminDirectoryUserPage: a directory user's directory-managed
// details are shown, not offered for editing, and no reset link is made.
func TestAdminDirectoryUserPage(t *testing.T) {
	env := newUIEnv(t)
	if _, err := env.authn.CreateUser(t.Context(), auth.NewUser{Name: "dirk", DisplayName: "Dirk Direktor", Email: "dirk@example.org",
		Teams: []string{"it-1st-level"}, Source: auth.SourceDirectory}); err != nil {
		t.Fatal(err)
	}
	root := env.browser(t)
	root.login("root")
	p := root.get("/admin/users/dirk")
	if p.status != http.StatusOK || strings.Contains(p.body, `name="display_name"`) || strings.Contains(p.body, "/password-reset") ||
		!strings.Contains(p.body, "Dirk Direktor") || !strings.Contains(p.body, "Verzeichnis (LDAP/AD)") {
		t.Errorf("directory user's page:\n%s", p.body)
	}
	csrf := hidden(t, p.body, "_csrf")
	if p := root.post("/admin/users/dirk/password-reset", url.Values{"_csrf": {csrf}}); p.status != http.StatusUnprocessableEntity {
		t.Errorf("reset link of a directory user: %d", p.status)
	}
	if p := root.post("/admin/users/dirk", url.Values{"_csrf": {csrf}, "_version": {"1"}, "display_name": {"D"}}); p.status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.body, "verwaltet das Verzeichnis") {
		t.Errorf("edit of a directory user: %d", p.status)
	}
}

// TestAccountPage: staff change their own password and stay signed in in
// this browser; another browser of theirs is signed out.
func TestAccountPage(t *testing.T) {
	env := newUIEnv(t)
	anna, other := env.browser(t), env.browser(t)
	anna.login("anna")
	other.login("anna")
	csrf := hidden(t, anna.get("/app/account").body, "_csrf")
	p := anna.post("/app/account/password", url.Values{"_csrf": {csrf}, "current_password": {"falsch"}, "new_password": {"kurz"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "Das ist nicht Ihr aktuelles Passwort.") || !strings.Contains(p.body, "zu kurz") {
		t.Fatalf("refused change: %d\n%s", p.status, p.body)
	}
	p = anna.post("/app/account/password", url.Values{"_csrf": {csrf}, "current_password": {uiPassword}, "new_password": {"Ein-langer-Satz-2027"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("change: %d\n%s", p.status, p.body)
	}
	if p := anna.get("/app/account?notice=password_changed"); p.status != http.StatusOK || !strings.Contains(p.body, "Ihr Passwort wurde geändert.") {
		t.Errorf("after the change: %d", p.status)
	}
	if p := other.get("/app/account"); p.status != http.StatusSeeOther {
		t.Errorf("the other browser is still signed in: %d", p.status)
	}
}

// TestAdminResetTwoFactorPage: a user's page says whether two-factor
// sign-in is on and offers to turn it off; doing so is recorded.
func TestAdminResetTwoFactorPage(t *testing.T) {
	env := newUIEnv(t)
	enrolCarla(t, env)
	root := env.browser(t)
	root.login("root")
	page := root.get("/admin/users/carla")
	if !strings.Contains(page.body, `action="/admin/users/carla/two-factor/reset"`) {
		t.Fatalf("no reset for an enrolled user:\n%s", page.body)
	}
	p := root.post("/admin/users/carla/two-factor/reset", url.Values{"_csrf": {hidden(t, page.body, "_csrf")}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("reset: %d\n%s", p.status, p.body)
	}
	if st, err := env.authn.TwoFactor(t.Context(), carlaName); err != nil || st.Enabled {
		t.Errorf("after the reset: %+v %v", st, err)
	}
	if page := root.get("/admin/users/carla"); strings.Contains(page.body, "/two-factor/reset") {
		t.Errorf("reset still offered")
	}
	if audit := root.get("/admin/audit"); !strings.Contains(audit.body, "<td>Zwei-Faktor-Anmeldung zurückgesetzt</td>") {
		t.Errorf("audit log lacks the reset")
	}
}
