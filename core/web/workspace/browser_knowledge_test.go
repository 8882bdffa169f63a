package workspace_test

import (
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"vorgang/core/web/internal/webtest"
)

// TestKnowledgeAccessibility scans the knowledge base pages of the
// workspace and the help centre of the portal with axe-core in German and
// English, and checks that the portal's suggestions follow the summary
// as it is typed.
func TestKnowledgeAccessibility(t *testing.T) {
	webtest.RequireFile(t, webtest.AxePath(), "axe-core")
	axe, err := os.ReadFile(webtest.AxePath())
	if err != nil {
		t.Fatal(err)
	}
	env := kbEnv(t)
	kira := env.Browser(t)
	kira.Login("kira")
	pub := writeArticle(t, kira, "Sperrmüll anmelden", "# Termine\n\n- zweimal im Jahr\n- **kostenlos**\n\n| Tag | Ort |\n|---|---|\n| Mo | Nord |", "public", "")
	p := kira.Get("/app/knowledge/" + pub + "/edit")
	form := map[string][]string{"_csrf": {webtest.Hidden(t, p.Body, "_csrf")}, "_version": {"1"}, "title_de": {"Sperrmüll anmelden"},
		"body_de": {"Zweimal im Jahr."}, "category": {"Drucken"}, "visibility": {"public"}, "review_at": {"2020-01-01"}}
	if res := kira.Post("/app/knowledge/"+pub, form); res.Status != 303 {
		t.Fatalf("second version: %d", res.Status)
	}
	// A file, so the article page lists it with its button to remove.
	if res := uploadFile(t, kira, pub, "plan.png", pngBytes); res.Status != 303 {
		t.Fatalf("upload: %d", res.Status)
	}
	ticket := webtest.CitizenRequestIn(t, env, false)
	// Searches with a word of the body, so each list shows a snippet.
	const q = "sperrmuell+zweimal"
	pages := []struct{ name, who, path, post string }{
		{"knowledge list", "kira", "/app/knowledge", ""},
		{"knowledge search", "kira", "/app/knowledge?q=" + q, ""},
		{"article", "kira", "/app/knowledge/" + pub, ""},
		{"article editor", "kira", "/app/knowledge/new", ""},
		{"article editor, errors", "kira", "/app/knowledge/new", "button.vg-submit"},
		{"article edit", "kira", "/app/knowledge/" + pub + "/edit", ""},
		{"versions", "kira", "/app/knowledge/" + pub + "/versions", ""},
		{"diff", "kira", "/app/knowledge/" + pub + "/diff?from=1&to=2", ""},
		{"search", "kira", "/app/search?q=" + q, ""},
		{"ticket with articles", "root", "/app/tickets/" + ticket.Number + "?kb=" + q, ""},
		{"ticket, article inserted", "root", "/app/tickets/" + ticket.Number + "?article=" + pub, ""},
		{"ticket, article text inserted", "root", "/app/tickets/" + ticket.Number + "?article=" + pub + "&insert=text", ""},
		{"help centre", "citizen", "/portal/help", ""},
		{"help search", "citizen", "/portal/help?q=" + q, ""},
		{"help category", "citizen", "/portal/help?category=Drucken", ""},
		{"help article", "citizen", "/portal/help/" + pub, ""},
	}
	c := webtest.StartChrome(t)
	tabs := map[string]*webtest.Tab{}
	tabOf := func(who string) *webtest.Tab {
		if tb, ok := tabs[who]; ok {
			return tb
		}
		tb := c.Tab(env.Base, true)
		if who != "citizen" {
			tb.Open("/app/login")
			tb.TypeText("#login-name", who)
			tb.TypeText("#login-password", webtest.UIPassword)
			tb.Submit("button.vg-submit")
		}
		tabs[who] = tb
		return tb
	}
	for _, lang := range []string{"de", "en"} {
		for _, p := range pages {
			t.Run(lang+"/"+p.name, func(t *testing.T) {
				tb := tabOf(p.who)
				tb.T = t
				sep := "?"
				if strings.Contains(p.path, "?") {
					sep = "&"
				}
				tb.Open(p.path + sep + "lang=" + lang)
				if p.post != "" {
					tb.Submit(p.post)
				}
				if got := webtest.Eval[string](tb, "document.documentElement.lang"); got != lang {
					t.Errorf("html lang = %q, want %q", got, lang)
				}
				webtest.RunAxe(t, tb, string(axe))
			})
		}
	}
	t.Run("suggestions while typing", func(t *testing.T) {
		tb := tabOf("citizen")
		tb.T = t
		tb.Open("/portal/new/citizen-report?lang=de")
		tb.TypeText("#f-summary", "Sperrmüll zweimal")
		tb.Do("wait for the suggestion", chromedp.WaitVisible(chromedp.CSS(`[data-kb-list] a[href="/portal/help/`+pub+`"]`)))
		if got := webtest.Eval[string](tb, `document.querySelector('[data-kb-list] mark').textContent`); got != "Zweimal" {
			t.Errorf("the suggestion's snippet marks %q", got)
		}
		webtest.RunAxe(t, tb, string(axe))
	})
}
