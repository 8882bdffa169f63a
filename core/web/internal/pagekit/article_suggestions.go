package pagekit

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/definition"
	"vorgang/core/knowledge"
	"vorgang/core/web/internal/webkit"
)

// ArticleSuggestions are the public articles offered beside a request
// form on the portal: answers that may spare the citizen the request.
type ArticleSuggestions struct {
	// Q is the text they were found for (the request's summary).
	Q        string
	Articles []ArticleLink
}

// ArticleLink is an article in a list of links.
type ArticleLink struct {
	Number, Title string
	// Lang is the language of the title when it is not the page's.
	Lang string
}

// maxSuggestions bounds the articles offered beside a form.
const maxSuggestions = 5

// SuggestArticles finds the public articles matching text and counts them
// as shown. Without a knowledge base it returns nil; without text, no
// articles (the box still offers the help centre's search).
func (u *Pages) SuggestArticles(c *fiber.Ctx, text string) *ArticleSuggestions {
	if u.Knowledge == nil {
		return nil
	}
	l := webkit.PageLang(c)
	s := &ArticleSuggestions{Q: strings.TrimSpace(text)}
	if s.Q == "" {
		return s
	}
	page, err := u.Knowledge.Find(c.UserContext(), knowledge.Scope{}, knowledge.Query{Text: s.Q, Lang: string(l), Limit: maxSuggestions})
	if err != nil {
		u.Log.WarnContext(c.UserContext(), "suggest articles", "error", err)
		return s
	}
	var shown []string
	for i := range page.Articles {
		a := &page.Articles[i]
		s.Articles = append(s.Articles, LinkOf(l, a))
		shown = append(shown, a.Number)
	}
	if err := u.Knowledge.RecordShown(c.UserContext(), shown); err != nil {
		u.Log.WarnContext(c.UserContext(), "count shown articles", "error", err)
	}
	return s
}

// LinkOf is the link of an article on a page in l.
func LinkOf(l webkit.Lang, a *knowledge.Article) ArticleLink {
	t, tl := a.Text(string(l))
	link := ArticleLink{Number: a.Number, Title: t.Title}
	if tl != string(l) {
		link.Lang = tl
	}
	return link
}

// summaryOf is the text of a request's summary in form data: the first
// title field (definition.DefaultTitleFields) with a text.
func summaryOf(data map[string]any) string {
	for _, f := range definition.DefaultTitleFields {
		if s, ok := data[f].(string); ok && strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
