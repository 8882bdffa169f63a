package web

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/form"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// The citizen portal: no login, a catalog of the processes open to
// citizens, their forms, and a status page behind each request's secret
// tracking link. Nothing here ever shows another request's data: the only
// key to a request is its tracking token.

type portalCatalogView struct {
	Processes []*definition.Process
}

func (u *ui) portalCatalog(c *fiber.Ctx) error {
	var list []*definition.Process
	for _, p := range u.Catalog().Processes() {
		if engine.MayOpen(nil, p) {
			list = append(list, p)
		}
	}
	l := webkit.PageLang(c)
	return u.Render(c, http.StatusOK, "portal_catalog", &pagekit.View{Lang: l, Title: webkit.Text(l, "portal_heading"), Area: "portal", Nav: "catalog",
		Data: portalCatalogView{Processes: list}})
}

// formPageView is the page around a generated form.
type formPageView struct {
	Heading   definition.Label
	Intro     definition.Label
	Form      formView
	Honeypot  bool
	Privacy   bool
	Back      string
	BackLabel string
}

// citizenProcess returns the process a citizen may open, else not found.
func (u *ui) citizenProcess(c *fiber.Ctx) (*definition.Process, formSpec, error) {
	cat := u.Catalog()
	p := cat.Process(c.Params("process"))
	if p == nil || !engine.MayOpen(nil, p) {
		return nil, formSpec{}, &webkit.Error{Status: http.StatusNotFound, Code: webkit.CodeNotFound}
	}
	compiled, err := u.Engine.Form(cat, p.Form.Value)
	if err != nil {
		return nil, formSpec{}, err
	}
	l := webkit.PageLang(c)
	return p, formSpec{compiled: compiled, scope: "create:" + p.ID.Value + "|" + u.Binding(c, true),
		action: "/portal/new/" + p.ID.Value, submit: webkit.Text(l, "portal_submit"), area: "portal"}, nil
}

func (u *ui) portalForm(c *fiber.Ctx) error {
	p, spec, err := u.citizenProcess(c)
	if err != nil {
		return err
	}
	token := u.Sign.FormToken(spec.scope, u.Now().Add(u.FormTTL))
	return u.showForm(c, http.StatusOK, p, spec, nil, nil, "", token, nil, portalBack(c))
}

// backTo is where a portal form page links back to; nil for the staff
// workspace.
type backTo struct{ URL, Label string }

func portalBack(c *fiber.Ctx) *backTo {
	return &backTo{URL: "/portal/", Label: webkit.Text(webkit.PageLang(c), "back_to_services")}
}

// showForm renders the page of a create form: in the workspace, or on the
// portal (back is not nil) with its honeypot and privacy note.
func (u *ui) showForm(c *fiber.Ctx, status int, p *definition.Process, spec formSpec, data map[string]any, errs []form.FieldError, add, token string, files map[string]string, back *backTo) error {
	fv, err := u.renderForm(c, spec, data, errs, add, token, files)
	if err != nil {
		return err
	}
	l := webkit.PageLang(c)
	v := &pagekit.View{Lang: l, Title: p.Title.In(string(l)), HasErrors: len(errs) > 0, Area: "app", Nav: "new",
		Data: formPageView{Heading: p.Title, Intro: p.Description, Form: fv, Back: "/app/new", BackLabel: webkit.Text(l, "back_to_new")}}
	if back != nil {
		v.Area, v.Nav = "portal", "catalog"
		d := v.Data.(formPageView)
		d.Honeypot, d.Privacy, d.Back, d.BackLabel = true, true, back.URL, back.Label
		v.Data = d
	}
	return u.Render(c, status, "form_page", v)
}

// readPortalPost reads a post of a generated form on the portal and
// refuses it when the honeypot is filled: a field people never see, which
// form-filling robots fill.
func (u *ui) readPortalPost(c *fiber.Ctx, spec formSpec) (*formPost, error) {
	post, err := u.readFormPost(c, spec)
	if err != nil {
		return nil, err
	}
	if post.sub.First("_website") != "" {
		return nil, &webkit.Error{Status: http.StatusBadRequest, Code: "submission_refused"}
	}
	return post, nil
}

