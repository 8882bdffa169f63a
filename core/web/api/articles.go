package api

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/knowledge"
	"vorgang/core/web/internal/webkit"
)

// registerArticles adds the knowledge base routes (docs/knowledge.md).
// Reading needs no account: a caller without one reads the public
// articles, as on the portal.
func registerArticles(v1 fiber.Router, a *api) {
	v1.Get("/articles", a.listArticles)
	v1.Post("/articles", a.createArticle)
	v1.Get("/articles/review", a.articlesDue)
	v1.Get("/articles/pending", a.articlesPending)
	v1.Get("/articles/:number", a.getArticle)
	v1.Put("/articles/:number", a.updateArticle)
	v1.Get("/articles/:number/versions", a.articleVersions)
	v1.Get("/articles/:number/diff", a.articleDiff)
	v1.Post("/articles/:number/approve", a.approveArticle)
	v1.Post("/articles/:number/reject", a.rejectArticle)
	v1.Get("/articles/:number/files", a.articleFiles)
	v1.Post("/articles/:number/files", a.uploadArticleFile)
	v1.Get("/articles/:number/files/:name", a.articleFile)
	v1.Delete("/articles/:number/files/:name", a.removeArticleFile)
}

// articleJSON is an article with its text rendered as HTML per language.
// A version waiting for approval is not published: only a writer of
// articles (writer) gets it, under "pending".
func articleJSON(x *knowledge.Article, writer bool) (fiber.Map, error) {
	html := map[string]string{}
	for l, t := range x.Texts {
		h, err := knowledge.RenderWithFiles(t.Body, "/api/v1/articles/"+url.PathEscape(x.Number)+"/files/")
		if err != nil {
			return nil, err
		}
		html[l] = string(h)
	}
	tags := x.Tags
	if tags == nil {
		tags = []string{}
	}
	m := fiber.Map{"number": x.Number, "version": x.Version, "texts": x.Texts, "html": html, "category": x.Category, "tags": tags,
		"visibility": x.Visibility, "owner": x.Owner, "created": x.Created, "created_by": x.CreatedBy, "updated": x.Updated, "updated_by": x.UpdatedBy}
	if x.Team != "" {
		m["team"] = x.Team
	}
	if !x.ReviewAt.IsZero() {
		m["review_at"] = x.ReviewAt
	}
	if writer && x.Pending != nil {
		p := x.Pending
		m["pending"] = fiber.Map{"version": p.Version, "author": p.Author, "at": p.At, "texts": p.Texts, "category": p.Category,
			"tags": p.Tags, "visibility": p.Visibility, "team": p.Team, "owner": p.Owner}
		if x.Published > 0 {
			m["published"] = x.Published
		}
	}
	if writer && x.Unpublished {
		m["unpublished"] = true
	}
	return m, nil
}

func articleHead(x *knowledge.Article) fiber.Map {
	return fiber.Map{"number": x.Number, "version": x.Version, "title": fiber.Map{"de": x.Texts["de"].Title, "en": x.Texts["en"].Title},
		"category": x.Category, "visibility": x.Visibility, "updated": x.Updated}
}

func (a *api) listArticles(c *fiber.Ctx) error {
	offset, _ := strconv.Atoi(c.Query("offset"))
	limit, _ := strconv.Atoi(c.Query("limit"))
	page, err := a.Knowledge.Find(c.UserContext(), knowledge.ScopeOf(webkit.Principal(c)), knowledge.Query{
		Text: c.Query("q"), Category: c.Query("category"), Tag: c.Query("tag"), Lang: langOf(c), Offset: offset, Limit: limit})
	if err != nil {
		return webkit.FaultError(err)
	}
	out := make([]fiber.Map, 0, len(page.Articles))
	numbers := make([]string, 0, len(page.Articles))
	for i := range page.Articles {
		out = append(out, articleHead(&page.Articles[i]))
		numbers = append(numbers, page.Articles[i].Number)
	}
	if webkit.Principal(c) != nil {
		// Staff see each article's counts in all, as in the workspace's
		// list; per month on the article itself.
		stats, err := a.Knowledge.StatsOf(c.UserContext(), numbers)
		if err != nil {
			return webkit.FaultError(err)
		}
		for i, n := range numbers {
			out[i]["stats"] = statsJSON(stats[n])
		}
	}
	return c.JSON(fiber.Map{"total": page.Total, "articles": out})
}

