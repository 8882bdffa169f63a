package portal_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"vorgang/core/web/internal/webtest"
)

// kbArticles writes a public, an internal and a team-only article about
// bulky waste through the API and returns their numbers.
func kbArticles(t *testing.T, env *webtest.UIEnv) (pub, internal, team string) {
	t.Helper()
	write := func(title, category, visibility, team string) string {
		body := `{"texts":{"de":{"title":"` + title + `","body":"Abholung **zweimal** im Jahr."}},"category":"` + category + `",` +
			`"visibility":"` + visibility + `","team":"` + team + `","tags":["sperrmüll"]}`
		status, res := env.APICall(t, "root", "POST", "/api/v1/articles", body)
		if status != http.StatusCreated {
			t.Fatalf("create %s: %d %s", title, status, res)
		}
		var a struct{ Number string }
		if err := json.Unmarshal([]byte(res), &a); err != nil {
			t.Fatal(err)
		}
		return a.Number
	}
	return write("Sperrmüll anmelden", "Abfall", "public", ""), write("Sperrmüll-Touren intern", "Interna", "internal", ""),
		write("Sperrmüll-Zugang IT", "IT", "team", "it-1st-level")
}

// TestHelpCentre: a citizen browses and searches the public articles
// only; an internal or team article is not found, not counted and not
// opened, on the pages and the API.
func TestHelpCentre(t *testing.T) {
	env := webtest.NewUIEnv(t)
	pub, internal, team := kbArticles(t, env)
	b := env.Browser(t)
	for _, path := range []string{"/portal/help", "/portal/help?q=sperrmuell", "/portal/help?category=Abfall", "/portal/help?q=Sperrm%C3%BCll&lang=en"} {
		p := b.Get(path)
		if p.Status != http.StatusOK {
			t.Fatalf("%s: %d", path, p.Status)
		}
		if strings.Contains(p.Body, internal) || strings.Contains(p.Body, team) || strings.Contains(p.Body, "Interna") {
			t.Errorf("%s shows a non-public article:\n%s", path, p.Body)
		}
		if path != "/portal/help" && !strings.Contains(p.Body, "/portal/help/"+pub) {
			t.Errorf("%s does not list %s:\n%s", path, pub, p.Body)
		}
	}
	if p := b.Get("/portal/help/" + pub); p.Status != http.StatusOK || !strings.Contains(p.Body, "<strong>zweimal</strong>") {
		t.Errorf("public article: %d\n%s", p.Status, p.Body)
	}
	for _, n := range []string{internal, team, "KB-999"} {
		if p := b.Get("/portal/help/" + n); p.Status != http.StatusNotFound {
			t.Errorf("citizen opens %s: %d", n, p.Status)
		}
	}
	// The API without an account answers as the portal.
	anon := env.Browser(t)
	p := anon.Get("/api/v1/articles?q=sperrmuell")
	if p.Status != http.StatusOK || !strings.Contains(p.Body, `"total":1`) || strings.Contains(p.Body, internal) {
		t.Errorf("anonymous API search: %d %s", p.Status, p.Body)
	}
	if p := anon.Get("/api/v1/articles/" + internal); p.Status != http.StatusNotFound {
		t.Errorf("anonymous API opens %s: %d", internal, p.Status)
	}
	// Staff of another team: internal yes, the team's no.
	status, body := env.APICall(t, "dora", "GET", "/api/v1/articles?q=sperrmuell", "")
	if status != http.StatusOK || !strings.Contains(body, `"total":2`) || strings.Contains(body, team) {
		t.Errorf("dora's API search: %d %s", status, body)
	}
}

// TestSuggestionsBesideForm: the request form links the help centre's
// search; after a submit the articles matching the summary are shown
// beside it (no script needed), and so are the script's suggestions;
// each showing is counted.
func TestSuggestionsBesideForm(t *testing.T) {
	env := webtest.NewUIEnv(t)
	pub, internal, _ := kbArticles(t, env)
	b := env.Browser(t)
	first := b.Get("/portal/new/citizen-report")
	if !strings.Contains(first.Body, `action="/portal/help"`) {
		t.Fatalf("the form page does not offer the help centre's search:\n%s", first.Body)
	}
	form := webtest.CitizenForm(t, b)
	form.Set("summary", "Sperrmüll")
	form.Del("email") // the post is refused and the form shown again
	res := b.Post("/portal/new/citizen-report", form)
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("post without e-mail: %d", res.Status)
	}
	if !strings.Contains(res.Body, `href="/portal/help/`+pub+`"`) || strings.Contains(res.Body, internal) {
		t.Errorf("the form shown again does not suggest only %s:\n%s", pub, res.Body)
	}
	frag := b.Get("/portal/help/suggest?q=sperrm%C3%BCll")
	if frag.Status != http.StatusOK || !strings.Contains(frag.Body, `href="/portal/help/`+pub+`"`) || strings.Contains(frag.Body, "<html") {
		t.Errorf("suggestions fragment: %d\n%s", frag.Status, frag.Body)
	}
	root := env.Browser(t)
	root.Login("root")
	if p := root.Get("/app/knowledge/" + pub); !strings.Contains(p.Body, "<dt>Im Portal vorgeschlagen</dt><dd>2</dd>") {
		t.Errorf("shown twice is not counted:\n%s", p.Body)
	}
}
