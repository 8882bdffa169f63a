package workspace

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/form"
	"vorgang/core/ticket"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// ticketView is the data of a ticket page.
type ticketView struct {
	T           *ticket.Ticket
	Process     definition.Label
	State       definition.Label
	Priority    string
	Team        definition.Label
	Due         string
	Fields      []pagekit.DataField
	Timeline    []timelineItem
	Transitions []transitionLink
	Base        string
	CanInternal bool
	CanAssign   bool
	CanTake     bool
	Me          string
	Comment     string
	CommentErr  string
	Pending     *engine.Pending
	// CanDecide: the caller may approve or reject the step the pending
	// approval waits for; DecisionErr says why a decision was refused.
	CanDecide   bool
	Reason      string
	DecisionErr string
	// Approval says what the pending approval holds back and whose
	// decision it waits for; Override: the caller decides only as an
	// administrator's override.
	Approval string
	Override bool
	// Blocked are the steps the caller cannot take now, with why.
	Blocked []blockedStep
	// Assignee is the name typed into the assign form, AssignErr why it
	// was refused.
	Assignee  string
	AssignErr string
	// FileSize and MaxFileSize state the limit of a comment's file.
	FileSize    string
	MaxFileSize int64
	// Articles is the knowledge box (ticket_knowledge.go).
	Articles ticketArticles
	// Assets are the assets the ticket links.
	Assets []linkedAsset
	// CanHold: the caller may put the ticket under legal hold or release
	// it (the privacy permission); HoldReason is the reason typed, HoldErr
	// why it was refused.
	CanHold    bool
	HoldReason string
	HoldErr    string
}

type transitionLink struct {
	ID    string
	Title definition.Label
	URL   string
}

type timelineItem struct {
	At       time.Time
	Actor    string
	Kind     string
	From, To definition.Label
	Text     string
	Internal bool
	Fields   []pagekit.DataField
	Files    []pagekit.FileLink
	Old, New string
	// Override: an administrator decided in place of the approvers.
	Override bool
	// Withdrawn: the transition ended the ticket while it waited for an
	// approval, which it withdrew.
	Withdrawn bool
	// LinkKind and LinkTarget are a link the entry added; LinkURL is the
	// page of a linked asset, when the viewer may read assets.
	LinkKind, LinkTarget, LinkURL string
	// ToArticle opens the article editor prefilled with this answer
	// (kb_from_ticket.go); empty: not offered.
	ToArticle string
}

func (u *workspace) ticketPage(c *fiber.Ctx) error {
	return u.showTicket(c, http.StatusOK, "", "", noticeText(webkit.PageLang(c), c.Query("notice")))
}

func noticeText(l webkit.Lang, key string) string {
	switch key {
	case "created", "done", "commented", "assigned", "changed", "approved", "rejected", "legal_hold":
		return webkit.Text(l, "notice_"+key)
	}
	return ""
}

func (u *workspace) showTicket(c *fiber.Ctx, status int, comment, commentErr, notice string) error {
	return u.showTicketWith(c, status, notice, func(d *ticketView) { d.Comment, d.CommentErr = comment, commentErr })
}

