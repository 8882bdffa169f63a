package portal

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// Follow-ups on the portal: a process with follow_up (the survey of a
// closed request) is offered on the status page behind the request's
// tracking link, and made there once. The tracking token is the only key,
// as for the status page: an unknown token is "not found", and nothing
// tells whether any other request exists.

// followUpLink is a follow-up on the status page.
type followUpLink struct {
	Title definition.Label
	URL   string
	Done  bool
}

// followUp returns the follow-up process of the page's address and the
// request's number, if the request offers it now; a follow-up made
// already is 409 already_done.
func (u *portal) followUp(c *fiber.Ctx) (*definition.Process, string, error) {
	token, id := c.Params("token"), c.Params("process")
	pv, err := u.Engine.Tracked(c.UserContext(), token)
	if err != nil {
		return nil, "", webkit.FaultError(err)
	}
	offers, err := u.Engine.FollowUps(c.UserContext(), token)
	if err != nil {
		return nil, "", webkit.FaultError(err)
	}
	for _, o := range offers {
		if o.Process.ID.Value != id {
			continue
		}
		if o.Done {
			return nil, "", &webkit.Error{Status: http.StatusConflict, Code: webkit.CodeAlreadyDone}
		}
		return o.Process, pv.Ticket.Number, nil
	}
	if p := u.Catalog().Process(id); p != nil && p.FollowUp != nil && p.FollowUp.Of.Value == pv.Ticket.Process {
		return nil, "", &webkit.Error{Status: http.StatusConflict, Code: webkit.CodeNotAllowedNow, Cause: fault.NotAllowedNow}
	}
	return nil, "", &webkit.Error{Status: http.StatusNotFound, Code: webkit.CodeNotFound}
}

func (u *portal) followUpSpec(c *fiber.Ctx, p *definition.Process) (pagekit.FormSpec, *pagekit.BackTo, error) {
	compiled, err := u.Engine.Form(u.Catalog(), p.Form.Value)
	if err != nil {
		return pagekit.FormSpec{}, nil, err
	}
	token := c.Params("token")
	track := "/portal/track/" + token
	l := webkit.PageLang(c)
	return pagekit.FormSpec{Compiled: compiled, Scope: "follow-up:" + p.ID.Value + "|" + token + "|" + u.Binding(c, true),
			Action: track + "/follow-up/" + url.PathEscape(p.ID.Value), Submit: webkit.Text(l, "portal_submit"), Area: "portal"},
		&pagekit.BackTo{URL: track, Label: webkit.Text(l, "back_to_request")}, nil
}

// withReference shows the request's number in the follow-up's read-only
// reference field.
func withReference(p *definition.Process, data map[string]any, number string) map[string]any {
	out := map[string]any{}
	for k, v := range data {
		out[k] = v
	}
	out[p.FollowUp.Reference.Value] = number
	return out
}

func (u *portal) followUpForm(c *fiber.Ctx) error {
	p, number, err := u.followUp(c)
	if err != nil {
		return err
	}
	spec, back, err := u.followUpSpec(c, p)
	if err != nil {
		return err
	}
	token := u.Sign.FormToken(spec.Scope, u.Now().Add(u.FormTTL))
	return u.ShowForm(c, http.StatusOK, p, spec, withReference(p, nil, number), nil, "", token, nil, back)
}

func (u *portal) followUpSubmit(c *fiber.Ctx) error {
	p, number, err := u.followUp(c)
	track := "/portal/track/" + c.Params("token")
	if apiErr := (*webkit.Error)(nil); errors.As(err, &apiErr) && apiErr.Code == webkit.CodeAlreadyDone {
		// A second post (a double click, or a second try): the first
		// one counts.
		return pagekit.SeeOther(c, track+"?sent=follow-up-before")
	}
	if err != nil {
		return err
	}
	spec, back, err := u.followUpSpec(c, p)
	if err != nil {
		return err
	}
	post, err := u.readPortalPost(c, spec)
	if err != nil {
		return err
	}
	l := string(webkit.PageLang(c))
	show := func(status int) error {
		return u.ShowForm(c, status, p, spec, withReference(p, post.Data, number), post.Errs, post.Add, post.Token, post.Files, back)
	}
	if !post.Save {
		return show(http.StatusOK)
	}
	if len(post.Errs) > 0 {
		_, verrs := spec.Compiled.Validate(post.Data, l)
		post.Errs = pagekit.MergeErrors(post.Errs, verrs)
		return show(http.StatusUnprocessableEntity)
	}
	_, err = u.Engine.FollowUp(c.UserContext(), c.Params("token"), p.ID.Value, post.Data, l)
	invalidFields := webkit.FieldsAtFault(webkit.PageLang(c), err)
	switch {
	case invalidFields != nil:
		post.Errs = invalidFields
		return show(http.StatusUnprocessableEntity)
	case errors.Is(err, engine.ErrAlreadyDone):
		return pagekit.SeeOther(c, track+"?sent=follow-up-before")
	case err != nil:
		return webkit.FaultError(err)
	}
	u.CountSubmitted(c, post)
	return pagekit.SeeOther(c, track+"?sent=follow-up#follow-ups-title")
}
