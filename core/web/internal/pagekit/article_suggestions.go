package pagekit

import (
	"html/template"
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
	// Offer is the id of the offering these articles were recorded in
	// (knowledge.Service.Offer): a hidden field of the form (OfferField),
	// so its submit marks the offering submitted. Empty while nothing
	// was offered.
	Offer string
	// FormID is the id of the form the hidden field belongs to.
	FormID string
}

// OfferField is the hidden field of a portal form with the id of the
// offering of articles beside it; the list of suggestions renders it
// (attached to the form by its form attribute), so it works without
// JavaScript, and the script passes it on to each refresh.
const OfferField = "_kb_offer"

// offerKey keeps the offering a post of a portal form carries for the
// form page that answers it.
type offerKey struct{}

// CountSubmitted marks the offering the post carries as submitted. A
// failed count is logged: the request stands.
func (u *Pages) CountSubmitted(c *fiber.Ctx, post *FormPost) {
	if u.Knowledge == nil {
		return
	}
	if err := u.Knowledge.OfferSubmitted(c.UserContext(), post.Sub.First(OfferField)); err != nil {
		u.Log.WarnContext(c.UserContext(), "count submitted after articles", "error", err)
	}
}

// ArticleLink is an article in a list of links.
type ArticleLink struct {
	Number, Title string
	// Lang is the language of the title when it is not the page's.
	Lang string
	// Snippet is the passage of the body with the words searched for in
	// <mark>, escaped by the index (knowledge.Page.Snippets); empty when
	// there is none.
	Snippet template.HTML
	// SnippetLang is the language of the snippet when it is not the
	// page's.
	SnippetLang string
}

// maxSuggestions bounds the articles offered beside a form.
const maxSuggestions = 5

// SuggestArticles finds the public articles matching text and records
// them in the form's offering offer (a new one when offer is not open),
// so an article counts once per form however often the list is
// refreshed. Without a knowledge base it returns nil; without text, no
// articles (the box still offers the help centre's search).
func (u *Pages) SuggestArticles(c *fiber.Ctx, text, offer string) *ArticleSuggestions {
	if u.Knowledge == nil {
		return nil
	}
	l := webkit.PageLang(c)
	s := &ArticleSuggestions{Q: strings.TrimSpace(text), Offer: offer}
	if s.Q == "" {
		return s
	}
	page, err := u.Knowledge.Find(c.UserContext(), knowledge.Scope{}, knowledge.Query{Text: s.Q, Lang: string(l), Limit: maxSuggestions})
	if err != nil {
		u.Log.WarnContext(c.UserContext(), "suggest articles", "error", err)
		return s
	}
	var numbers []string
	for i := range page.Articles {
		a := &page.Articles[i]
		s.Articles = append(s.Articles, LinkOf(l, a, page))
		numbers = append(numbers, a.Number)
	}
	id, err := u.Knowledge.Offer(c.UserContext(), offer, numbers)
	if err != nil {
		u.Log.WarnContext(c.UserContext(), "count shown articles", "error", err)
		return s
	}
	s.Offer = id
	return s
}

// LinkOf is the link of an article on a page in l, with the snippet the
// search page found it by.
func LinkOf(l webkit.Lang, a *knowledge.Article, page *knowledge.Page) ArticleLink {
	t, tl := a.Text(string(l))
	link := ArticleLink{Number: a.Number, Title: t.Title, Snippet: page.Snippets[a.Number]}
	if tl != string(l) {
		link.Lang = tl
	}
	if sl := page.SnippetLangs[a.Number]; sl != "" && sl != string(l) {
		link.SnippetLang = sl
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