// showTicketWith renders the ticket page; adjust fills in what a refused
// form gives back.
func (u *workspace) showTicketWith(c *fiber.Ctx, status int, notice string, adjust func(*ticketView)) error {
	actor := pagekit.UIPrincipal(c)
	l := webkit.PageLang(c)
	v, err := u.Engine.View(c.UserContext(), actor, c.Params("number"))
	if err != nil {
		return webkit.FaultError(err)
	}
	t, hist := v.Ticket, v.History
	// A finished ticket is shown with the definitions it finished under.
	cat := u.Engine.CatalogFor(c.UserContext(), t)
	p := cat.Process(t.Process)
	base := "/app/tickets/" + url.PathEscape(t.Number)
	names := u.AttachmentNames(c.UserContext())
	describer := pagekit.DataDescriber{Lang: l, Names: names, FileURL: func(id string) string { return base + "/files/" + url.PathEscape(id) },
		AssetURL: u.assetURL(actor)}
	d := ticketView{T: t, State: webkit.StateTitle(p, t.State, false), Priority: webkit.Text(l, "prio_"+t.Priority), Team: webkit.TeamTitle(cat, t.Team),
		Due: t.Due, Base: base, Me: actor.User, Pending: engine.PendingApproval(t),
		CanInternal: v.May.CommentInternal, CanAssign: v.May.Assign, CanTake: v.May.Take,
		FileSize: form.ByteSize(u.MaxFileSize), MaxFileSize: u.MaxFileSize,
		Assets:  u.ticketAssets(c.UserContext(), actor, cat, t),
		CanHold: engine.MayManagePrivacy(actor),
	}
	if p != nil {
		d.Process = p.Title
		if f := cat.Form(p.Form.Value); f != nil {
			d.Fields = describer.Describe(f.AllFields(), webkit.PlainMap(t.Data))
		}
	}
	for _, tr := range v.May.Runnable {
		d.Transitions = append(d.Transitions, transitionLink{ID: tr.ID.Value, Title: webkit.TransitionTitle(tr), URL: base + "/transitions/" + url.PathEscape(tr.ID.Value)})
	}
	explainTicket(&d, l, cat, p, v.May.Decision, v.May.Blocked)
	offer := u.offersArticles(actor, t)
	for i := len(hist) - 1; i >= 0; i-- {
		it := u.timelineItem(cat, p, hist[i], describer)
		if _, ok := answerText(hist[i], t.Requester); ok && offer {
			it.ToArticle = articleFromAnswerURL(t.Number, hist[i].Seq)
		}
		d.Timeline = append(d.Timeline, it)
	}
	adjust(&d)
	u.ticketArticleBox(c, &d)
	title := t.Number + " – " + t.Title
	return u.Render(c, status, "ticket", &pagekit.View{Lang: l, Title: title, Area: "app", Nav: "inbox", Notice: notice,
		HasErrors: d.CommentErr != "" || d.DecisionErr != "" || d.AssignErr != "", Data: d})
}

func (u *workspace) timelineItem(cat *definition.Catalog, p *definition.Process, h ticket.HistoryEntry, d pagekit.DataDescriber) timelineItem {
	it := timelineItem{At: h.At, Actor: h.Actor, Kind: h.Type}
	content, err := h.Decode()
	if err != nil {
		// Shown by its kind alone rather than failing the page.
		return it
	}
	switch x := content.(type) {
	case ticket.Created:
		it.To = webkit.StateTitle(p, x.State, false)
	case ticket.Transitioned:
		it.From, it.To, it.Text = webkit.StateTitle(p, x.From, false), webkit.StateTitle(p, x.To, false), x.Comment
		it.Withdrawn = x.ApprovalWithdrawn != nil
		// A comment kept among staff is marked like an internal comment.
		it.Internal = x.CommentInternal && it.Text != ""
		if p != nil {
			if tr := p.Transition(x.Transition); tr != nil && !tr.Form.IsZero() {
				if f := cat.Form(tr.Form.Value); f != nil && x.Data != nil {
					it.Fields = d.Describe(f.AllFields(), webkit.PlainMap(x.Data))
				}
			}
		}
	case ticket.Commented:
		it.Text, it.Internal = x.Text, x.Internal
		for _, id := range x.Files {
			it.Files = append(it.Files, pagekit.FileLink{Name: d.Names(id), URL: d.FileURL(id)})
		}
	case ticket.Assigned:
		it.Old, it.New = x.Old, x.New
	case ticket.Decision:
		it.Override = x.Override
		it.Text = x.Comment
		if it.Text == "" {
			it.Text = x.Reason
		}
	case ticket.ChildFailed:
		it.Text = x.Reason
	case ticket.LegalHold:
		it.Text = x.Reason
		if !x.Hold {
			it.Kind = ticket.EntryLegalHold + "_released"
		}
	case ticket.Migrated:
		it.From, it.To = webkit.StateTitle(p, x.From, false), webkit.StateTitle(p, x.To, false)
	case ticket.Linked:
		it.LinkKind, it.LinkTarget = x.Link.Kind, x.Link.Target
		if x.Link.Kind == engine.LinkKindAsset && d.AssetURL != nil {
			it.LinkURL = d.AssetURL(x.Link.Target)
		}
	}
	return it
}

