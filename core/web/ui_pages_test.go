package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"vorgang/core/web/internal/webtest"
)

func TestSecurityHeaders(t *testing.T) {
	env := webtest.NewUIEnv(t)
	b := env.Browser(t)
	for _, path := range []string{"/portal/", "/app/login", "/portal/nowhere", "/api/v1/processes", "/static/vorgang.css"} {
		p := b.Get(path)
		csp := p.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %s", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code: %s", path, csp)
		}
		if p.Header.Get("X-Content-Type-Options") != "nosniff" || p.Header.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("%s: headers %v", path, p.Header)
		}
	}
	// No page needs inline script or style: nothing for the CSP to block.
	for _, path := range []string{"/portal/", "/portal/new/citizen-report", "/app/login"} {
		body := b.Get(path).Body
		if strings.Contains(body, "<script>") || strings.Contains(body, " style=") || strings.Contains(body, "<style") || strings.Contains(body, "onclick") {
			t.Errorf("%s has inline script or style", path)
		}
	}
	if p := b.Get("/portal/nowhere"); p.Status != 404 || !strings.Contains(p.Header.Get("Content-Type"), "text/html") {
		t.Errorf("an unknown portal page: %d %s", p.Status, p.Header.Get("Content-Type"))
	}
}

func TestCSRFAndFormTokens(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	env := webtest.NewUIEnv(t, webtest.UIOptions{Now: clock})
	b := env.Browser(t)
	other := env.Browser(t)

	form := webtest.CitizenForm(t, b)
	otherForm := webtest.CitizenForm(t, other)
	tests := []struct {
		name   string
		change func(url.Values)
		origin string
		status int
		code   string
	}{
		{"no CSRF token", func(v url.Values) { v.Del("_csrf") }, "", 403, "csrf_failed"},
		{"another browser's CSRF token", func(v url.Values) { v.Set("_csrf", otherForm.Get("_csrf")) }, "", 403, "csrf_failed"},
		{"posted from another site", nil, "https://evil.example", 403, "csrf_failed"},
		{"no form token", func(v url.Values) { v.Del("_token") }, "", 400, "form_expired"},
		{"another browser's form token", func(v url.Values) { v.Set("_token", otherForm.Get("_token")) }, "", 400, "form_expired"},
		{"forged form token", func(v url.Values) { v.Set("_token", strings.Replace(v.Get("_token"), ".", "X.", 1)) }, "", 400, "form_expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := url.Values{}
			for k, vs := range form {
				v[k] = append([]string(nil), vs...)
			}
			if tt.change != nil {
				tt.change(v)
			}
			req, _ := http.NewRequest(http.MethodPost, env.Base+"/portal/new/citizen-report", strings.NewReader(v.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			p := b.Do(req)
			if tt.origin != "" {
				req, _ = http.NewRequest(http.MethodPost, env.Base+"/portal/new/citizen-report", strings.NewReader(v.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Origin", tt.origin)
				resp, err := b.HTTP.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				p.Status = resp.StatusCode
				p.Body = "csrf_failed"
			}
			if p.Status != tt.status || !strings.Contains(p.Body, tt.code) {
				t.Fatalf("status %d, want %d with %s:\n%s", p.Status, tt.status, tt.code, p.Body)
			}
		})
	}

	// The same form sent twice (a double click, a reload) is one request.
	first := b.Post("/portal/new/citizen-report", form)
	second := b.Post("/portal/new/citizen-report", form)
	if first.Status != 303 || second.Status != 303 || first.Location != second.Location {
		t.Fatalf("double submit: %d %s, then %d %s", first.Status, first.Location, second.Status, second.Location)
	}
	if n := env.CountTickets(t, "citizen-report"); n != 1 {
		t.Fatalf("double submit made %d tickets", n)
	}
	// Sent once more with other details (back button, edit), the form does
	// not lead to the first request.
	edited := url.Values{}
	for k, vs := range form {
		edited[k] = append([]string(nil), vs...)
	}
	edited.Set("summary", "Ganz anderes Loch")
	if p := b.Post("/portal/new/citizen-report", edited); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "form_already_sent") || p.Location != "" {
		t.Fatalf("the form sent again with other details: %d %s\n%s", p.Status, p.Location, p.Body)
	}

	// A form left open too long has expired: a clear page, no ticket.
	late := webtest.CitizenForm(t, b)
	now = now.Add(5 * time.Hour)
	p := b.Post("/portal/new/citizen-report", late)
	if p.Status != 400 || !strings.Contains(p.Body, "Das Formular ist abgelaufen") || !strings.Contains(p.Body, "Bitte öffnen Sie das Formular neu") {
		t.Fatalf("expired form: %d\n%s", p.Status, p.Body)
	}
	if n := env.CountTickets(t, "citizen-report"); n != 1 {
		t.Fatalf("an expired form made a ticket")
	}
}

func TestHoneypotAndRateLimit(t *testing.T) {
	env := webtest.NewUIEnv(t, webtest.UIOptions{CitizenRate: 3})
	b := env.Browser(t)
	form := webtest.CitizenForm(t, b)
	form.Set("_website", "https://spam.example")
	if p := b.Post("/portal/new/citizen-report", form); p.Status != 400 || !strings.Contains(p.Body, "nicht angenommen") {
		t.Fatalf("honeypot: %d\n%s", p.Status, p.Body)
	}
	if n := env.CountTickets(t, "citizen-report"); n != 0 {
		t.Fatalf("the honeypot let a ticket through")
	}
	form.Del("_website")
	statuses := []int{}
	for range 3 {
		statuses = append(statuses, b.Post("/portal/new/citizen-report", form).Status)
	}
	// 4 posts in a minute: the first three pass (one was the honeypot).
	if statuses[0] != 303 || statuses[1] != 303 || statuses[2] != 429 {
		t.Fatalf("statuses %v, want 303 303 429", statuses)
	}
	if p := b.Get("/portal/"); p.Status != 200 {
		t.Errorf("reading is not rate limited: %d", p.Status)
	}
}

func TestUploadChecks(t *testing.T) {
	env := webtest.NewUIEnv(t)
	b := env.Browser(t)
	form := webtest.CitizenForm(t, b)
	bigPNG := append(append([]byte{}, webtest.PNGBytes...), bytes.Repeat([]byte{0}, 2<<20)...)
	tests := []struct {
		name string
		file webtest.FilePart
		msg  string
	}{
		{"text claiming to be a PNG", webtest.FilePart{Field: "photo", Name: "foto.png", Data: []byte("das ist kein Bild, nur Text")}, "nicht erlaubten Typ"},
		{"PNG larger than max_size", webtest.FilePart{Field: "photo", Name: "gross.png", Data: bigPNG}, "größer als 2 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := b.PostMultipart("/portal/new/citizen-report", form, tt.file)
			if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, tt.msg) {
				t.Fatalf("status %d, want 422 with %q:\n%s", p.Status, tt.msg, p.Body)
			}
		})
	}
	// A file uploaded by another browser cannot be attached by its id.
	other := env.Browser(t)
	of := webtest.CitizenForm(t, other)
	of.Set("summary", "kurz") // an error, so the upload is kept and shown
	p := other.PostMultipart("/portal/new/citizen-report", of, webtest.FilePart{Field: "photo", Name: "fremd.png", Data: webtest.PNGBytes})
	id := webtest.RegexpFind(t, p.Body, `value="(att-[a-z0-9]+)" checked`)
	form.Set("photo", id)
	p = b.Post("/portal/new/citizen-report", form)
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "nicht mehr vorhanden") {
		t.Fatalf("someone else's file: %d\n%s", p.Status, p.Body)
	}
}

