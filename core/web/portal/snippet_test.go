package portal_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vorgang/core/web/internal/webtest"
)

// TestArticleSnippets: every list of articles found by words quotes the
// passage of the body with the words in <mark> — the help centre, the
// list beside a request form, the workspace's knowledge list and its
// header search — and the article's markup reaches none of them as
// markup.
func TestArticleSnippets(t *testing.T) {
	env := webtest.NewUIEnv(t)
	body := "Die Abholung des **Sperrmülls** <script>alert(1)</script> kostet nichts; `<b>fett</b>` bleibt Text."
	req, _ := json.Marshal(map[string]any{"texts": map[string]any{"de": map[string]string{"title": "Abfuhr", "body": body}},
		"category": "Abfall", "visibility": "public"})
	status, res := env.APICall(t, "root", "POST", "/api/v1/articles", string(req))
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, res)
	}
	want := "Die Abholung des <mark>Sperrmülls</mark> alert(1) kostet"
	escaped := "&lt;b&gt;fett&lt;/b&gt;"
	q := url.QueryEscape("sperrmuell")
	citizen := env.Browser(t)
	staff := env.Browser(t)
	staff.Login("root")
	pages := []struct {
		name string
		b    *webtest.Browser
		path string
	}{
		{"help centre", citizen, "/portal/help?q=" + q},
		{"beside a request form", citizen, "/portal/help/suggest?q=" + q},
		{"workspace knowledge", staff, "/app/knowledge?q=" + q},
		{"header search", staff, "/app/search?q=" + q},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			got := p.b.Get(p.path)
			if got.Status != http.StatusOK {
				t.Fatalf("%s: %d", p.path, got.Status)
			}
			if !strings.Contains(got.Body, want) || !strings.Contains(got.Body, escaped) {
				t.Errorf("%s does not quote %q with %q:\n%s", p.path, want, escaped, got.Body)
			}
			if strings.Contains(got.Body, "<b>fett") || strings.Contains(got.Body, "<script>alert") || strings.Contains(got.Body, "**") {
				t.Errorf("%s shows the article's markup:\n%s", p.path, got.Body)
			}
		})
	}
}
