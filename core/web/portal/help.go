package portal

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/knowledge"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// The help centre (/portal/help): the public articles of the knowledge
// base by category and by search, one article, and the suggestions a
// request form fetches while its summary is typed (the page works
// without them: the form's page shows them after a submit and links the
// search). A citizen reads public articles only; knowledge.Scope{} says
// so to every query.

// limit is the rate limit of the suggestions, which a form's script asks
// for while the summary is typed (that of the computed fields).
func (u *portal) registerHelp(r fiber.Router, limit fiber.Handler) {
	if u.Knowledge == nil {
		return
	}
	r.Get("/help", u.helpPage)
	r.Get("/help/suggest", limit, u.helpSuggest)
	r.Get("/help/:number/files/:name", u.helpFile)
	r.Get("/help/:number", u.helpArticle)
}

type helpView struct {
	Q, Category string
	Categories  []knowledge.Category
	Articles    []pagekit.ArticleLink
	Total       int
	Searched    bool
	Prev, Next  string
}

const helpPageSize = 20

func (u *portal) helpPage(c *fiber.Ctx) error {
	l := webkit.PageLang(c)
	ctx := c.UserContext()
	offset, _ := strconv.Atoi(c.Query("offset"))
	offset = max(offset, 0)
	d := helpView{Q: c.Query("q"), Category: c.Query("category")}
	cats, err := u.Knowledge.Categories(ctx, knowledge.Scope{})
	if err != nil {
		return webkit.FaultError(err)
	}
	d.Categories = cats
	if d.Q != "" || d.Category != "" {
		d.Searched = true
		page, err := u.Knowledge.Find(ctx, knowledge.Scope{}, knowledge.Query{Text: d.Q, Category: d.Category, Lang: string(l), Offset: offset, Limit: helpPageSize})
		if err != nil {
			return webkit.FaultError(err)
		}
		d.Total = page.Total
		for i := range page.Articles {
			a := &page.Articles[i]
			d.Articles = append(d.Articles, pagekit.LinkOf(l, a, page.Snippets[a.Number]))
		}
		link := func(off int) string {
			v := url.Values{}
			if d.Q != "" {
				v.Set("q", d.Q)
			}
			if d.Category != "" {
				v.Set("category", d.Category)
			}
			if off > 0 {
				v.Set("offset", strconv.Itoa(off))
			}
			return "/portal/help?" + v.Encode()
		}
		if offset > 0 {
			d.Prev = link(max(offset-helpPageSize, 0))
		}
		if offset+helpPageSize < page.Total {
			d.Next = link(offset + helpPageSize)
		}
	}
	return u.Render(c, http.StatusOK, "help", &pagekit.View{Lang: l, Title: webkit.Text(l, "help_heading"), Area: "portal", Nav: "help", Data: d})
}

type helpArticleView struct {
	Number, Title, TextLang, Category string
	HTML                              template.HTML
}

func (u *portal) helpArticle(c *fiber.Ctx) error {
	l := webkit.PageLang(c)
	a, err := u.Knowledge.Get(c.UserContext(), nil, c.Params("number"))
	if err != nil {
		return webkit.FaultError(err)
	}
	t, tl := a.Text(string(l))
	html, err := knowledge.RenderWithFiles(t.Body, "/portal/help/"+url.PathEscape(a.Number)+"/files/")
	if err != nil {
		return err
	}
	d := helpArticleView{Number: a.Number, Title: t.Title, TextLang: tl, Category: a.Category, HTML: html}
	return u.Render(c, http.StatusOK, "help_article", &pagekit.View{Lang: l, Title: t.Title, Area: "portal", Nav: "help", Data: d})
}

// formIDPattern is the shape of a generated form's id ("form-" and a
// definition id).
var formIDPattern = regexp.MustCompile(`^form-[a-z][a-z0-9_-]{0,80}$`)

// helpSuggest answers the request form's script with the list of
// matching public articles as an HTML fragment, counted as shown.
func (u *portal) helpSuggest(c *fiber.Ctx) error {
	l := webkit.PageLang(c)
	// The script passes the articles already offered and the form's id,
	// so the list's hidden fields keep every article seen beside the form.
	s := u.SuggestArticles(c, c.Query("q"), pagekit.SeenArticles([]string{c.Query("shown")}))
	t, ok := u.Templates["help"]
	if !ok {
		return fmt.Errorf("web: no page template help")
	}
	v := &pagekit.View{Lang: l}
	var buf bytes.Buffer
	formID := c.Query("form")
	if !formIDPattern.MatchString(formID) {
		formID = ""
	}
	if err := t.ExecuteTemplate(&buf, "kb-suggest-list", map[string]any{"V": v, "Q": s.Q, "Articles": s.Articles, "Seen": s.Seen, "FormID": formID}); err != nil {
		return fmt.Errorf("web: render suggestions: %w", err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// helpFile serves a file of a public article (an image of its body).
func (u *portal) helpFile(c *fiber.Ctx) error {
	var buf bytes.Buffer
	f, err := u.Knowledge.File(c.UserContext(), nil, c.Params("number"), c.Params("name"), &buf)
	if err != nil {
		return webkit.FaultError(err)
	}
	return webkit.SendArticleFile(c, f.Name, f.ContentType, buf.Bytes())
}
