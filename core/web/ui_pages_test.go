package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// citizenForm opens the damage report form and returns the fields every
// post needs.
func citizenForm(t *testing.T, b *browser) url.Values {
	t.Helper()
	p := b.get("/portal/new/citizen-report")
	if p.status != http.StatusOK {
		t.Fatalf("form: %d", p.status)
	}
	return url.Values{"_csrf": {hidden(t, p.body, "_csrf")}, "_token": {hidden(t, p.body, "_token")},
		"category": {"pothole"}, "summary": {"Tiefes Loch"}, "spots[0][street]": {"Markt 1"}, "email": {"erika@example.org"}, "consent": {"on"}}
}

func TestSecurityHeaders(t *testing.T) {
	env := newUIEnv(t)
	b := env.browser(t)
	for _, path := range []string{"/portal/", "/app/login", "/portal/nowhere", "/api/v1/processes", "/static/vorgang.css"} {
		p := b.get(path)
		csp := p.header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %s", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code: %s", path, csp)
		}
		if p.header.Get("X-Content-Type-Options") != "nosniff" || p.header.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("%s: headers %v", path, p.header)
		}
	}
	// No page needs inline script or style: nothing for the CSP to block.
	for _, path := range []string{"/portal/", "/portal/new/citizen-report", "/app/login"} {
		body := b.get(path).body
		if strings.Contains(body, "<script>") || strings.Contains(body, " style=") || strings.Contains(body, "<style") || strings.Contains(body, "onclick") {
			t.Errorf("%s has inline script or style", path)
		}
	}
	if p := b.get("/portal/nowhere"); p.status != 404 || !strings.Contains(p.header.Get("Content-Type"), "text/html") {
		t.Errorf("an unknown portal page: %d %s", p.status, p.header.Get("Content-Type"))
	}
}

func TestCSRFAndFormTokens(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	env := newUIEnv(t, uiOptions{now: clock})
	b := env.browser(t)
	other := env.browser(t)

	form := citizenForm(t, b)
	otherForm := citizenForm(t, other)
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
			req, _ := http.NewRequest(http.MethodPost, env.base+"/portal/new/citizen-report", strings.NewReader(v.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			p := b.do(req)
			if tt.origin != "" {
				req, _ = http.NewRequest(http.MethodPost, env.base+"/portal/new/citizen-report", strings.NewReader(v.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Origin", tt.origin)
				resp, err := b.http.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				p.status = resp.StatusCode
				p.body = "csrf_failed"
			}
			if p.status != tt.status || !strings.Contains(p.body, tt.code) {
				t.Fatalf("status %d, want %d with %s:\n%s", p.status, tt.status, tt.code, p.body)
			}
		})
	}

	// The same form sent twice (a double click, a reload) is one request.
	first := b.post("/portal/new/citizen-report", form)
	second := b.post("/portal/new/citizen-report", form)
	if first.status != 303 || second.status != 303 || first.location != second.location {
		t.Fatalf("double submit: %d %s, then %d %s", first.status, first.location, second.status, second.location)
	}
	if n := countTickets(t, env, "citizen-report"); n != 1 {
		t.Fatalf("double submit made %d tickets", n)
	}
	// Sent once more with other details (back button, edit), the form does
	// not lead to the first request.
	edited := url.Values{}
	for k, vs := range form {
		edited[k] = append([]string(nil), vs...)
	}
	edited.Set("summary", "Ganz anderes Loch")
	if p := b.post("/portal/new/citizen-report", edited); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "form_already_sent") || p.location != "" {
		t.Fatalf("the form sent again with other details: %d %s\n%s", p.status, p.location, p.body)
	}

	// A form left open too long has expired: a clear page, no ticket.
	late := citizenForm(t, b)
	now = now.Add(5 * time.Hour)
	p := b.post("/portal/new/citizen-report", late)
	if p.status != 400 || !strings.Contains(p.body, "Das Formular ist abgelaufen") || !strings.Contains(p.body, "Bitte öffnen Sie das Formular neu") {
		t.Fatalf("expired form: %d\n%s", p.status, p.body)
	}
	if n := countTickets(t, env, "citizen-report"); n != 1 {
		t.Fatalf("an expired form made a ticket")
	}
}

