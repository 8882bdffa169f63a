package portal_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"vorgang/core/web/internal/webtest"
)

// TestArticleLangInLists (WCAG 3.1.2): an article's title and snippet
// shown in a language other than the page's carry their lang — an
// article with a German version only on an English page and the reverse
// — in the help centre, beside a request form, in the workspace's
// knowledge list, in the header search and on a ticket's page; one in the
// page's language carries none.
func TestArticleLangInLists(t *testing.T) {
	env := webtest.NewUIEnv(t)
	for lang, text := range map[string][2]string{"de": {"Abfuhr", "Die Abholung des Sperrmülls kostet nichts."},
		"en": {"Bulky waste", "Collection of bulky waste is free of charge."}} {
		req, _ := json.Marshal(map[string]any{"texts": map[string]any{lang: map[string]string{"title": text[0], "body": text[1]}},
			"category": "Abfall", "visibility": "public"})
		if status, res := env.APICall(t, "root", "POST", "/api/v1/articles", string(req)); status != http.StatusCreated {
			t.Fatalf("create: %d %s", status, res)
		}
	}
	ticket := webtest.CitizenRequestIn(t, env, false)
	citizen := env.Browser(t)
	staff := env.Browser(t)
	staff.Login("root")
	cases := []struct {
		pageLang, q, other, title, snippet string
	}{
		{"en", "sperrmuell", "de", "Abfuhr", `<span class="vg-meta" lang="de">Die Abholung des <mark>Sperrmülls</mark>`},
		{"de", "bulky", "en", "Bulky waste", `<span class="vg-meta" lang="en">Collection of <mark>bulky</mark>`},
	}
	for _, c := range cases {
		pages := []struct {
			name string
			b    *webtest.Browser
			path string
		}{
			{"help centre", citizen, "/portal/help?q=" + c.q},
			{"beside a request form", citizen, "/portal/help/suggest?q=" + c.q},
			{"workspace knowledge", staff, "/app/knowledge?q=" + c.q},
			{"header search", staff, "/app/search?q=" + c.q},
			{"ticket page", staff, "/app/tickets/" + ticket.Number + "?kb=" + c.q},
		}
		for _, p := range pages {
			t.Run(c.pageLang+" "+p.name, func(t *testing.T) {
				got := p.b.Get(p.path + "&lang=" + c.pageLang)
				if got.Status != http.StatusOK {
					t.Fatalf("%s: %d", p.path, got.Status)
				}
				if !strings.Contains(got.Body, ` lang="`+c.other+`">`+c.title+`<`) {
					t.Errorf("the title lacks lang=%q:\n%s", c.other, got.Body)
				}
				if !strings.Contains(got.Body, c.snippet) {
					t.Errorf("the snippet lacks lang=%q, want %s:\n%s", c.other, c.snippet, got.Body)
				}
			})
		}
	}
	// In the page's own language, no lang.
	got := citizen.Get("/portal/help?q=sperrmuell&lang=de")
	if !strings.Contains(got.Body, `<span class="vg-meta">Die Abholung des <mark>Sperrmülls</mark>`) {
		t.Errorf("a German snippet on a German page:\n%s", got.Body)
	}
}
