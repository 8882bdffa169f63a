package admin_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/web/internal/webtest"
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
	env := webtest.NewUIEnv(t)
	root := env.Browser(t)
	root.Login("root")
	csrf := webtest.Hidden(t, root.Get("/admin/users").Body, "_csrf")

	// A refused create shows the form again with every bad field named,
	// next to the field and in the summary, and keeps what was typed.
	p := root.Post("/admin/users", url.Values{"_csrf": {csrf}, "name": {"eva"}, "display_name": {"Eva Engel"}, "email": {"eva-at-example"},
		"manager": {"ghost"}, "teams": {"it-1st-level"}, "password": {"kurz"}})
	if p.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad create: %d\n%s", p.Status, p.Body)
	}
	for _, want := range []string{`href="#user-email"`, "E-Mail-Adresse: Die Eingabe hat nicht das erwartete Format.", `href="#user-manager"`,
		"Passwort: Das Passwort ist zu kurz: mindestens 8 Zeichen.", `value="Eva Engel"`, `value="it-1st-level" checked`, `aria-invalid="true"`} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("refused create lacks %q", want)
		}
	}
	english := env.Browser(t)
	english.Login("root")
	enCSRF := webtest.Hidden(t, english.Get("/admin/users?lang=en").Body, "_csrf")
	if p := english.Post("/admin/users", url.Values{"_csrf": {enCSRF}, "name": {"anna"}}); p.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.Body, "User name: ") {
		t.Errorf("taken name in English: %d", p.Status)
	}

	p = root.Post("/admin/users", url.Values{"_csrf": {csrf}, "name": {"eva"}, "display_name": {"Eva Engel"}, "email": {"eva@example.org"},
		"teams": {"it-1st-level"}, "lang": {"de"}})
	if p.Status != http.StatusSeeOther || p.Location != "/admin/users/eva?notice=user_created" {
		t.Fatalf("create: %d %s\n%s", p.Status, p.Location, p.Body)
	}

	// Edit: teams and manager; a stale version shows what is stored now.
	page := root.Get("/admin/users/eva")
	version := webtest.Hidden(t, page.Body, "_version")
	p = root.Post("/admin/users/eva", url.Values{"_csrf": {csrf}, "_version": {version}, "display_name": {"Eva Engel"}, "email": {"eva@example.org"},
		"teams": {"it-1st-level", "it-2nd-level"}, "manager": {"anna"}, "lang": {"en"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", p.Status, p.Body)
	}
	if u, _ := env.Authn.User(t.Context(), evaName); strings.Join(u.Teams, ",") != "it-1st-level,it-2nd-level" || u.Manager != "anna" || u.Lang != "en" {
		t.Errorf("after the edit: %+v", u)
	}
	if p := root.Post("/admin/users/eva", url.Values{"_csrf": {csrf}, "_version": {version}, "display_name": {"Alt"}}); p.Status != http.StatusConflict ||
		!strings.Contains(p.Body, "inzwischen geändert") {
		t.Errorf("stale edit: %d", p.Status)
	}

	// The reset link is shown once, in the answer to the post.
	p = root.Post("/admin/users/eva/password-reset", url.Values{"_csrf": {csrf}})
	link := regexp.MustCompile(`value="(https?://[^"]+/app/password/[^"]+)"`).FindStringSubmatch(p.Body)
	if p.Status != http.StatusOK || link == nil {
		t.Fatalf("reset link: %d\n%s", p.Status, p.Body)
	}
	path := strings.TrimPrefix(webtest.HTMLUnescape(link[1]), env.Base)

	eva := env.Browser(t)
	form := eva.Get(path)
	if form.Status != http.StatusOK || !strings.Contains(form.Body, "eva") || form.Header.Get("Referrer-Policy") != "same-origin" {
		t.Fatalf("password page: %d %v", form.Status, form.Header)
	}
	evaCSRF := webtest.Hidden(t, form.Body, "_csrf")
	if p := eva.Post(path, url.Values{"_csrf": {evaCSRF}, "password": {"Ein-langer-Satz-2027"}, "password_repeat": {"Ein-anderer-Satz"}}); p.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.Body, "stimmen nicht überein") {
		t.Errorf("mismatch: %d", p.Status)
	}
	if p := eva.Post(path, url.Values{"_csrf": {evaCSRF}, "password": {"Ein-langer-Satz-2027"}, "password_repeat": {"Ein-langer-Satz-2027"}}); p.Status != http.StatusOK {
		t.Fatalf("set password: %d\n%s", p.Status, p.Body)
	}
	if p := eva.Post(path, url.Values{"_csrf": {evaCSRF}, "password": {"Noch-ein-Satz-2027"}, "password_repeat": {"Noch-ein-Satz-2027"}}); p.Status != http.StatusNotFound {
		t.Errorf("second use of the link: %d", p.Status)
	}
	login := eva.Get("/app/login")
	if p := eva.Post("/app/login", url.Values{"_csrf": {webtest.Hidden(t, login.Body, "_csrf")}, "name": {"eva"}, "password": {"Ein-langer-Satz-2027"}, "next": {"/app/"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("login with the new password: %d", p.Status)
	}
	if p := eva.Get("/app/account"); p.Status != http.StatusOK {
		t.Fatalf("eva's account: %d", p.Status)
	}

	// Disabling ends eva's session at once.
	page = root.Get("/admin/users/eva")
	if p := root.Post("/admin/users/eva/disable", url.Values{"_csrf": {csrf}, "_version": {webtest.Hidden(t, page.Body, "_version")}}); p.Status != http.StatusSeeOther {
		t.Fatalf("disable: %d\n%s", p.Status, p.Body)
	}
	if p := eva.Get("/app/account"); p.Status != http.StatusSeeOther {
		t.Errorf("a disabled user's session still works: %d", p.Status)
	}

	// The audit log names each change, newest first.
	audit := root.Get("/admin/audit")
	var order []int
	for _, s := range []string{"gesperrt", "Passwort über Link gesetzt", "Link zum Setzen des Passworts erzeugt", "geändert", "angelegt"} {
		order = append(order, strings.Index(audit.Body, "<td>"+s+"</td>"))
	}
	for i := range order {
		if order[i] < 0 || i > 0 && order[i] < order[i-1] {
			t.Errorf("audit log order %v:\n%s", order, audit.Body)
			break
		}
	}
}

// TestAdminDirectoryUserPage: a directory user's directory-managed
// details are shown, not offered for editing, and no reset link is made.
func TestAdminDirectoryUserPage(t *testing.T) {
	env := webtest.NewUIEnv(t)
	if _, err := env.Authn.CreateUser(t.Context(), auth.NewUser{Name: "dirk", DisplayName: "Dirk Direktor", Email: "dirk@example.org",
		Teams: []string{"it-1st-level"}, Source: auth.SourceDirectory}); err != nil {
		t.Fatal(err)
	}
	root := env.Browser(t)
	root.Login("root")
	p := root.Get("/admin/users/dirk")
	if p.Status != http.StatusOK || strings.Contains(p.Body, `name="display_name"`) || strings.Contains(p.Body, "/password-reset") ||
		!strings.Contains(p.Body, "Dirk Direktor") || !strings.Contains(p.Body, "Verzeichnis (LDAP/AD)") {
		t.Errorf("directory user's page:\n%s", p.Body)
	}
	csrf := webtest.Hidden(t, p.Body, "_csrf")
	if p := root.Post("/admin/users/dirk/password-reset", url.Values{"_csrf": {csrf}}); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("reset link of a directory user: %d", p.Status)
	}
	if p := root.Post("/admin/users/dirk", url.Values{"_csrf": {csrf}, "_version": {"1"}, "display_name": {"D"}}); p.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.Body, "verwaltet das Verzeichnis") {
		t.Errorf("edit of a directory user: %d", p.Status)
	}
}

