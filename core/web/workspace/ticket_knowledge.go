package workspace

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/knowledge"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// Articles from a ticket: the ticket page searches the knowledge base
// (?kb=words) and offers each public article's link for the public reply
// (?article=KB-n fills the reply with it, internal unticked) or its text
// (&insert=text: the title, the text a reader sees with the addresses of
// its links and images, and the link). A
// public comment that holds the link of an article counts as a use of it.

// ticketArticles is the knowledge box of the ticket page.
type ticketArticles struct {
	On      bool
	Q       string
	Results []kbRow
	Public  map[string]bool
	// Insert: the reply was filled with an article's link.
	Insert bool
}

// articleLink matches the portal address of an article in a reply.
var articleLink = regexp.MustCompile(`/portal/help/(KB-[0-9]+)\b`)

// ticketArticleBox fills the knowledge box and, when an article was
// chosen, the reply with its title and link, or its text and link.
func (u *workspace) ticketArticleBox(c *fiber.Ctx, d *ticketView) {
	if u.Knowledge == nil {
		return
	}
	l := webkit.PageLang(c)
	actor := pagekit.UIPrincipal(c)
	box := ticketArticles{On: true, Q: strings.TrimSpace(c.Query("kb")), Public: map[string]bool{}}
	if box.Q != "" {
		page, err := u.Knowledge.Find(c.UserContext(), knowledge.ScopeOf(actor), knowledge.Query{Text: box.Q, Lang: string(l), Limit: 10})
		if err == nil {
			box.Results = kbRowsOf(l, page)
			for i := range page.Articles {
				box.Public[page.Articles[i].Number] = page.Articles[i].Visibility == knowledge.Public
			}
		}
	}
	if n := c.Query("article"); n != "" && d.Comment == "" {
		if a, err := u.Knowledge.Get(c.UserContext(), actor, n); err == nil && a.Visibility == knowledge.Public {
			d.Comment = a.Title(string(l)) + "\n" + u.articleURL(c, a.Number)
			if body := a.ReplyText(string(l), u.articleURL(c, a.Number)); c.Query("insert") == "text" && body != "" {
				// The link stays below the text: the citizen finds the
				// article with its images, and the reply counts as a use.
				d.Comment = a.Title(string(l)) + "\n\n" + body + "\n\n" + u.articleURL(c, a.Number)
			}
			box.Insert = true
		}
	}
	d.Articles = box
}

// articleURL is the portal address of an article, as the citizen opens it.
func (u *workspace) articleURL(c *fiber.Ctx, number string) string {
	return webkit.PublicBase(c, u.BaseURL) + "/portal/help/" + url.PathEscape(number)
}

// countArticleUses counts the articles linked in a public reply.
func (u *workspace) countArticleUses(c *fiber.Ctx, text string) {
	if u.Knowledge == nil {
		return
	}
	seen := map[string]bool{}
	for _, m := range articleLink.FindAllStringSubmatch(text, 10) {
		if seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		if err := u.Knowledge.RecordUsed(c.UserContext(), pagekit.UIPrincipal(c), m[1]); err != nil {
			u.Log.WarnContext(c.UserContext(), "count article use", "article", m[1], "error", err)
		}
	}
}
