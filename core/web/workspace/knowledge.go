package workspace

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/knowledge"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// The knowledge base in the workspace (/app/knowledge): the list and
// search of the articles the user may read, an article, the editor with
// its optimistic concurrency (the version the editor read is posted
// back), the versions and the difference of two. docs/knowledge.md.

func (u *workspace) registerKnowledge(staffOnly fiber.Router) {
	if u.Knowledge == nil {
		return
	}
	staffOnly.Get("/knowledge", u.kbList)
	staffOnly.Get("/knowledge/new", u.kbNew)
	staffOnly.Post("/knowledge", u.kbCreate)
	staffOnly.Get("/knowledge/:number", u.kbArticle)
	staffOnly.Get("/knowledge/:number/edit", u.kbEdit)
	staffOnly.Post("/knowledge/:number", u.kbUpdate)
	staffOnly.Get("/knowledge/:number/versions", u.kbVersions)
	staffOnly.Get("/knowledge/:number/diff", u.kbDiff)
	staffOnly.Post("/knowledge/:number/approve", u.kbApprove)
	staffOnly.Post("/knowledge/:number/reject", u.kbReject)
	staffOnly.Get("/knowledge/:number/files/:name", u.kbFile)
	staffOnly.Post("/knowledge/:number/files", u.kbUpload)
	staffOnly.Post("/knowledge/:number/files/:name/remove", u.kbRemoveFile)
}

// kbRow is an article in a list.
type kbRow struct {
	Number     string
	Title      string
	TitleLang  string
	Category   string
	Visibility string
	Updated    time.Time
	ReviewAt   time.Time
	// Snippet is the passage a search found the article by, escaped by
	// the index with the words in <mark> (knowledge.Page.Snippets).
	Snippet template.HTML
}

func kbRowOf(l webkit.Lang, a *knowledge.Article) kbRow {
	t, tl := a.Text(string(l))
	return kbRow{Number: a.Number, Title: t.Title, TitleLang: tl, Category: a.Category,
		Visibility: webkit.Text(l, "kb_vis_"+string(a.Visibility)), Updated: a.Updated, ReviewAt: a.ReviewAt}
}

// kbRowsOf are the articles of a search's page, each with its snippet.
func kbRowsOf(l webkit.Lang, page *knowledge.Page) []kbRow {
	var out []kbRow
	for i := range page.Articles {
		row := kbRowOf(l, &page.Articles[i])
		row.Snippet = page.Snippets[row.Number]
		out = append(out, row)
	}
	return out
}

type kbListView struct {
	Q, Category, Tag string
	Categories       []knowledge.Category
	Rows             []kbRow
	Total            int
	Due              []kbRow
	// Awaiting are the articles whose pending version the user may
	// approve (kb_approval.go).
	Awaiting   []kbRow
	CanWrite   bool
	Prev, Next string
}

const kbPage = 20

func (u *workspace) kbList(c *fiber.Ctx) error {
	l := webkit.PageLang(c)
	actor := pagekit.UIPrincipal(c)
	ctx := c.UserContext()
	offset, _ := strconv.Atoi(c.Query("offset"))
	offset = max(offset, 0)
	q := knowledge.Query{Text: c.Query("q"), Category: c.Query("category"), Tag: c.Query("tag"), Lang: string(l), Offset: offset, Limit: kbPage}
	page, err := u.Knowledge.Find(ctx, knowledge.ScopeOf(actor), q)
	if err != nil {
		return webkit.FaultError(err)
	}
	cats, err := u.Knowledge.Categories(ctx, knowledge.ScopeOf(actor))
	if err != nil {
		return webkit.FaultError(err)
	}
	due, err := u.Knowledge.DueForReview(ctx, actor)
	if err != nil {
		return webkit.FaultError(err)
	}
	d := kbListView{Q: q.Text, Category: q.Category, Tag: q.Tag, Categories: cats, Total: page.Total, CanWrite: knowledge.MayWrite(actor)}
	d.Rows = kbRowsOf(l, page)
	for i := range due {
		d.Due = append(d.Due, kbRowOf(l, &due[i]))
	}
	if d.Awaiting, err = u.kbAwaiting(c, l, actor); err != nil {
		return err
	}
	pageURL := func(off int) string {
		v := url.Values{}
		for k, x := range map[string]string{"q": q.Text, "category": q.Category, "tag": q.Tag} {
			if x != "" {
				v.Set(k, x)
			}
		}
		if off > 0 {
			v.Set("offset", strconv.Itoa(off))
		}
		if len(v) == 0 {
			return "/app/knowledge"
		}
		return "/app/knowledge?" + v.Encode()
	}
	if offset > 0 {
		d.Prev = pageURL(max(offset-kbPage, 0))
	}
	if offset+kbPage < page.Total {
		d.Next = pageURL(offset + kbPage)
	}
	return u.Render(c, http.StatusOK, "kb_list", &pagekit.View{Lang: l, Title: webkit.Text(l, "kb_heading"), Area: "app", Nav: "knowledge", Data: d})
}

