package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/web/internal/webtest"
)

// TestPrivacyPagesAuthorization: the data protection pages answer holders
// of privacy.manage (the privacy officer, administrators); other staff
// get 403 for the page and every post, signed-out visitors are sent to
// sign in.
func TestPrivacyPagesAuthorization(t *testing.T) {
	env := webtest.NewUIEnv(t)
	tk := webtest.CitizenRequestIn(t, env, false)
	subject := url.Values{"email": {"a@example.org"}}
	for _, tc := range []struct {
		user string
		want int
	}{{"anna", 403}, {"ben", 403}, {"dora", 403}, {"root", 200}, {"petra", 200}} {
		b := env.Browser(t)
		b.Login(tc.user)
		if p := b.Get("/privacy/"); p.Status != tc.want {
			t.Errorf("%s: GET /privacy/ = %d, want %d", tc.user, p.Status, tc.want)
		}
		csrf := webtest.Hidden(t, b.Get("/app/account").Body, "_csrf")
		for _, path := range []string{"/privacy/search", "/privacy/export.json", "/privacy/anonymise"} {
			form := url.Values{"_csrf": {csrf}, "email": subject["email"]}
			if path == "/privacy/anonymise" {
				if tc.want == 200 {
					continue // the flow below anonymises
				}
				form.Set("confirm", "yes")
			}
			p := b.Post(path, form)
			if p.Status != tc.want {
				t.Errorf("%s: POST %s = %d, want %d", tc.user, path, p.Status, tc.want)
			}
			if tc.want == 200 && !strings.Contains(p.Body, tk.Number) {
				t.Errorf("%s: POST %s does not show %s", tc.user, path, tk.Number)
			}
		}
	}
	anon := env.Browser(t)
	if p := anon.Get("/privacy/"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/app/login") {
		t.Errorf("signed out: GET /privacy/ = %d → %q, want a redirect to sign in", p.Status, p.Location)
	}
	if p := anon.Post("/privacy/search", subject); p.Status < 400 {
		t.Errorf("signed out: POST /privacy/search = %d", p.Status)
	}
}

