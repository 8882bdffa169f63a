package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestUploadOverTheLimitKeepsTheInput: a file over the server's limit for
// one file (10 MB) on the portal form, a citizen's reply or a staff
// comment is refused at its field, and everything else the person typed
// comes back; nothing is stored. Before, such a post got a 413 page and
// lost every input.
func TestUploadOverTheLimitKeepsTheInput(t *testing.T) {
	env := newUIEnv(t)
	huge := append(append([]byte{}, pngBytes...), bytes.Repeat([]byte{0}, 11<<20)...)

	t.Run("portal form", func(t *testing.T) {
		b := env.browser(t)
		form := citizenForm(t, b)
		form.Set("summary", "Laterne flackert seit Tagen")
		p := b.postMultipart("/portal/new/citizen-report", form, filePart{"photo", "riesig.png", huge})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422\n%.500s", p.status, p.body)
		}
		for _, kept := range []string{`value="Laterne flackert seit Tagen"`, `value="Markt 1"`, `value="erika@example.org"`} {
			if !strings.Contains(p.body, kept) {
				t.Errorf("the form lost %s", kept)
			}
		}
		if !regexp.MustCompile(`id="f-photo-error"[^>]*>.*2 MB`).MatchString(p.body) ||
			!strings.Contains(p.body, `href="#f-photo"`) {
			t.Errorf("no error at the photo field naming its limit:\n%s", p.body)
		}
		if n := countTickets(t, env, "citizen-report"); n != 0 {
			t.Errorf("%d tickets stored", n)
		}
	})

	t.Run("citizen's reply", func(t *testing.T) {
		b := env.browser(t)
		res := b.post("/portal/new/citizen-report", citizenForm(t, b))
		track := strings.TrimSuffix(res.location, "/confirmation")
		page := b.get(track)
		form := url.Values{"_csrf": {hidden(t, page.body, "_csrf")}, "_version": {hidden(t, page.body, "_version")}, "text": {"Hier das Foto von heute"}}
		p := b.postMultipart(track+"/reply", form, filePart{"file", "riesig.png", huge})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "Hier das Foto von heute") || !strings.Contains(p.body, "10 MB") {
			t.Fatalf("status %d, want 422 with the text kept and the limit named\n%.800s", p.status, p.body)
		}
	})

	t.Run("staff comment", func(t *testing.T) {
		b := env.browser(t)
		res := env.browser(t)
		r := res.post("/portal/new/citizen-report", citizenForm(t, res))
		number := regexpFind(t, res.get(r.location).body, `(MELD-[0-9]{4}-[0-9]+)`)
		b.login("dora")
		path := "/app/tickets/" + number
		page := b.get(path)
		form := url.Values{"_csrf": {hidden(t, page.body, "_csrf")}, "_version": {hidden(t, page.body, "_version")}, "text": {"Foto vom Bauhof"}}
		p := b.postMultipart(path+"/comments", form, filePart{"file", "riesig.png", huge})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "Foto vom Bauhof") || !strings.Contains(p.body, "10 MB") {
			t.Fatalf("status %d, want 422 with the text kept and the limit named\n%.800s", p.status, p.body)
		}
	})
}

// TestFileFieldsStateTheirLimits: next to every file input the page says
// which types it takes, how large a file and how many, and the input is
// described by it.
func TestFileFieldsStateTheirLimits(t *testing.T) {
	env := newUIEnv(t)
	citizen := env.browser(t)
	staff := env.browser(t)
	staff.login("ben")
	res := citizen.post("/portal/new/citizen-report", citizenForm(t, citizen))
	track := strings.TrimSuffix(res.location, "/confirmation")
	tests := []struct {
		name string
		b    *browser
		path string
		id   string
		want []string
	}{
		{"portal form: the field's own limit", citizen, "/portal/new/citizen-report", "f-photo", []string{"PNG, JPEG", "2 MB", "bis zu 2 Dateien"}},
		{"staff form: the server's limit", staff, "/app/new/it-incident", "f-screenshot", []string{"PNG, JPEG, PDF", "10 MB"}},
		{"citizen's reply", citizen, track, "reply-file", []string{"PNG, JPEG, PDF", "10 MB", "eine Datei"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := tt.b.get(tt.path).body
			input := regexp.MustCompile(`<input type="file" id="` + tt.id + `"[^>]*aria-describedby="([^"]*)"`).FindStringSubmatch(body)
			if input == nil {
				t.Fatalf("no described file input %s:\n%s", tt.id, body)
			}
			found := false
			for _, id := range strings.Fields(input[1]) {
				m := regexp.MustCompile(`<p class="vg-help[^"]*" id="` + id + `">([^<]*)</p>`).FindStringSubmatch(body)
				if m == nil {
					continue
				}
				all := true
				for _, w := range tt.want {
					all = all && strings.Contains(m[1], w)
				}
				found = found || all
			}
			if !found {
				t.Errorf("the input's description does not state %v:\n%s", tt.want, body)
			}
		})
	}
}