// transitionView is the page of one transition's form.
type transitionView struct {
	T       *ticket.Ticket
	Title   definition.Label
	State   definition.Label
	To      definition.Label
	Form    *pagekit.FormView
	FormID  string
	Action  string
	Token   string
	Comment string
	AskComm bool
	CommReq bool
	CommErr string
	// CanInternal offers to keep the comment among staff.
	CanInternal bool
	// ForRequester: the comment is the message to the requester, who is
	// told of the step (engine.CommentForRequester); it cannot be internal.
	// TellsRequester: the requester is told of the step; an internal
	// comment is left out of what they see.
	ForRequester   bool
	TellsRequester bool
	// CommDescribedBy are the ids describing the comment field.
	CommDescribedBy string
	Back            string
	Errors          []form.FieldError
	Summary         bool
	Version         int64
	Submit          definition.Label
}

// runnable returns the ticket and the transition when actor may run it now.
func (u *workspace) runnable(c *fiber.Ctx) (*ticket.Ticket, *definition.Process, *definition.Transition, error) {
	actor := pagekit.UIPrincipal(c)
	t, err := u.Engine.Ticket(c.UserContext(), actor, c.Params("number"))
	if err != nil {
		return nil, nil, nil, webkit.FaultError(err)
	}
	p := u.Catalog().Process(t.Process)
	id := c.Params("transition")
	if p == nil || p.Transition(id) == nil {
		return nil, nil, nil, &webkit.Error{Status: http.StatusNotFound, Code: webkit.CodeNotFound}
	}
	runnable, blocked := u.Engine.Options(c.UserContext(), actor, t)
	for _, tr := range runnable {
		if tr.ID.Value == id {
			return t, p, tr, nil
		}
	}
	for _, b := range blocked {
		if b.Transition.ID.Value == id {
			return nil, nil, nil, webkit.Explained(webkit.FaultError(b.Refusal), u.Catalog(), p)
		}
	}
	return nil, nil, nil, &webkit.Error{Status: http.StatusNotFound, Code: webkit.CodeNotFound}
}

func (u *workspace) transitionSpec(c *fiber.Ctx, t *ticket.Ticket, tr *definition.Transition) (pagekit.FormSpec, error) {
	spec := pagekit.FormSpec{Scope: "transition:" + t.Number + ":" + tr.ID.Value + "|" + u.Binding(c, true),
		Action: "/app/tickets/" + url.PathEscape(t.Number) + "/transitions/" + url.PathEscape(tr.ID.Value),
		Submit: webkit.TransitionTitle(tr).In(string(webkit.PageLang(c))), Area: "app"}
	if !tr.Form.IsZero() {
		compiled, err := u.Engine.Form(u.Catalog(), tr.Form.Value)
		if err != nil {
			return spec, err
		}
		spec.Compiled = compiled
	}
	return spec, nil
}

func (u *workspace) transitionPage(c *fiber.Ctx) error {
	t, p, tr, err := u.runnable(c)
	if err != nil {
		return err
	}
	spec, err := u.transitionSpec(c, t, tr)
	if err != nil {
		return err
	}
	token := u.Sign.FormToken(spec.Scope, u.Now().Add(u.FormTTL))
	return u.showTransition(c, http.StatusOK, t, p, tr, spec, nil, nil, "", token, nil, "", t.Version)
}

