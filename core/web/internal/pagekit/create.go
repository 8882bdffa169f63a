package pagekit

import (
	"errors"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/ticket"
	"vorgang/core/web/internal/webkit"
)

// create runs the post of a create form. It returns the ticket when one
// was created (or an earlier post of the same form created it), or nil and
// the status to show the form again with post.errs (an entry was added or
// removed, or the data is not valid).
func (u *Pages) Create(c *fiber.Ctx, actor *auth.Principal, p *definition.Process, spec FormSpec, post *FormPost) (*ticket.Ticket, int, error) {
	if !post.Save {
		return nil, http.StatusOK, nil
	}
	l := string(webkit.PageLang(c))
	if len(post.Errs) > 0 {
		_, verrs := spec.Compiled.Validate(post.Data, l)
		post.Errs = MergeErrors(post.Errs, verrs)
		return nil, http.StatusUnprocessableEntity, nil
	}
	req := engine.CreateRequest{Process: p.ID.Value, Data: post.Data, Lang: l, IdempotencyKey: post.Key}
	for attempt := 0; ; attempt++ {
		t, err := u.Engine.Create(c.UserContext(), actor, req)
		if errors.Is(err, fault.InProgress) && attempt < 40 {
			// A double click: the first post is still being stored; its
			// ticket is the answer to this one too.
			select {
			case <-time.After(250 * time.Millisecond):
				continue
			case <-c.UserContext().Done():
				return nil, 0, c.UserContext().Err()
			}
		}
		invalidFields := webkit.FieldsAtFault(webkit.PageLang(c), err)
		if invalidFields != nil {
			post.Errs = invalidFields
			return nil, http.StatusUnprocessableEntity, nil
		}
		if errors.Is(err, engine.ErrKeyReused) {
			// This form was sent before with other values (the browser's
			// back button); its first request is not shown to a post
			// that differs from it.
			return nil, 0, &webkit.Error{Status: http.StatusUnprocessableEntity, Code: "form_already_sent", Cause: err}
		}
		if err != nil {
			return nil, 0, webkit.FaultError(err)
		}
		return t, 0, nil
	}
}
