package pagekit

import (
	"html/template"
	"regexp"
	"slices"
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
	// Seen are the articles offered beside this form so far, these
	// included: hidden fields of the form (ShownField), so its submit says
	// which articles the citizen saw before sending the request anyway.
	Seen []string
	// FormID is the id of the form the hidden fields belong to.
	FormID string
}

// ShownField is the hidden field of a portal form with the number of an
// article offered beside it; the list of suggestions renders one per
// article (attached to the form by its form attribute), so it works
// without JavaScript, and the script passes them on to each refresh.
const ShownField = "_kb_shown"

// maxSeen bounds the articles one form reports as shown.
const maxSeen = 20

var articleNumber = regexp.MustCompile(`^KB-[0-9]{1,9}$`)

// SeenArticles are the well-formed article numbers among values, without
// repeats, at most maxSeen.
func SeenArticles(values []string) []string {
	var out []string
	for _, v := range values {
		for n := range strings.SplitSeq(v, ",") {
			if n = strings.TrimSpace(n); articleNumber.MatchString(n) && !slices.Contains(out, n) && len(out) < maxSeen {
				out = append(out, n)
			}
		}
	}
	return out
}

// seenKey keeps the articles a post of a portal form reports as shown
// for the form page that answers it.
type seenKey struct{}

// CountSubmitted counts the articles the post reports as shown beside the
// form as followed by a submitted request. A failed count is logged: the
// request stands.
func (u *Pages) CountSubmitted(c *fiber.Ctx, post *FormPost) {
	if u.Knowledge == nil {
		return
	}
	if err := u.Knowledge.RecordSubmitted(c.UserContext(), SeenArticles(post.Sub.Values[ShownField])); err != nil {
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
}

// maxSuggestions bounds the articles offered beside a form.
const maxSuggestions = 5

// SuggestArticles finds the public articles matching text and counts as
// shown those not among seen (offered beside the same form before), so an
// article counts once per form however often the list is refreshed.
// Without a knowledge base it returns nil; without text, no articles (the
// box still offers the help centre's search).
func (u *Pages) SuggestArticles(c *fiber.Ctx, text string, seen []string) *ArticleSuggestions {
	if u.Knowledge == nil {
		return nil
	}
	l := webkit.PageLang(c)
	s := &ArticleSuggestions{Q: strings.TrimSpace(text), Seen: seen}
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
		s.Articles = append(s.Articles, LinkOf(l, a, page.Snippets[a.Number]))
		if !slices.Contains(s.Seen, a.Number) && len(s.Seen) < maxSeen {
			s.Seen = append(s.Seen, a.Number)
			shown = append(shown, a.Number)
		}
	}
	if err := u.Knowledge.RecordShown(c.UserContext(), shown); err != nil {
		u.Log.WarnContext(c.UserContext(), "count shown articles", "error", err)
	}
	return s
}

// LinkOf is the link of an article on a page in l, with the snippet a
// search found it by.
func LinkOf(l webkit.Lang, a *knowledge.Article, snippet template.HTML) ArticleLink {
	t, tl := a.Text(string(l))
	link := ArticleLink{Number: a.Number, Title: t.Title, Snippet: snippet}
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