// TestAccountPage: staff change their own password and stay signed in in
// this browser; another browser of theirs is signed out.
func TestAccountPage(t *testing.T) {
	env := webtest.NewUIEnv(t)
	anna, other := env.Browser(t), env.Browser(t)
	anna.Login("anna")
	other.Login("anna")
	csrf := webtest.Hidden(t, anna.Get("/app/account").Body, "_csrf")
	p := anna.Post("/app/account/password", url.Values{"_csrf": {csrf}, "current_password": {"falsch"}, "new_password": {"kurz"}})
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Das ist nicht Ihr aktuelles Passwort.") || !strings.Contains(p.Body, "zu kurz") {
		t.Fatalf("refused change: %d\n%s", p.Status, p.Body)
	}
	p = anna.Post("/app/account/password", url.Values{"_csrf": {csrf}, "current_password": {webtest.UIPassword}, "new_password": {"Ein-langer-Satz-2027"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("change: %d\n%s", p.Status, p.Body)
	}
	if p := anna.Get("/app/account?notice=password_changed"); p.Status != http.StatusOK || !strings.Contains(p.Body, "Ihr Passwort wurde geändert.") {
		t.Errorf("after the change: %d", p.Status)
	}
	if p := other.Get("/app/account"); p.Status != http.StatusSeeOther {
		t.Errorf("the other browser is still signed in: %d", p.Status)
	}
}

// TestAdminResetTwoFactorPage: a user's page says whether two-factor
// sign-in is on and offers to turn it off; doing so is recorded.
func TestAdminResetTwoFactorPage(t *testing.T) {
	env := webtest.NewUIEnv(t)
	webtest.EnrolTOTP(t, env, "carla")
	root := env.Browser(t)
	root.Login("root")
	page := root.Get("/admin/users/carla")
	if !strings.Contains(page.Body, `action="/admin/users/carla/two-factor/reset"`) {
		t.Fatalf("no reset for an enrolled user:\n%s", page.Body)
	}
	p := root.Post("/admin/users/carla/two-factor/reset", url.Values{"_csrf": {webtest.Hidden(t, page.Body, "_csrf")}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("reset: %d\n%s", p.Status, p.Body)
	}
	if st, err := env.Authn.TwoFactor(t.Context(), carlaName); err != nil || st.Enabled {
		t.Errorf("after the reset: %+v %v", st, err)
	}
	if page := root.Get("/admin/users/carla"); strings.Contains(page.Body, "/two-factor/reset") {
		t.Errorf("reset still offered")
	}
	if audit := root.Get("/admin/audit"); !strings.Contains(audit.Body, "<td>Zwei-Faktor-Anmeldung zurückgesetzt</td>") {
		t.Errorf("audit log lacks the reset")
	}
}
