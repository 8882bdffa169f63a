package portal

import (
	"bytes"
	"errors"
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

func (u *portal) portalCatalog(c *fiber.Ctx) error {
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

// citizenProcess returns the process a citizen may open, else not found.
func (u *portal) citizenProcess(c *fiber.Ctx) (*definition.Process, pagekit.FormSpec, error) {
	cat := u.Catalog()
	p := cat.Process(c.Params("process"))
	if p == nil || !engine.MayOpen(nil, p) {
		return nil, pagekit.FormSpec{}, &webkit.Error{Status: http.StatusNotFound, Code: webkit.CodeNotFound}
	}
	compiled, err := u.Engine.Form(cat, p.Form.Value)
	if err != nil {
		return nil, pagekit.FormSpec{}, err
	}
	l := webkit.PageLang(c)
	return p, pagekit.FormSpec{Compiled: compiled, Scope: "create:" + p.ID.Value + "|" + u.Binding(c, true),
		Action: "/portal/new/" + p.ID.Value, Submit: webkit.Text(l, "portal_submit"), Area: "portal"}, nil
}

func (u *portal) portalForm(c *fiber.Ctx) error {
	p, spec, err := u.citizenProcess(c)
	if err != nil {
		return err
	}
	token := u.Sign.FormToken(spec.Scope, u.Now().Add(u.FormTTL))
	return u.ShowForm(c, http.StatusOK, p, spec, nil, nil, "", token, nil, pagekit.PortalBack(c))
}

// readPortalPost reads a post of a generated form on the portal and
// refuses it when the honeypot is filled: a field people never see, which
// form-filling robots fill.
func (u *portal) readPortalPost(c *fiber.Ctx, spec pagekit.FormSpec) (*pagekit.FormPost, error) {
	post, err := u.ReadFormPost(c, spec)
	if err != nil {
		return nil, err
	}
	if post.Sub.First("_website") != "" {
		return nil, &webkit.Error{Status: http.StatusBadRequest, Code: "submission_refused"}
	}
	return post, nil
}

func (u *portal) portalSubmit(c *fiber.Ctx) error {
	p, spec, err := u.citizenProcess(c)
	if err != nil {
		return err
	}
	post, err := u.readPortalPost(c, spec)
	if err != nil {
		return err
	}
	t, status, err := u.Create(c, nil, p, spec, post)
	if err != nil || t == nil {
		if err == nil {
			return u.ShowForm(c, status, p, spec, post.Data, post.Errs, post.Add, post.Token, post.Files, pagekit.PortalBack(c))
		}
		return err
	}
	u.CountSubmitted(c, post)
	return pagekit.SeeOther(c, "/portal/track/"+t.Tracking+"/confirmation")
}

// portalTrackView is the status page of a citizen's request.
type portalTrackView struct {
	Number       string
	ProcessTitle definition.Label
	State        definition.Label
	Created      time.Time
	Fields       []pagekit.DataField
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
	Files      []pagekit.FileLink
}

func (u *portal) tracked(c *fiber.Ctx) (*engine.PublicView, string, error) {
	token := c.Params("token")
	v, err := u.Engine.Tracked(c.UserContext(), token)
	if err != nil {
		return nil, "", webkit.FaultError(err)
	}
	return v, token, nil
}

func (u *portal) portalTrack(c *fiber.Ctx) error {
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

func (u *portal) showTrack(c *fiber.Ctx, status int, pv *engine.PublicView, token, replyText, replyErr, notice string) error {
	l := webkit.PageLang(c)
	t := pv.Ticket
	base := "/portal/track/" + token
	names := u.AttachmentNames(c.UserContext())
	fileURL := func(id string) string { return base + "/files/" + url.PathEscape(id) }
	d := portalTrackView{Number: t.Number, State: webkit.StateTitle(pv.Process, t.State, true), Created: t.Created,
		ReplyAction: base + "/reply", ReplyText: replyText, ReplyError: replyErr, Version: t.Version,
		FileSize: form.ByteSize(u.MaxFileSize), MaxFileSize: u.MaxFileSize}
	if pv.Process != nil {
		d.ProcessTitle = pv.Process.Title
		if s := pv.Process.State(t.State); s != nil {
			d.CanReply = !s.Final()
		}
		d.Fields = pagekit.DataDescriber{Lang: l, FileURL: fileURL, Names: names}.Describe(pv.Fields, webkit.PlainMap(pv.Data))
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
			item.Files = append(item.Files, pagekit.FileLink{Name: names(id), URL: fileURL(id)})
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

func (u *portal) portalConfirmation(c *fiber.Ctx) error {
	pv, token, err := u.tracked(c)
	if err != nil {
		return err
	}
	l := webkit.PageLang(c)
	link := "/portal/track/" + token
	return u.Render(c, http.StatusOK, "portal_confirmation", &pagekit.View{Lang: l, Title: webkit.Text(l, "confirm_heading"), Area: "portal",
		Data: confirmationView{Number: pv.Ticket.Number, Link: link, FullLink: webkit.PublicBase(c, u.BaseURL) + link}})
}

func (u *portal) portalReply(c *fiber.Ctx) error {
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
	ids, msg, err := u.StoreReplyFiles(c, sub)
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

func (u *portal) replyFailed(c *fiber.Ctx, token, replyText, msg string) error {
	pv, _, err := u.tracked(c)
	if err != nil {
		return err
	}
	return u.showTrack(c, http.StatusUnprocessableEntity, pv, token, replyText, msg, "")
}

func (u *portal) portalFile(c *fiber.Ctx) error {
	var buf bytes.Buffer
	a, err := u.Engine.TrackedFile(c.UserContext(), c.Params("token"), c.Params("id"), &buf)
	if err != nil {
		return webkit.FaultError(err)
	}
	return pagekit.SendFile(c, a.Name, a.ContentType, buf.Bytes())
}