type kbArticleView struct {
	A          *knowledge.Article
	Title      string
	TextLang   string
	HTML       template.HTML
	Visibility string
	Team       string
	Stats      knowledge.Stats
	// Left counts the citizens who were offered the article beside a
	// request form and did not send the form.
	Left     int64
	CanWrite bool
	Due      bool
	// Pending describes a version waiting for approval (kb_approval.go).
	Pending *kbPendingView
	// Files are the article's files (kb_files.go); MaxFileSize bounds
	// an upload.
	Files       []kbFileRow
	MaxFileSize int64
}

func (u *workspace) kbArticle(c *fiber.Ctx) error {
	l := webkit.PageLang(c)
	actor := pagekit.UIPrincipal(c)
	a, err := u.Knowledge.Get(c.UserContext(), actor, c.Params("number"))
	if err != nil {
		return webkit.FaultError(err)
	}
	t, tl := a.Text(string(l))
	html, err := knowledge.RenderWithFiles(t.Body, kbFilesBase(a.Number))
	if err != nil {
		return err
	}
	files, err := u.Knowledge.Files(c.UserContext(), actor, a.Number)
	if err != nil {
		return webkit.FaultError(err)
	}
	st, err := u.Knowledge.Stats(c.UserContext(), a.Number)
	if err != nil {
		return err
	}
	d := kbArticleView{A: a, Title: t.Title, TextLang: tl, HTML: html, Visibility: webkit.Text(l, "kb_vis_"+string(a.Visibility)),
		Stats: st, Left: max(st.Shown-st.Submitted, 0), CanWrite: knowledge.MayWrite(actor), Due: a.DueForReview(u.Now())}
	if a.Team != "" {
		d.Team = webkit.TeamTitle(u.Catalog(), a.Team).In(string(l))
	}
	d.Pending = u.kbPending(actor, a)
	for _, f := range files {
		row := kbFileRow{FileRef: f, URL: kbFilesBase(a.Number) + url.PathEscape(f.Name)}
		if len(f.ContentType) > 6 && f.ContentType[:6] == "image/" {
			row.Embed = "![" + f.Name + "](" + f.Name + ")"
		}
		d.Files = append(d.Files, row)
	}
	d.MaxFileSize = u.MaxFileSize
	return u.Render(c, http.StatusOK, "kb_article", &pagekit.View{Lang: l, Title: t.Title, Area: "app", Nav: "knowledge",
		Notice: kbNotice(l, c.Query("notice")), Data: d})
}

func kbNotice(l webkit.Lang, key string) string {
	switch key {
	case "created", "saved", "pending", "approved", "rejected", "file_added", "file_missing", "file_removed",
		knowledge.CodeFileName, knowledge.CodeFileType, knowledge.CodeFileSize, knowledge.CodeFileCount, knowledge.CodeFileInUse:
		return webkit.Text(l, "kb_notice_"+key)
	}
	return ""
}

