package admin_test

import (
	"os"
	"strings"
	"testing"

	"vorgang/core/store"
	"vorgang/core/web/internal/webtest"
)

// TestBrowserAdminOutbox: in headless Chromium with JavaScript off, an
// administrator filters the outbox, retries a failed mail and sends a
// webhook's test delivery; axe-core finds no violation on the pages on
// the way, in German and in English.
func TestBrowserAdminOutbox(t *testing.T) {
	webtest.RequireFile(t, webtest.AxePath(), "axe-core")
	axe, err := os.ReadFile(webtest.AxePath())
	if err != nil {
		t.Fatal(err)
	}
	env, _, _ := outboxEnv(t)
	c := webtest.StartChrome(t)
	signIn := func(js bool) *webtest.Tab {
		tb := c.Tab(env.Base, js)
		tb.Open("/app/login")
		tb.TypeText("#login-name", "root")
		tb.TypeText("#login-password", webtest.UIPassword)
		tb.Submit("button.vg-submit")
		return tb
	}
	// The work is done without JavaScript; axe-core needs it to run, so
	// it scans the same pages in a tab of its own.
	admin, scan := signIn(false), signIn(true)
	check := func(t *testing.T, path string) {
		scan.T = t
		scan.Open(path)
		webtest.RunAxe(t, scan, string(axe))
	}

	for _, lang := range []string{"de", "en"} {
		t.Run(lang, func(t *testing.T) {
			admin.T = t
			id := "mail/browser-" + lang
			failedMail(t, env, id)
			admin.Open("/admin/outbox?lang=" + lang)
			admin.Set("#outbox-state", "failed")
			admin.Set("#outbox-kind", "mail")
			if status := admin.Submit(`form[action="/admin/outbox"] button`); status != 200 {
				t.Fatalf("filter: %d", status)
			}
			if got := admin.Text("table.vg-table tbody"); !strings.Contains(got, "smtp: 554 relay refused") {
				t.Fatalf("the failed mail is not listed: %q", got)
			}
			check(t, "/admin/outbox?state=failed&kind=mail&lang="+lang)
			if status := admin.Submit(`form[action="/admin/outbox/retry"] button`); status != 200 {
				t.Fatalf("retry: %d", status)
			}
			if s, _ := outboxState(t, env, id); s != store.OutboxPending {
				t.Errorf("after retry: %s", s)
			}
			if !admin.Has(".vg-notice") {
				t.Error("no notice after the retry")
			}
			check(t, "/admin/outbox?state=failed&notice=outbox_retried&lang="+lang)
			if status := admin.Submit(`form[action="/admin/webhooks/leitstelle/test"] button`); status != 200 {
				t.Fatalf("test delivery: %d", status)
			}
			if got := admin.Text("table.vg-table tbody"); !strings.Contains(got, "leitstelle") {
				t.Errorf("the test delivery is not listed: %q", got)
			}
			check(t, "/admin/outbox?state=pending&kind=webhook&notice=webhook_test_queued&lang="+lang)
		})
	}
}
