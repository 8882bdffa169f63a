package engine

import (
	"context"
	"errors"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/script"
	"vorgang/core/ticket"
)

// refusedWithHook adds the errors of the process's validate hook to a
// create its form refused, so a person sees every error at once rather
// than the hook's only after the form's are fixed. The hook sees the
// values that passed the form's checks (form.Passed), in a ticket that is
// not stored; it cannot change anything. A hook that fails on such
// incomplete data adds nothing: the form's errors stand alone, as before.
func (e *Engine) refusedWithHook(ctx context.Context, actor *auth.Principal, req CreateRequest, refused error) error {
	var ferr *fault.Error
	if !errors.As(refused, &ferr) || len(ferr.Fields) == 0 {
		return refused
	}
	cat := e.catalog()
	p := cat.Process(req.Process)
	if p == nil || p.Hooks.Validate.IsZero() || p.FollowUp != nil {
		return refused
	}
	f, err := e.form(cat, p.Form.Value)
	if err != nil {
		return refused
	}
	passed, err := f.Passed(ctx, req.Data, req.Lang)
	if err != nil {
		return refused
	}
	start := p.InitialState()
	t := &ticket.Ticket{Process: p.ID.Value, Catalog: cat.Hash(), State: start.ID.Value, Category: start.Category,
		Priority: initialPriority(p, passed), Team: p.Team.Value, Requester: actorName(actor), Data: passed}
	res, err := e.runHook(ctx, cat, p.Hooks.Validate.Value, script.HookValidate, actor, t, map[string]any{"lang": req.Lang})
	if err != nil {
		e.log.DebugContext(ctx, "validate hook failed on a refused form's data", "script", p.Hooks.Validate.Value, "error", err.Error())
		return refused
	}
	seen := map[string]bool{}
	fields := append([]fault.FieldError(nil), ferr.Fields...)
	for _, fe := range fields {
		seen[fe.Field] = true
	}
	for _, c := range res.FieldErrors() {
		if seen[c.Field] && c.Field != "" {
			continue // the hook did not see that field's value
		}
		seen[c.Field] = true
		fields = append(fields, fault.FieldError{Field: c.Field, Code: "script", Message: c.Text})
	}
	return fault.Fields(fields...)
}
