package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"vorgang/core/web/internal/webtest"
)

// TestUploadOverTheLimitKeepsTheInput: a file over the server's limit for
// one file (10 MB) on the portal form, a citizen's reply or a staff
// comment is refused at its field, and everything else the person typed
// comes back; nothing is stored. Before, such a post got a 413 page and
// lost every input.
func TestUploadOverTheLimitKeepsTheInput(t *testing.T) {
	env := webtest.NewUIEnv(t)
	huge := append(append([]byte{}, webtest.PNGBytes...), bytes.Repeat([]byte{0}, 11<<20)...)

	t.Run("portal form", func(t *testing.T) {
		b := env.Browser(t)
		form := webtest.CitizenForm(t, b)
		form.Set("summary", "Laterne flackert seit Tagen")
		p := b.PostMultipart("/portal/new/citizen-report", form, webtest.FilePart{Field: "photo", Name: "riesig.png", Data: huge})
		if p.Status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422\n%.500s", p.Status, p.Body)
		}
		for _, kept := range []string{`value="Laterne flackert seit Tagen"`, `value="Markt 1"`, `value="erika@example.org"`} {
			if !strings.Contains(p.Body, kept) {
				t.Errorf("the form lost %s", kept)
			}
		}
		if !regexp.MustCompile(`id="f-photo-error"[^>]*>.*2 MB`).MatchString(p.Body) ||
			!strings.Contains(p.Body, `href="#f-photo"`) {
			t.Errorf("no error at the photo field naming its limit:\n%s", p.Body)
		}
		if n := env.CountTickets(t, "citizen-report"); n != 0 {
			t.Errorf("%d tickets stored", n)
		}
	})

	t.Run("citizen's reply", func(t *testing.T) {
		b := env.Browser(t)
		res := b.Post("/portal/new/citizen-report", webtest.CitizenForm(t, b))
		track := strings.TrimSuffix(res.Location, "/confirmation")
		page := b.Get(track)
		form := url.Values{"_csrf": {webtest.Hidden(t, page.Body, "_csrf")}, "_version": {webtest.Hidden(t, page.Body, "_version")}, "text": {"Hier das Foto von heute"}}
		p := b.PostMultipart(track+"/reply", form, webtest.FilePart{Field: "file", Name: "riesig.png", Data: huge})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Hier das Foto von heute") || !strings.Contains(p.Body, "10 MB") {
			t.Fatalf("status %d, want 422 with the text kept and the limit named\n%.800s", p.Status, p.Body)
		}
	})

	t.Run("staff comment", func(t *testing.T) {
		b := env.Browser(t)
		res := env.Browser(t)
		r := res.Post("/portal/new/citizen-report", webtest.CitizenForm(t, res))
		number := webtest.RegexpFind(t, res.Get(r.Location).Body, `(MELD-[0-9]{4}-[0-9]+)`)
		b.Login("dora")
		path := "/app/tickets/" + number
		page := b.Get(path)
		form := url.Values{"_csrf": {webtest.Hidden(t, page.Body, "_csrf")}, "_version": {webtest.Hidden(t, page.Body, "_version")}, "text": {"Foto vom Bauhof"}}
		p := b.PostMultipart(path+"/comments", form, webtest.FilePart{Field: "file", Name: "riesig.png", Data: huge})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Foto vom Bauhof") || !strings.Contains(p.Body, "10 MB") {
			t.Fatalf("status %d, want 422 with the text kept and the limit named\n%.800s", p.Status, p.Body)
		}
	})
}

// TestFileFieldsStateTheirLimits: next to every file input the page says
// which types it takes, how large a file and how many, and the input is
// described by it.
func TestFileFieldsStateTheirLimits(t *testing.T) {
	env := webtest.NewUIEnv(t)
	citizen := env.Browser(t)
	staff := env.Browser(t)
	staff.Login("ben")
	res := citizen.Post("/portal/new/citizen-report", webtest.CitizenForm(t, citizen))
	track := strings.TrimSuffix(res.Location, "/confirmation")
	tests := []struct {
		name string
		b    *webtest.Browser
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
			body := tt.b.Get(tt.path).Body
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