func (u *workspace) showTransition(c *fiber.Ctx, status int, t *ticket.Ticket, p *definition.Process, tr *definition.Transition, spec pagekit.FormSpec,
	data map[string]any, errs []form.FieldError, add, token string, files map[string]string, comment string, version int64) error {
	l := webkit.PageLang(c)
	d := transitionView{T: t, Title: webkit.TransitionTitle(tr), State: webkit.StateTitle(p, t.State, false), To: webkit.StateTitle(p, u.Engine.Target(c.UserContext(), t, tr), false),
		Action: spec.Action, Token: token, Comment: comment, AskComm: tr.Comment == "required" || tr.Comment == "optional",
		CommReq: tr.Comment == "required", Back: "/app/tickets/" + url.PathEscape(t.Number), Version: version, Submit: webkit.TransitionTitle(tr),
		CanInternal: engine.MayCommentInternal(pagekit.UIPrincipal(c))}
	if cat := u.Catalog(); p != nil {
		d.ForRequester, d.TellsRequester = engine.CommentForRequester(cat, p, tr), engine.TellsRequester(cat, p, tr)
		d.CanInternal = d.CanInternal && !d.ForRequester
	}
	var formErrs []form.FieldError
	for _, e := range errs {
		if e.Field == "comment" {
			d.CommErr = e.Message
			continue
		}
		formErrs = append(formErrs, e)
	}
	if spec.Compiled != nil {
		fv, err := u.RenderForm(c, spec, data, errs, add, token, files)
		if err != nil {
			return err
		}
		d.Form, d.FormID = &fv, fv.FormID
	} else {
		d.FormID = "transition-form"
		d.Errors = formErrs
	}
	d.Summary = d.CommErr != "" && spec.Compiled == nil
	var describedBy []string
	if d.ForRequester {
		describedBy = append(describedBy, "transition-comment-help")
	}
	if d.CommErr != "" {
		describedBy = append(describedBy, "transition-comment-error")
	}
	d.CommDescribedBy = strings.Join(describedBy, " ")
	title := webkit.TransitionTitle(tr).In(string(l)) + ": " + t.Number
	return u.Render(c, status, "transition", &pagekit.View{Lang: l, Title: title, Area: "app", Nav: "inbox", HasErrors: len(errs) > 0, Data: d})
}