// kbEditView is the editor of an article.
type kbEditView struct {
	Action  string
	Number  string
	Version int64
	Values  map[string]string
	Errors  map[string]string
	// Summary lists the errors in the order of the form, with their
	// fields' ids.
	Summary []kbError
	Teams   []kbOption
	Back    string
	// Langs are the fields of each language's text, Meta the category,
	// tags, owner and review date.
	Langs      []kbLangFields
	Category   []kbField
	Meta       []kbField
	Visibility []kbOption
	VisError   string
	TeamError  string
}

type kbLangFields struct {
	Lang, Legend string
	Fields       []kbField
}

// kbField is one input of the editor.
type kbField struct {
	Name, ID, Label, Kind, Value, Error, Help string
}

// DescribedBy are the ids of the field's help and error.
func (f kbField) DescribedBy() string {
	var ids []string
	if f.Help != "" {
		ids = append(ids, f.ID+"-help")
	}
	if f.Error != "" {
		ids = append(ids, f.ID+"-error")
	}
	return strings.Join(ids, " ")
}

type kbError struct{ ID, Message string }

type kbOption struct {
	Value, Label string
	Selected     bool
}

// kbFormFields are the editor's fields in page order.
var kbFormFields = []string{"title_de", "body_de", "title_en", "body_en", "category", "tags", "visibility", "team", "owner", "review_at"}

func (u *workspace) kbNew(c *fiber.Ctx) error {
	actor := pagekit.UIPrincipal(c)
	if !knowledge.MayWrite(actor) {
		return webkit.FaultError(fmt.Errorf("new article: %w", fault.Forbidden))
	}
	if c.Query("ticket") != "" {
		return u.kbNewFromTicket(c, actor)
	}
	return u.showKBEdit(c, http.StatusOK, "", 0, map[string]string{"visibility": string(knowledge.Internal), "owner": actor.User}, nil, "")
}

func (u *workspace) kbEdit(c *fiber.Ctx) error {
	actor := pagekit.UIPrincipal(c)
	if !knowledge.MayWrite(actor) {
		return webkit.FaultError(fmt.Errorf("edit article: %w", fault.Forbidden))
	}
	a, err := u.Knowledge.Get(c.UserContext(), actor, c.Params("number"))
	if err != nil {
		return webkit.FaultError(err)
	}
	// A pending version is the latest: the editor goes on from there.
	return u.showKBEdit(c, http.StatusOK, a.Number, a.Version, kbValues(a.Latest()), nil, "")
}

// kbValues are the editor's values of a content.
func kbValues(ct *knowledge.Content) map[string]string {
	v := map[string]string{"category": ct.Category, "tags": strings.Join(ct.Tags, ", "), "visibility": string(ct.Visibility),
		"team": ct.Team, "owner": ct.Owner}
	for _, l := range knowledge.Languages {
		v["title_"+l], v["body_"+l] = ct.Texts[l].Title, ct.Texts[l].Body
	}
	if !ct.ReviewAt.IsZero() {
		v["review_at"] = ct.ReviewAt.Format(time.DateOnly)
	}
	return v
}

