package workspace_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vorgang/core/web/internal/webtest"
)

// pngBytes is the start of a PNG file: enough for the content sniffer.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

// uploadFile posts a file with the article page's upload form.
func uploadFile(t *testing.T, b *webtest.Browser, number, name string, data []byte) webtest.Page {
	t.Helper()
	p := b.Get("/app/knowledge/" + number)
	return b.PostMultipart("/app/knowledge/"+number+"/files", url.Values{"_csrf": {webtest.Hidden(t, p.Body, "_csrf")}},
		webtest.FilePart{Field: "file", Name: name, Data: data})
}

// TestArticleFiles: a writer uploads an image and embeds it by name; the
// workspace, the portal and the API serve it under the article's
// visibility; images from elsewhere are not shown; other types and
// readers are refused.
func TestArticleFiles(t *testing.T) {
	env := kbEnv(t)
	kira := env.Browser(t)
	kira.Login("kira")
	pub := writeArticle(t, kira, "Anfahrt", "![Lageplan](lageplan.png)\n\n![Fremd](https://evil.example/x.png)", "public", "")
	team := writeArticle(t, kira, "Serverraum", "![Plan](plan.png)", "team", "it-1st-level")
	for _, n := range []string{pub, team} {
		name := "lageplan.png"
		if n == team {
			name = "plan.png"
		}
		if res := uploadFile(t, kira, n, name, pngBytes); res.Status != http.StatusSeeOther || !strings.Contains(res.Location, "notice=file_added") {
			t.Fatalf("upload to %s: %d %s", n, res.Status, res.Location)
		}
	}
	if res := uploadFile(t, kira, pub, "bild.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)); !strings.Contains(res.Location, "notice=file_type_not_allowed") {
		t.Errorf("an SVG was taken: %d %s", res.Status, res.Location)
	}
	page := kira.Get("/app/knowledge/" + pub)
	if !strings.Contains(page.Body, `<img src="/app/knowledge/`+pub+`/files/lageplan.png" alt="Lageplan">`) || strings.Contains(page.Body, "evil.example") {
		t.Errorf("workspace article: the own image is not shown or the foreign one is:\n%s", page.Body)
	}
	if !strings.Contains(page.Body, "<code>![lageplan.png](lageplan.png)</code>") {
		t.Errorf("the file list does not say how to embed the image")
	}
	citizen := env.Browser(t)
	help := citizen.Get("/portal/help/" + pub)
	if !strings.Contains(help.Body, `<img src="/portal/help/`+pub+`/files/lageplan.png"`) || strings.Contains(help.Body, "evil.example") {
		t.Errorf("help article: images wrong:\n%s", help.Body)
	}
	anna := env.Browser(t)
	anna.Login("anna")
	cases := []struct {
		name   string
		b      *webtest.Browser
		path   string
		status int
	}{
		{"citizen, public article", citizen, "/portal/help/" + pub + "/files/lageplan.png", http.StatusOK},
		{"citizen, team article", citizen, "/portal/help/" + team + "/files/plan.png", http.StatusNotFound},
		{"citizen, unknown file", citizen, "/portal/help/" + pub + "/files/nope.png", http.StatusNotFound},
		{"team member", kira, "/app/knowledge/" + team + "/files/plan.png", http.StatusOK},
		{"anonymous API, public article", citizen, "/api/v1/articles/" + pub + "/files/lageplan.png", http.StatusOK},
		{"anonymous API, team article", citizen, "/api/v1/articles/" + team + "/files/plan.png", http.StatusNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := c.b.Get(c.path)
			if res.Status != c.status {
				t.Fatalf("GET %s: %d, want %d", c.path, res.Status, c.status)
			}
			if c.status == http.StatusOK && (res.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "inline")) {
				t.Errorf("served as %s, %s", res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
			}
		})
	}
	if res := uploadFile(t, anna, pub, "x.png", pngBytes); res.Status != http.StatusForbidden {
		t.Errorf("upload by staff who may not write: %d", res.Status)
	}
}

// TestRemoveArticleFile: the article page offers writers a button per
// file that removes it (a form, no script); a file a version shows stays,
// and the page says why; staff who may not write get no button and are
// refused.
func TestRemoveArticleFile(t *testing.T) {
	env := kbEnv(t)
	kira := env.Browser(t)
	kira.Login("kira")
	pub := writeArticle(t, kira, "Anfahrt", "![Lageplan](lageplan.png)", "public", "")
	for _, name := range []string{"lageplan.png", "alt.png"} {
		if res := uploadFile(t, kira, pub, name, pngBytes); res.Status != http.StatusSeeOther {
			t.Fatalf("upload %s: %d", name, res.Status)
		}
	}
	remove := func(b *webtest.Browser, name string) webtest.Page {
		t.Helper()
		p := kira.Get("/app/knowledge/" + pub)
		return b.Post("/app/knowledge/"+pub+"/files/"+name+"/remove", url.Values{"_csrf": {webtest.Hidden(t, p.Body, "_csrf")}})
	}
	page := kira.Get("/app/knowledge/" + pub)
	if !strings.Contains(page.Body, `action="/app/knowledge/`+pub+`/files/alt.png/remove"`) {
		t.Fatalf("no button to remove alt.png:\n%s", page.Body)
	}
	if res := remove(kira, "lageplan.png"); res.Status != http.StatusSeeOther || !strings.Contains(res.Location, "notice=file_in_use") {
		t.Errorf("removing the image the article shows: %d %s", res.Status, res.Location)
	}
	if p := kira.Get("/app/knowledge/" + pub + "?notice=file_in_use"); !strings.Contains(p.Body, "Eine Fassung des Artikels zeigt oder verlinkt diese Datei") {
		t.Errorf("the page does not say why the file stays:\n%s", p.Body)
	}
	anna := env.Browser(t)
	anna.Login("anna")
	if p := anna.Get("/app/knowledge/" + pub); strings.Contains(p.Body, "/remove") {
		t.Errorf("staff who may not write see a button to remove")
	}
	annaPage := anna.Get("/app/knowledge/" + pub)
	if res := anna.Post("/app/knowledge/"+pub+"/files/alt.png/remove", url.Values{"_csrf": {webtest.Hidden(t, annaPage.Body, "_csrf")}}); res.Status != http.StatusForbidden {
		t.Errorf("removal by staff who may not write: %d", res.Status)
	}
	if res := remove(kira, "alt.png"); res.Status != http.StatusSeeOther || !strings.Contains(res.Location, "notice=file_removed") {
		t.Errorf("remove alt.png: %d %s", res.Status, res.Location)
	}
	if res := kira.Get("/app/knowledge/" + pub + "/files/alt.png"); res.Status != http.StatusNotFound {
		t.Errorf("a removed file is served: %d", res.Status)
	}
}
