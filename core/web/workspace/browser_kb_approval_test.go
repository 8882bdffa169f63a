package workspace_test

import (
	"html"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"vorgang/core/web/internal/webtest"
)

// TestKnowledgeReviewAccessibility scans the pages of the review step with
// axe-core in German and English: the waiting panel as its author and as
// a reviewer sees it, the list with the articles waiting for approval,
// the versions with their decisions, the article's files and upload form,
// the help article with its image, and the ticket page and editor of an
// article from a ticket's answer; and that the articles suggested while a
// citizen types become hidden fields of the request form.
func TestKnowledgeReviewAccessibility(t *testing.T) {
	webtest.RequireFile(t, webtest.AxePath(), "axe-core")
	axe, err := os.ReadFile(webtest.AxePath())
	if err != nil {
		t.Fatal(err)
	}
	env := reviewEnv(t)
	kira, rolf := env.Browser(t), env.Browser(t)
	kira.Login("kira")
	rolf.Login("rolf")
	number, _ := saveFee(t, kira, "", "Personalausweis")
	if res := decide(t, rolf, number, "approve", "1"); res.Status != 303 {
		t.Fatalf("approve: %d", res.Status)
	}
	if res := uploadFile(t, kira, number, "antrag.png", pngBytes); res.Status != 303 {
		t.Fatalf("upload: %d", res.Status)
	}
	saveFee(t, kira, number, "Personalausweis beantragen")
	// A closed ticket whose answer starts an article.
	closed := webtest.CitizenRequestIn(t, env, true)
	root := env.Browser(t)
	root.Login("root")
	link := fromAnswerLink.FindStringSubmatch(root.Get("/app/tickets/" + closed.Number).Body)
	if link == nil {
		t.Fatal("the closed ticket offers no answer as an article")
	}
	pages := []struct{ name, who, path string }{
		{"waiting, as its author", "kira", "/app/knowledge/" + number},
		{"waiting, as a reviewer", "rolf", "/app/knowledge/" + number},
		{"list with articles to approve", "rolf", "/app/knowledge"},
		{"versions with decisions", "rolf", "/app/knowledge/" + number + "/versions"},
		{"changes against the published version", "rolf", "/app/knowledge/" + number + "/diff?from=2&to=3"},
		{"editor of the waiting version", "kira", "/app/knowledge/" + number + "/edit"},
		{"closed ticket with its answers", "root", "/app/tickets/" + closed.Number},
		{"article from a ticket's answer", "root", html.UnescapeString(link[1])},
		{"help article with its image", "citizen", "/portal/help/" + number},
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
				if got := webtest.Eval[string](tb, "document.documentElement.lang"); got != lang {
					t.Errorf("html lang = %q, want %q", got, lang)
				}
				webtest.RunAxe(t, tb, string(axe))
			})
		}
	}
	t.Run("reviewer sees the decisions", func(t *testing.T) {
		tb := tabOf("rolf")
		tb.T = t
		tb.Open("/app/knowledge/" + number + "?lang=en")
		for _, sel := range []string{`#kb-pending form[action$="/approve"] button`, `#kb-pending form[action$="/reject"] button`} {
			if !tb.Has(sel) {
				t.Errorf("reviewer's page lacks %s", sel)
			}
		}
	})
	t.Run("author gets no approve button", func(t *testing.T) {
		tb := tabOf("kira")
		tb.T = t
		tb.Open("/app/knowledge/" + number + "?lang=en")
		if tb.Has(`#kb-pending form[action$="/approve"]`) || !tb.Has(`#kb-pending form[action$="/reject"]`) {
			t.Errorf("author's page: wants withdraw, not approve")
		}
	})
	t.Run("offered articles go with the form", func(t *testing.T) {
		tb := c.Tab(env.Base, true)
		tb.T = t
		tb.Open("/portal/new/citizen-report?lang=de")
		tb.TypeText("#f-summary", "Personalausweis")
		hidden := `input[type=hidden][name=_kb_offer][form="form-citizen-report"]`
		tb.Do("wait for the suggestion", chromedp.WaitVisible(chromedp.CSS(`[data-kb-list] a[href="/portal/help/`+number+`"]`)))
		if !tb.Has(hidden) {
			t.Errorf("the suggestions carry no hidden field %s", hidden)
		}
		// Typing on keeps the form's one offering.
		read := `document.querySelector('` + hidden + `').value`
		first := webtest.Eval[string](tb, read)
		// A mark on the old list goes with it when the refresh replaces it.
		webtest.Eval[bool](tb, `(function(){document.querySelector("[data-kb-list] ul").setAttribute("data-stale", ""); return true})()`)
		tb.TypeText("#f-summary", "Personalausweis verloren")
		tb.Do("wait for the refresh", chromedp.WaitNotPresent(chromedp.CSS(`[data-kb-list] ul[data-stale]`)))
		again := webtest.Eval[string](tb, read)
		if len(first) != 32 || again != first {
			t.Errorf("offering %q, after typing on %q", first, again)
		}
		webtest.RunAxe(t, tb, string(axe))
	})
}