func (u *ui) portalSubmit(c *fiber.Ctx) error {
	p, spec, err := u.citizenProcess(c)
	if err != nil {
		return err
	}
	post, err := u.readPortalPost(c, spec)
	if err != nil {
		return err
	}
	t, status, err := u.create(c, nil, p, spec, post)
	if err != nil || t == nil {
		if err == nil {
			return u.showForm(c, status, p, spec, post.data, post.errs, post.add, post.token, post.files, portalBack(c))
		}
		return err
	}
	return pagekit.SeeOther(c, "/portal/track/"+t.Tracking+"/confirmation")
}

// portalTrackView is the status page of a citizen's request.
type portalTrackView struct {
	Number       string
	ProcessTitle definition.Label
	State        definition.Label
	Created      time.Time
	Fields       []dataField
	Timeline     []publicItem
	CanReply     bool
	// FollowUps are what the request offers now (a survey once it is
	// closed), each linked or, once made, thanked for.
	FollowUps   []followUpLink
	ReplyAction string
	ReplyText   string
	ReplyError  string
	Version     int64
	// FileSize and MaxFileSize state the limit of a reply's file.
	FileSize    string
	MaxFileSize int64
}

type publicItem struct {
	engine.PublicEntry
	StateTitle definition.Label
	Files      []fileLink
}

func (u *ui) tracked(c *fiber.Ctx) (*engine.PublicView, string, error) {
	token := c.Params("token")
	v, err := u.Engine.Tracked(c.UserContext(), token)
	if err != nil {
		return nil, "", webkit.FaultError(err)
	}
	return v, token, nil
}

func (u *ui) portalTrack(c *fiber.Ctx) error {
	pv, token, err := u.tracked(c)
	if err != nil {
		return err
	}
	notice := ""
	switch c.Query("sent") {
	case "1":
		notice = webkit.Text(webkit.PageLang(c), "notice_sent")
	case "follow-up":
		notice = webkit.Text(webkit.PageLang(c), "notice_follow_up")
	case "follow-up-before":
		notice = webkit.Text(webkit.PageLang(c), "notice_follow_up_before")
	}
	return u.showTrack(c, http.StatusOK, pv, token, "", "", notice)
}

func (u *ui) showTrack(c *fiber.Ctx, status int, pv *engine.PublicView, token, replyText, replyErr, notice string) error {
	l := webkit.PageLang(c)
	t := pv.Ticket
	base := "/portal/track/" + token
	names := u.attachmentNames(c.UserContext())
	fileURL := func(id string) string { return base + "/files/" + url.PathEscape(id) }
	d := portalTrackView{Number: t.Number, State: webkit.StateTitle(pv.Process, t.State, true), Created: t.Created,
		ReplyAction: base + "/reply", ReplyText: replyText, ReplyError: replyErr, Version: t.Version,
		FileSize: form.ByteSize(u.MaxFileSize), MaxFileSize: u.MaxFileSize}
	if pv.Process != nil {
		d.ProcessTitle = pv.Process.Title
		if s := pv.Process.State(t.State); s != nil {
			d.CanReply = !s.Final()
		}
		d.Fields = dataDescriber{lang: l, fileURL: fileURL, names: names}.describe(pv.Fields, webkit.PlainMap(pv.Data))
	}
	offers, err := u.Engine.FollowUps(c.UserContext(), token)
	if err != nil {
		return webkit.FaultError(err)
	}
	for _, o := range offers {
		d.FollowUps = append(d.FollowUps, followUpLink{Title: o.Process.Title, Done: o.Done,
			URL: base + "/follow-up/" + url.PathEscape(o.Process.ID.Value)})
	}
	for _, e := range pv.Timeline {
		item := publicItem{PublicEntry: e}
		if e.State != "" {
			item.StateTitle = webkit.StateTitle(pv.Process, e.State, true)
		}
		for _, id := range e.Files {
			item.Files = append(item.Files, fileLink{Name: names(id), URL: fileURL(id)})
		}
		d.Timeline = append(d.Timeline, item)
	}
	return u.Render(c, status, "portal_track", &pagekit.View{Lang: l, Title: webkit.Text(l, "track_title"), Area: "portal",
		HasErrors: replyErr != "", Notice: notice, Data: d})
}

type confirmationView struct {
	Number   string
	Link     string
	FullLink string
}