// statsJSON is an article's counts in all.
func statsJSON(st knowledge.Stats) fiber.Map {
	return fiber.Map{"shown": st.Shown, "submitted": st.Submitted, "left": st.Left, "used": st.Used}
}

func (a *api) articlesDue(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	due, err := a.Knowledge.DueForReview(c.UserContext(), p)
	if err != nil {
		return webkit.FaultError(err)
	}
	out := make([]fiber.Map, 0, len(due))
	for i := range due {
		h := articleHead(&due[i])
		h["review_at"] = due[i].ReviewAt
		out = append(out, h)
	}
	return c.JSON(fiber.Map{"articles": out})
}

func (a *api) getArticle(c *fiber.Ctx) error {
	p := webkit.Principal(c)
	x, err := a.Knowledge.Get(c.UserContext(), p, c.Params("number"))
	if err != nil {
		return webkit.FaultError(err)
	}
	m, err := articleJSON(x, knowledge.MayWrite(p))
	if err != nil {
		return err
	}
	if p != nil {
		// Staff see what the article did, as on its workspace page;
		// citizens do not.
		st, err := a.Knowledge.Stats(c.UserContext(), x.Number)
		if err != nil {
			return webkit.FaultError(err)
		}
		stats := statsJSON(st)
		stats["months"] = st.PerMonth()
		m["stats"] = stats
	}
	return c.JSON(m)
}

// articleRequest is the body of a create or an update: the whole content
// (an update replaces it) and, on an update, the version edited.
type articleRequest struct {
	Version int64 `json:"version"`
	knowledge.Content
}

func (a *api) createArticle(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	var req articleRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	x, err := a.Knowledge.Create(c.UserContext(), p, req.Content, langOf(c))
	if err != nil {
		return webkit.FaultError(err)
	}
	m, err := articleJSON(x, true)
	if err != nil {
		return err
	}
	c.Location("/api/v1/articles/" + x.Number)
	return c.Status(http.StatusCreated).JSON(m)
}

func (a *api) updateArticle(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	var req articleRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	x, err := a.Knowledge.Update(c.UserContext(), p, c.Params("number"), req.Version, req.Content, langOf(c))
	if err != nil {
		return webkit.FaultError(err)
	}
	m, err := articleJSON(x, true)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (a *api) articleVersions(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	vs, err := a.Knowledge.Versions(c.UserContext(), p, c.Params("number"))
	if err != nil {
		return webkit.FaultError(err)
	}
	out := make([]fiber.Map, 0, len(vs))
	for _, v := range vs {
		m := fiber.Map{"version": v.Version, "author": v.Author, "at": v.At, "texts": v.Texts, "category": v.Category,
			"tags": v.Tags, "visibility": v.Visibility}
		if v.Decision != "" {
			m["decision"], m["of"] = v.Decision, v.Of
		}
		out = append(out, m)
	}
	return c.JSON(fiber.Map{"versions": out})
}

func (a *api) articleDiff(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	from, err1 := strconv.ParseInt(c.Query("from"), 10, 64)
	to, err2 := strconv.ParseInt(c.Query("to"), 10, 64)
	if err1 != nil || err2 != nil {
		return &webkit.Error{Status: http.StatusBadRequest, Code: webkit.CodeBadRequest}
	}
	changes, err := a.Knowledge.Diff(c.UserContext(), p, c.Params("number"), from, to)
	if err != nil {
		return webkit.FaultError(err)
	}
	out := make([]fiber.Map, 0, len(changes))
	for _, ch := range changes {
		lines := make([]fiber.Map, 0, len(ch.Lines))
		for _, l := range ch.Lines {
			lines = append(lines, fiber.Map{"op": l.Op, "text": l.Text})
		}
		out = append(out, fiber.Map{"field": ch.Field, "lines": lines})
	}
	return c.JSON(fiber.Map{"from": from, "to": to, "changes": out})
}

// articleFile serves a file of an article the caller may read (an image
// the article's HTML shows).
func (a *api) articleFile(c *fiber.Ctx) error {
	var buf bytes.Buffer
	f, err := a.Knowledge.File(c.UserContext(), webkit.Principal(c), c.Params("number"), c.Params("name"), &buf)
	if err != nil {
		return webkit.FaultError(err)
	}
	return webkit.SendArticleFile(c, f.Name, f.ContentType, buf.Bytes())
}