func (u *workspace) transitionSubmit(c *fiber.Ctx) error {
	t, p, tr, err := u.runnable(c)
	if err != nil {
		if apiErr := (*webkit.Error)(nil); errors.As(err, &apiErr) && apiErr.Code == engine.ReasonStateMismatch {
			// Most often the second post of a double click: the first one
			// already moved the ticket on.
			return pagekit.SeeOther(c, "/app/tickets/"+url.PathEscape(c.Params("number"))+"?notice=changed")
		}
		return err
	}
	spec, err := u.transitionSpec(c, t, tr)
	if err != nil {
		return err
	}
	var post *pagekit.FormPost
	if spec.Compiled != nil {
		post, err = u.ReadFormPost(c, spec)
		if err != nil {
			return err
		}
	} else {
		sub, err := u.ParseBody(c)
		if err != nil {
			return err
		}
		if err := u.CheckPost(c, sub.First("_csrf")); err != nil {
			return err
		}
		post = &pagekit.FormPost{Sub: sub, Token: sub.First("_token"), Save: true}
		if _, err := u.Sign.CheckFormToken(post.Token, spec.Scope, u.Now()); err != nil {
			return &webkit.Error{Status: http.StatusBadRequest, Code: "form_expired", Cause: err}
		}
	}
	comment := post.Sub.First("_comment")
	version, err := pagekit.PostedVersion(post.Sub)
	if err != nil {
		return err
	}
	if !post.Save {
		return u.showTransition(c, http.StatusOK, t, p, tr, spec, post.Data, post.Errs, post.Add, post.Token, post.Files, comment, version)
	}
	l := string(webkit.PageLang(c))
	if len(post.Errs) > 0 {
		_, verrs := spec.Compiled.Validate(post.Data, l)
		return u.showTransition(c, http.StatusUnprocessableEntity, t, p, tr, spec, post.Data, pagekit.MergeErrors(post.Errs, verrs), "", post.Token, post.Files, comment, version)
	}
	_, err = u.Engine.Transition(c.UserContext(), pagekit.UIPrincipal(c), t.Number, engine.TransitionRequest{
		Transition: tr.ID.Value, Version: version, Data: post.Data, Comment: comment,
		InternalComment: post.Sub.First("_comment_internal") != "", Lang: l})
	invalidFields := webkit.FieldsAtFault(webkit.PageLang(c), err)
	refusal := engine.AsRefusal(err)
	switch {
	case invalidFields != nil:
		return u.showTransition(c, http.StatusUnprocessableEntity, t, p, tr, spec, post.Data, invalidFields, "", post.Token, post.Files, comment, version)
	case errors.Is(err, fault.Conflict), refusal != nil && refusal.Code == engine.ReasonStateMismatch:
		return pagekit.SeeOther(c, "/app/tickets/"+url.PathEscape(t.Number)+"?notice=changed")
	case refusal != nil:
		// Said next to what was entered, which stays: a guard or a rule
		// may well refuse the data of the form.
		status := webkit.KindStatus(refusal.Kind)
		why, _ := webkit.RefusalText(webkit.PageLang(c), refusal.Code, refusal.Params, webkit.NewNames(u.Catalog(), p))
		refused := []form.FieldError{{Field: refusal.Param("field"), Code: refusal.Code, Message: why}}
		return u.showTransition(c, status, t, p, tr, spec, post.Data, refused, "", post.Token, post.Files, comment, version)
	case err != nil:
		return webkit.FaultError(err)
	}
	return pagekit.SeeOther(c, "/app/tickets/"+url.PathEscape(t.Number)+"?notice=done")
}

func (u *workspace) commentSubmit(c *fiber.Ctx) error {
	sub, err := u.ParseBody(c)
	if err != nil {
		return err
	}
	if err := u.CheckPost(c, sub.First("_csrf")); err != nil {
		return err
	}
	l := webkit.PageLang(c)
	version, err := pagekit.PostedVersion(sub)
	if err != nil {
		return err
	}
	textValue := sub.First("text")
	files, msg, err := u.StoreReplyFiles(c, sub)
	if err != nil {
		return err
	}
	if msg != "" {
		return u.showTicket(c, http.StatusUnprocessableEntity, textValue, msg, "")
	}
	_, err = u.Engine.CommentWithFiles(c.UserContext(), pagekit.UIPrincipal(c), c.Params("number"), version, textValue, sub.First("internal") != "", files, string(l))
	invalidFields := webkit.FieldsAtFault(webkit.PageLang(c), err)
	switch {
	case invalidFields != nil:
		return u.showTicket(c, http.StatusUnprocessableEntity, textValue, invalidFields[0].Message, "")
	case errors.Is(err, fault.Conflict):
		// Keep the text: the ticket changed while it was written.
		return u.showTicket(c, http.StatusConflict, textValue, "", webkit.Text(l, "comment_conflict"))
	case err != nil:
		return webkit.FaultError(err)
	}
	if sub.First("internal") == "" {
		u.countArticleUses(c, textValue)
	}
	return pagekit.SeeOther(c, "/app/tickets/"+url.PathEscape(c.Params("number"))+"?notice=commented")
}