func (u *ui) portalConfirmation(c *fiber.Ctx) error {
	pv, token, err := u.tracked(c)
	if err != nil {
		return err
	}
	l := webkit.PageLang(c)
	link := "/portal/track/" + token
	return u.Render(c, http.StatusOK, "portal_confirmation", &pagekit.View{Lang: l, Title: webkit.Text(l, "confirm_heading"), Area: "portal",
		Data: confirmationView{Number: pv.Ticket.Number, Link: link, FullLink: c.BaseURL() + link}})
}

// replyAccept are the file types a citizen may attach to a reply.
var replyAccept = &definition.Field{Accept: []string{"image/png", "image/jpeg", "application/pdf"}}

func (u *ui) portalReply(c *fiber.Ctx) error {
	token := c.Params("token")
	sub, err := u.ParseBody(c)
	if err != nil {
		return err
	}
	if err := u.CheckPost(c, sub.First("_csrf")); err != nil {
		return err
	}
	if sub.First("_website") != "" {
		return &webkit.Error{Status: http.StatusBadRequest, Code: "submission_refused"}
	}
	l := webkit.PageLang(c)
	textValue := sub.First("text")
	version, err := pagekit.PostedVersion(sub)
	if err != nil {
		return err
	}
	ids, msg, err := u.storeReplyFiles(c, sub)
	if err != nil {
		return err
	}
	if msg != "" {
		return u.replyFailed(c, token, textValue, msg)
	}
	_, err = u.Engine.CitizenReply(c.UserContext(), token, version, textValue, ids, string(l))
	invalidFields := webkit.FieldsAtFault(webkit.PageLang(c), err)
	switch {
	case invalidFields != nil:
		return u.replyFailed(c, token, textValue, invalidFields[0].Message)
	case errors.Is(err, fault.Conflict):
		pv, _, terr := u.tracked(c)
		if terr != nil {
			return terr
		}
		return u.showTrack(c, http.StatusConflict, pv, token, textValue, "", webkit.Text(l, "reply_conflict"))
	case err != nil:
		return webkit.FaultError(err)
	}
	return pagekit.SeeOther(c, "/portal/track/"+token+"?sent=1#timeline-title")
}

// storeReplyFiles stores the files of a reply or comment (field "file")
// after checking their sniffed type and size. msg is a message for the
// person when a file is refused; err is a failure of the store.
func (u *ui) storeReplyFiles(c *fiber.Ctx, sub *pagekit.Submission) (ids []string, msg string, err error) {
	l := webkit.PageLang(c)
	for _, up := range sub.Files {
		if up.Field != "file" || len(up.Data) == 0 && !up.TooLarge {
			continue
		}
		if up.TooLarge {
			return nil, fmt.Sprintf(webkit.Text(l, "reply_file_large"), form.ByteSize(u.MaxFileSize)), nil
		}
		media, _, _ := mime.ParseMediaType(http.DetectContentType(up.Data))
		if !accepted(replyAccept, media) {
			return nil, webkit.Text(l, "reply_file_type"), nil
		}
		a, err := u.Engine.Upload(c.UserContext(), u.Uploader(c), up.Name, media, bytes.NewReader(up.Data), u.MaxFileSize)
		if err != nil {
			if errors.Is(err, engine.ErrFileTooLarge) {
				return nil, fmt.Sprintf(webkit.Text(l, "reply_file_large"), form.ByteSize(u.MaxFileSize)), nil
			}
			return nil, "", err
		}
		ids = append(ids, a.ID)
	}
	return ids, "", nil
}

func (u *ui) replyFailed(c *fiber.Ctx, token, replyText, msg string) error {
	pv, _, err := u.tracked(c)
	if err != nil {
		return err
	}
	return u.showTrack(c, http.StatusUnprocessableEntity, pv, token, replyText, msg, "")
}

func (u *ui) portalFile(c *fiber.Ctx) error {
	var buf bytes.Buffer
	a, err := u.Engine.TrackedFile(c.UserContext(), c.Params("token"), c.Params("id"), &buf)
	if err != nil {
		return webkit.FaultError(err)
	}
	return sendFile(c, a.Name, a.ContentType, buf.Bytes())
}

// sendFile sends a stored file as a download, with the content type
// sniffed at upload.
func sendFile(c *fiber.Ctx, name, contentType string, body []byte) error {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(body)
}