func (u *workspace) showKBEdit(c *fiber.Ctx, status int, number string, version int64, values, errs map[string]string, notice string) error {
	l := webkit.PageLang(c)
	actor := pagekit.UIPrincipal(c)
	d := kbEditView{Action: "/app/knowledge", Number: number, Version: version, Values: values, Errors: errs, Back: "/app/knowledge"}
	title := webkit.Text(l, "kb_new_heading")
	if number != "" {
		d.Action = "/app/knowledge/" + url.PathEscape(number)
		d.Back = d.Action
		title = webkit.Text(l, "kb_edit_heading") + " " + number
	}
	for _, f := range kbFormFields {
		if m, ok := errs[f]; ok {
			d.Summary = append(d.Summary, kbError{ID: "kb-" + strings.ReplaceAll(f, "_", "-"), Message: m})
		}
	}
	d.Teams = kbTeams(u, actor, l, values["team"])
	field := func(name, kind, help string) kbField {
		f := kbField{Name: name, ID: "kb-" + strings.ReplaceAll(name, "_", "-"), Label: webkit.Text(l, "kb_field_"+name), Kind: kind,
			Value: values[name], Error: errs[name]}
		if help != "" {
			f.Help = webkit.Text(l, help)
		}
		return f
	}
	for _, lang := range knowledge.Languages {
		d.Langs = append(d.Langs, kbLangFields{Lang: lang, Legend: webkit.Text(l, "kb_text_"+lang), Fields: []kbField{
			field("title_"+lang, "text", ""), field("body_"+lang, "textarea", "kb_body_help")}})
	}
	d.Category = []kbField{field("category", "text", ""), field("tags", "text", "kb_tags_help")}
	d.Meta = []kbField{field("owner", "text", ""), field("review_at", "date", "")}
	for _, v := range []knowledge.Visibility{knowledge.Public, knowledge.Internal, knowledge.TeamOnly} {
		d.Visibility = append(d.Visibility, kbOption{Value: string(v), Label: webkit.Text(l, "kb_vis_"+string(v)), Selected: values["visibility"] == string(v)})
	}
	d.VisError, d.TeamError = errs["visibility"], errs["team"]
	return u.Render(c, status, "kb_edit", &pagekit.View{Lang: l, Title: title, Area: "app", Nav: "knowledge", Notice: notice,
		HasErrors: len(errs) > 0, Data: d})
}

// kbTeams are the teams an article may be kept for: the writer's own, or
// every team for an administrator.
func kbTeams(u *workspace, actor *auth.Principal, l webkit.Lang, selected string) []kbOption {
	cat := u.Catalog()
	ids := actor.Teams
	if actor.Admin {
		ids = nil
		for _, t := range cat.Teams() {
			ids = append(ids, t.ID.Value)
		}
	}
	out := []kbOption{{Value: "", Label: webkit.Text(l, "kb_team_none"), Selected: selected == ""}}
	for _, id := range ids {
		out = append(out, kbOption{Value: id, Label: webkit.TeamTitle(cat, id).In(string(l)), Selected: id == selected})
	}
	return out
}

// kbPosted reads the editor's post.
func kbPosted(sub *pagekit.Submission) (knowledge.Content, map[string]string, string) {
	values := map[string]string{}
	for _, f := range kbFormFields {
		values[f] = sub.First(f)
	}
	ct := knowledge.Content{Texts: map[string]knowledge.Text{}, Category: values["category"], Tags: []string{values["tags"]},
		Visibility: knowledge.Visibility(values["visibility"]), Team: values["team"], Owner: values["owner"]}
	for _, l := range knowledge.Languages {
		ct.Texts[l] = knowledge.Text{Title: values["title_"+l], Body: values["body_"+l]}
	}
	if s := strings.TrimSpace(values["review_at"]); s != "" {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return ct, values, "review_at"
		}
		ct.ReviewAt = t
	}
	return ct, values, ""
}

func (u *workspace) kbCreate(c *fiber.Ctx) error {
	return u.kbSave(c, "")
}

func (u *workspace) kbUpdate(c *fiber.Ctx) error {
	return u.kbSave(c, c.Params("number"))
}

