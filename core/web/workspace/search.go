package workspace

import (
	"errors"
	"html/template"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/knowledge"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// The search of the workspace header (/app/search): the tickets the user
// may find in the full-text index, and the knowledge articles they may
// read, each ranked.

type searchView struct {
	Q        string
	Tickets  []ticketHit
	Total    uint64
	AtLeast  bool
	NoIndex  bool
	Articles []kbRow
	ArtTotal int
}

type ticketHit struct {
	Number, Title string
	Snippet       template.HTML
}

func (u *workspace) searchPage(c *fiber.Ctx) error {
	l := webkit.PageLang(c)
	actor := pagekit.UIPrincipal(c)
	q := strings.TrimSpace(c.Query("q"))
	d := searchView{Q: q}
	if q != "" {
		res, err := u.Engine.Search(c.UserContext(), actor, engine.SearchRequest{Text: q, Limit: 20})
		switch {
		case errors.Is(err, fault.Unavailable):
			d.NoIndex = true
		case err != nil:
			return webkit.FaultError(err)
		default:
			d.Total, d.AtLeast = res.Total, res.TotalAtLeast
			for _, h := range res.Hits {
				d.Tickets = append(d.Tickets, ticketHit{Number: h.Number, Title: h.Title, Snippet: firstSnippet(h.Snippets)})
			}
		}
		if u.Knowledge != nil {
			page, err := u.Knowledge.Find(c.UserContext(), knowledge.ScopeOf(actor), knowledge.Query{Text: q, Lang: string(l), Limit: 20})
			if err != nil {
				return webkit.FaultError(err)
			}
			d.ArtTotal = page.Total
			d.Articles = kbRowsOf(l, page)
		}
	}
	return u.Render(c, http.StatusOK, "search", &pagekit.View{Lang: l, Title: webkit.Text(l, "search_heading"), Area: "app", Nav: "search", Data: d})
}

// firstSnippet is a search hit's first passage with a word found in it,
// comments first: the index's HTML with the words in <mark> (the text
// escaped by the index, see search.Hit).
func firstSnippet(snippets map[string][]string) template.HTML {
	for _, f := range []string{"public", "internal", "data", "title"} {
		for _, s := range snippets[f] {
			if strings.Contains(s, "<mark>") {
				return template.HTML(s) //nolint:gosec // escaped by the index, see search.Hit
			}
		}
	}
	return ""
}