func countTickets(t *testing.T, env *uiEnv, process string) int {
	t.Helper()
	counts, err := env.st.Counts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range counts {
		if c.Team == env.cat.Process(process).Team.Value {
			n += int(c.N)
		}
	}
	return n
}

func TestHoneypotAndRateLimit(t *testing.T) {
	env := newUIEnv(t, uiOptions{citizenRate: 3})
	b := env.browser(t)
	form := citizenForm(t, b)
	form.Set("_website", "https://spam.example")
	if p := b.post("/portal/new/citizen-report", form); p.status != 400 || !strings.Contains(p.body, "nicht angenommen") {
		t.Fatalf("honeypot: %d\n%s", p.status, p.body)
	}
	if n := countTickets(t, env, "citizen-report"); n != 0 {
		t.Fatalf("the honeypot let a ticket through")
	}
	form.Del("_website")
	statuses := []int{}
	for range 3 {
		statuses = append(statuses, b.post("/portal/new/citizen-report", form).status)
	}
	// 4 posts in a minute: the first three pass (one was the honeypot).
	if statuses[0] != 303 || statuses[1] != 303 || statuses[2] != 429 {
		t.Fatalf("statuses %v, want 303 303 429", statuses)
	}
	if p := b.get("/portal/"); p.status != 200 {
		t.Errorf("reading is not rate limited: %d", p.status)
	}
}

func TestUploadChecks(t *testing.T) {
	env := newUIEnv(t)
	b := env.browser(t)
	form := citizenForm(t, b)
	bigPNG := append(append([]byte{}, pngBytes...), bytes.Repeat([]byte{0}, 2<<20)...)
	tests := []struct {
		name string
		file filePart
		msg  string
	}{
		{"text claiming to be a PNG", filePart{"photo", "foto.png", []byte("das ist kein Bild, nur Text")}, "nicht erlaubten Typ"},
		{"PNG larger than max_size", filePart{"photo", "gross.png", bigPNG}, "größer als 2 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := b.postMultipart("/portal/new/citizen-report", form, tt.file)
			if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, tt.msg) {
				t.Fatalf("status %d, want 422 with %q:\n%s", p.status, tt.msg, p.body)
			}
		})
	}
	// A file uploaded by another browser cannot be attached by its id.
	other := env.browser(t)
	of := citizenForm(t, other)
	of.Set("summary", "kurz") // an error, so the upload is kept and shown
	p := other.postMultipart("/portal/new/citizen-report", of, filePart{"photo", "fremd.png", pngBytes})
	id := regexpFind(t, p.body, `value="(att-[a-z0-9]+)" checked`)
	form.Set("photo", id)
	p = b.post("/portal/new/citizen-report", form)
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "nicht mehr vorhanden") {
		t.Fatalf("someone else's file: %d\n%s", p.status, p.body)
	}
}

func TestLanguage(t *testing.T) {
	env := newUIEnv(t)
	b := env.browser(t)
	if p := b.get("/portal/"); !strings.Contains(p.body, `<html lang="de">`) || !strings.Contains(p.body, "Was möchten Sie erledigen?") {
		t.Fatalf("German is not the default")
	}
	req, _ := http.NewRequest(http.MethodGet, env.base+"/portal/", nil)
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9,de;q=0.5")
	if p := b.do(req); !strings.Contains(p.body, `<html lang="en">`) || !strings.Contains(p.body, "What would you like to do?") {
		t.Fatalf("Accept-Language en is not honoured")
	}
	if p := b.get("/portal/?lang=en"); !strings.Contains(p.body, `<html lang="en">`) {
		t.Fatalf("?lang=en does not switch")
	}
	if p := b.get("/app/login"); !strings.Contains(p.body, `<html lang="en">`) || !strings.Contains(p.body, `href="/app/login?lang=de"`) {
		t.Fatalf("the choice is not kept, or the switch does not offer German:\n%s", p.body)
	}
	if p := b.get("/portal/new/citizen-report"); !strings.Contains(p.body, "Report damage") || !strings.Contains(p.body, `lang="en"`) {
		t.Fatalf("the generated form is not in English")
	}
}

func regexpFind(t *testing.T, s, pattern string) string {
	t.Helper()
	m := regexpMust(pattern).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("%s not found in:\n%s", pattern, s)
	}
	return m[1]
}