// kbSave creates (number "") or updates an article from the editor. A
// refused post shows the editor again with what was typed; a save over a
// version someone else saved meanwhile is refused with 409 and keeps the
// text, so nothing typed is lost.
func (u *workspace) kbSave(c *fiber.Ctx, number string) error {
	sub, err := u.ReadPost(c)
	if err != nil {
		return err
	}
	l := webkit.PageLang(c)
	actor := pagekit.UIPrincipal(c)
	ct, values, badDate := kbPosted(sub)
	var version int64
	if number != "" {
		if version, err = pagekit.PostedVersion(sub); err != nil {
			return err
		}
	}
	if badDate != "" {
		return u.showKBEdit(c, http.StatusUnprocessableEntity, number, version, values, map[string]string{"review_at": webkit.Text(l, "kb_bad_date")}, "")
	}
	var a *knowledge.Article
	if number == "" {
		a, err = u.Knowledge.Create(c.UserContext(), actor, ct, string(l))
	} else {
		a, err = u.Knowledge.Update(c.UserContext(), actor, number, version, ct, string(l))
	}
	if fields := fault.FieldsOf(err); len(fields) > 0 {
		errs := map[string]string{}
		for _, f := range fields {
			errs[f.Field] = f.Message
		}
		return u.showKBEdit(c, http.StatusUnprocessableEntity, number, version, values, errs, "")
	}
	if errors.Is(err, fault.Conflict) {
		return u.showKBEdit(c, http.StatusConflict, number, version, values, nil, webkit.Text(l, "kb_conflict"))
	}
	if err != nil {
		return webkit.FaultError(err)
	}
	notice := "saved"
	switch {
	case a.Pending != nil:
		notice = "pending"
	case number == "":
		notice = "created"
	}
	return pagekit.SeeOther(c, "/app/knowledge/"+url.PathEscape(a.Number)+"?notice="+notice)
}

type kbVersionsView struct {
	Number   string
	Title    string
	Versions []knowledge.Version
	From, To int64
	// Pending and Published are the version waiting for approval and
	// the one served meanwhile (0: none).
	Pending, Published int64
}

func (u *workspace) kbVersions(c *fiber.Ctx) error {
	l := webkit.PageLang(c)
	actor := pagekit.UIPrincipal(c)
	number := c.Params("number")
	a, err := u.Knowledge.Get(c.UserContext(), actor, number)
	if err != nil {
		return webkit.FaultError(err)
	}
	vs, err := u.Knowledge.Versions(c.UserContext(), actor, number)
	if err != nil {
		return webkit.FaultError(err)
	}
	d := kbVersionsView{Number: a.Number, Title: a.Title(string(l)), Versions: vs, To: a.Version, From: max(a.Version-1, 1)}
	if a.Pending != nil {
		d.Pending, d.Published = a.Pending.Version, a.Published
	}
	return u.Render(c, http.StatusOK, "kb_versions", &pagekit.View{Lang: l, Title: webkit.Text(l, "kb_versions_heading") + " " + a.Number,
		Area: "app", Nav: "knowledge", Data: d})
}

type kbDiffView struct {
	Number   string
	Title    string
	From, To int64
	Changes  []kbChange
}

type kbChange struct {
	Label string
	Lines []knowledge.DiffLine
}

func (u *workspace) kbDiff(c *fiber.Ctx) error {
	l := webkit.PageLang(c)
	actor := pagekit.UIPrincipal(c)
	number := c.Params("number")
	from, err1 := strconv.ParseInt(c.Query("from"), 10, 64)
	to, err2 := strconv.ParseInt(c.Query("to"), 10, 64)
	if err1 != nil || err2 != nil {
		return &webkit.Error{Status: http.StatusBadRequest, Code: webkit.CodeBadRequest}
	}
	if from > to {
		from, to = to, from
	}
	a, err := u.Knowledge.Get(c.UserContext(), actor, number)
	if err != nil {
		return webkit.FaultError(err)
	}
	changes, err := u.Knowledge.Diff(c.UserContext(), actor, number, from, to)
	if err != nil {
		return webkit.FaultError(err)
	}
	d := kbDiffView{Number: a.Number, Title: a.Title(string(l)), From: from, To: to}
	for _, ch := range changes {
		d.Changes = append(d.Changes, kbChange{Label: webkit.Text(l, "kb_field_"+ch.Field), Lines: ch.Lines})
	}
	return u.Render(c, http.StatusOK, "kb_diff", &pagekit.View{Lang: l, Title: webkit.Text(l, "kb_diff_heading") + " " + a.Number,
		Area: "app", Nav: "knowledge", Data: d})
}