// TestPrivacyPagesFlow: the privacy officer finds a citizen by address,
// sees the summary, downloads the archive, is asked to confirm, and
// anonymises; the record names the ticket, and a search finds nothing.
func TestPrivacyPagesFlow(t *testing.T) {
	env := webtest.NewUIEnv(t)
	tk := webtest.CitizenRequestIn(t, env, false)
	b := env.Browser(t)
	b.Login("petra")
	page := b.Get("/privacy/")
	if page.Status != 200 || !strings.Contains(page.Body, `href="/privacy/"`) {
		t.Fatalf("privacy page %d without its navigation link", page.Status)
	}
	csrf := webtest.Hidden(t, page.Body, "_csrf")
	if p := b.Post("/privacy/search", url.Values{"_csrf": {csrf}}); p.Status != 422 || !strings.Contains(p.Body, "vg-error-summary") {
		t.Errorf("a search naming nobody: %d", p.Status)
	}
	found := b.Post("/privacy/search", url.Values{"_csrf": {csrf}, "email": {"A@example.org"}})
	for _, want := range []string{tk.Number, "data.email", "a@example.org", `action="/privacy/export.json"`, `action="/privacy/anonymise"`} {
		if !strings.Contains(found.Body, want) {
			t.Errorf("the summary lacks %q", want)
		}
	}
	archive := b.Post("/privacy/export.json", url.Values{"_csrf": {csrf}, "email": {"a@example.org"}})
	if archive.Status != 200 || !strings.Contains(archive.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(archive.Body, tk.Number) {
		t.Errorf("archive %d %q: %s", archive.Status, archive.Header.Get("Content-Disposition"), archive.Body)
	}
	if p := b.Post("/privacy/anonymise", url.Values{"_csrf": {csrf}, "email": {"a@example.org"}}); p.Status != 422 {
		t.Errorf("anonymising without the confirmation: %d, want 422", p.Status)
	}
	done := b.Post("/privacy/anonymise", url.Values{"_csrf": {csrf}, "email": {"a@example.org"}, "confirm": {"yes"}})
	if done.Status != 200 || !strings.Contains(done.Body, "DSR-") || !strings.Contains(done.Body, tk.Number) {
		t.Fatalf("anonymise: %d\n%s", done.Status, done.Body)
	}
	again := b.Post("/privacy/search", url.Values{"_csrf": {csrf}, "email": {"a@example.org"}})
	if strings.Contains(again.Body, tk.Number) {
		t.Errorf("after anonymising, the search still finds %s", tk.Number)
	}
}

// TestBrowserPrivacyPages: in headless Chromium the search and its
// summary pass the accessibility scan in German and English.
func TestBrowserPrivacyPages(t *testing.T) {
	webtest.RequireFile(t, webtest.AxePath(), "axe-core")
	axe, err := os.ReadFile(webtest.AxePath())
	if err != nil {
		t.Fatal(err)
	}
	env := webtest.NewUIEnv(t)
	webtest.CitizenRequestIn(t, env, false)
	c := webtest.StartChrome(t)
	for _, lang := range []string{"de", "en"} {
		t.Run(lang, func(t *testing.T) {
			tb := c.Tab(env.Base, true)
			tb.T = t
			tb.Open("/app/login")
			tb.TypeText("#login-name", "petra")
			tb.TypeText("#login-password", webtest.UIPassword)
			tb.Submit("button.vg-submit")
			tb.Open("/privacy/?lang=" + lang)
			webtest.RunAxe(t, tb, string(axe))
			tb.TypeText("#subject-email", "a@example.org")
			tb.Submit(`form[action="/privacy/search"] button`)
			if !tb.Has("#privacy-tickets") {
				t.Fatal("the search shows no summary")
			}
			webtest.RunAxe(t, tb, string(axe))
		})
	}
}

// TestPrivacyPagesMailReceived: the summary lists the mail received from
// the person (here quarantined as a list mail), with its subject line, and
// the assets naming them, with their fields; not another person's.
func TestPrivacyPagesMailReceived(t *testing.T) {
	env := webtest.NewUIEnv(t, webtest.UIOptions{Assets: true, Files: []definition.File{{Path: "mail/desk.yaml", Data: []byte(mailDesk)}}})
	for _, from := range []string{"Erika Mustermann <erika@example.net>", "Max Meier <max@example.com>"} {
		raw := strings.NewReplacer("news@lists.example", from, "news-1", from[:4]).Replace(listMail)
		raw = strings.Replace(raw, "Monthly news", "Newsletter von "+from[:4], 1)
		if err := env.FileMail(context.Background(), "desk", []byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	writer := &auth.Principal{User: "wanda", Permissions: map[string]bool{asset.PermWrite: true}}
	var phones []string
	for _, name := range []string{"Diensthandy Erika Mustermann", "Diensthandy Max Meier"} {
		a, err := env.Assets.Create(context.Background(), writer, asset.Input{Class: "phone", Name: &name, Data: map[string]any{"phone_type": "mobile"}})
		if err != nil {
			t.Fatal(err)
		}
		phones = append(phones, a.Number)
	}
	b := env.Browser(t)
	b.Login("petra")
	csrf := webtest.Hidden(t, b.Get("/privacy/").Body, "_csrf")
	for _, tc := range []struct {
		field, value string
		want         []string
	}{
		{"email", "erika@example.net", []string{`id="privacy-received"`, "erika@example.net", "Newsletter von Erik"}},
		{"name", "Erika Mustermann", []string{`id="privacy-assets"`, phones[0], "data.phone_type"}},
	} {
		p := b.Post("/privacy/search", url.Values{"_csrf": {csrf}, tc.field: {tc.value}})
		if p.Status != 200 {
			t.Fatalf("search by %s = %d", tc.field, p.Status)
		}
		for _, want := range tc.want {
			if !strings.Contains(p.Body, want) {
				t.Errorf("by %s: the summary lacks %q", tc.field, want)
			}
		}
		for _, other := range []string{"max@example.com", "Newsletter von Max", `class="vg-empty"`, phones[1], "Max Meier"} {
			if strings.Contains(p.Body, other) {
				t.Errorf("by %s: the summary shows %q", tc.field, other)
			}
		}
	}
}