func TestLanguage(t *testing.T) {
	env := webtest.NewUIEnv(t)
	b := env.Browser(t)
	if p := b.Get("/portal/"); !strings.Contains(p.Body, `<html lang="de">`) || !strings.Contains(p.Body, "Was möchten Sie erledigen?") {
		t.Fatalf("German is not the default")
	}
	req, _ := http.NewRequest(http.MethodGet, env.Base+"/portal/", nil)
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9,de;q=0.5")
	if p := b.Do(req); !strings.Contains(p.Body, `<html lang="en">`) || !strings.Contains(p.Body, "What would you like to do?") {
		t.Fatalf("Accept-Language en is not honoured")
	}
	if p := b.Get("/portal/?lang=en"); !strings.Contains(p.Body, `<html lang="en">`) {
		t.Fatalf("?lang=en does not switch")
	}
	if p := b.Get("/app/login"); !strings.Contains(p.Body, `<html lang="en">`) || !strings.Contains(p.Body, `href="/app/login?lang=de"`) {
		t.Fatalf("the choice is not kept, or the switch does not offer German:\n%s", p.Body)
	}
	if p := b.Get("/portal/new/citizen-report"); !strings.Contains(p.Body, "Report damage") || !strings.Contains(p.Body, `lang="en"`) {
		t.Fatalf("the generated form is not in English")
	}
}
