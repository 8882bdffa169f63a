package admin_test

import (
	"os"
	"strings"
	"testing"

	"vorgang/core/web/internal/webtest"
)

// TestBrowserMailQuarantine: in headless Chromium the quarantine's pages
// have no axe violation in German or English, and with JavaScript off an
// administrator opens a message from the list and releases it.
func TestBrowserMailQuarantine(t *testing.T) {
	webtest.RequireFile(t, webtest.AxePath(), "axe-core")
	axe, err := os.ReadFile(webtest.AxePath())
	if err != nil {
		t.Fatal(err)
	}
	env := quarantineEnv(t)
	c := webtest.StartChrome(t)
	login := func(tb *webtest.Tab) {
		tb.Open("/app/login")
		tb.TypeText("#login-name", "root")
		tb.TypeText("#login-password", webtest.UIPassword)
		tb.Submit("button.vg-submit")
	}

	scan := c.Tab(env.Base, true)
	login(scan)
	scan.Open("/admin/mail-quarantine")
	msg := webtest.Eval[string](scan, `document.querySelector("#mail-quarantine tbody a").getAttribute("href")`)
	for _, lang := range []string{"de", "en"} {
		for _, path := range []string{"/admin/mail-quarantine", msg} {
			t.Run(lang+path, func(t *testing.T) {
				scan.T = t
				scan.Open(path + "?lang=" + lang)
				webtest.RunAxe(t, scan, string(axe))
			})
		}
	}
	scan.Open("/portal/?lang=de")

	plain := c.Tab(env.Base, false)
	login(plain)
	plain.Open("/admin/mail-quarantine")
	if status := plain.Submit(`#mail-quarantine a[href="` + msg + `"]`); status != 200 {
		t.Fatalf("message page: status %d", status)
	}
	if status := plain.Submit(`form[action$="/release"] button`); status != 200 {
		t.Fatalf("release: status %d", status)
	}
	if got := plain.Text(".vg-notice"); !strings.Contains(got, "Ticket MAIL-") {
		t.Errorf("notice after the release: %q", got)
	}
}