// decisionSubmit approves or rejects the step a pending approval waits
// for; a rejection needs a reason.
func (u *workspace) decisionSubmit(c *fiber.Ctx) error {
	sub, err := u.ParseBody(c)
	if err != nil {
		return err
	}
	if err := u.CheckPost(c, sub.First("_csrf")); err != nil {
		return err
	}
	l := webkit.PageLang(c)
	version, err := pagekit.PostedVersion(sub)
	if err != nil {
		return err
	}
	approve := sub.First("decision") == "approve"
	reason := sub.First("reason")
	_, err = u.Engine.Decide(c.UserContext(), pagekit.UIPrincipal(c), c.Params("number"), version, approve, reason, string(l))
	invalidFields := webkit.FieldsAtFault(webkit.PageLang(c), err)
	switch {
	case invalidFields != nil:
		return u.showTicketWith(c, http.StatusUnprocessableEntity, "", func(d *ticketView) {
			d.Reason, d.DecisionErr = reason, invalidFields[0].Message
		})
	case errors.Is(err, fault.Conflict):
		return pagekit.SeeOther(c, "/app/tickets/"+url.PathEscape(c.Params("number"))+"?notice=changed")
	case err != nil:
		return webkit.ExplainedFor(c.UserContext(), u.Engine, u.Catalog(), pagekit.UIPrincipal(c), c.Params("number"), webkit.FaultError(err))
	}
	notice := "approved"
	if !approve {
		notice = "rejected"
	}
	return pagekit.SeeOther(c, "/app/tickets/"+url.PathEscape(c.Params("number"))+"?notice="+notice)
}

func (u *workspace) assignSubmit(c *fiber.Ctx) error {
	sub, err := u.ParseBody(c)
	if err != nil {
		return err
	}
	if err := u.CheckPost(c, sub.First("_csrf")); err != nil {
		return err
	}
	version, err := pagekit.PostedVersion(sub)
	if err != nil {
		return err
	}
	user := sub.First("user")
	_, err = u.Engine.Assign(c.UserContext(), pagekit.UIPrincipal(c), c.Params("number"), version, user, string(webkit.PageLang(c)))
	invalidFields := webkit.FieldsAtFault(webkit.PageLang(c), err)
	switch {
	case invalidFields != nil:
		return u.showTicketWith(c, http.StatusUnprocessableEntity, "", func(d *ticketView) {
			d.Assignee, d.AssignErr = user, invalidFields[0].Message
		})
	case errors.Is(err, fault.Conflict):
		return pagekit.SeeOther(c, "/app/tickets/"+url.PathEscape(c.Params("number"))+"?notice=changed")
	case err != nil:
		return webkit.FaultError(err)
	}
	return pagekit.SeeOther(c, "/app/tickets/"+url.PathEscape(c.Params("number"))+"?notice=assigned")
}

// legalHoldSubmit puts the ticket under legal hold (hold=yes, with a
// reason) or releases it (hold=no), for holders of the privacy permission.
func (u *workspace) legalHoldSubmit(c *fiber.Ctx) error {
	sub, err := u.ParseBody(c)
	if err != nil {
		return err
	}
	if err := u.CheckPost(c, sub.First("_csrf")); err != nil {
		return err
	}
	reason := strings.TrimSpace(sub.First("reason"))
	_, err = u.Engine.SetLegalHold(c.UserContext(), pagekit.UIPrincipal(c), c.Params("number"), sub.First("hold") == "yes", reason)
	if invalidFields := webkit.FieldsAtFault(webkit.PageLang(c), err); invalidFields != nil {
		return u.showTicketWith(c, http.StatusUnprocessableEntity, "", func(d *ticketView) {
			d.HoldReason, d.HoldErr = reason, invalidFields[0].Message
		})
	}
	if err != nil {
		return webkit.FaultError(err)
	}
	return pagekit.SeeOther(c, "/app/tickets/"+url.PathEscape(c.Params("number"))+"?notice=legal_hold")
}

func (u *workspace) ticketFile(c *fiber.Ctx) error {
	var buf bytes.Buffer
	a, err := u.Engine.TicketFile(c.UserContext(), pagekit.UIPrincipal(c), c.Params("number"), c.Params("id"), &buf)
	if err != nil {
		return webkit.FaultError(err)
	}
	return pagekit.SendFile(c, a.Name, a.ContentType, buf.Bytes())
}
