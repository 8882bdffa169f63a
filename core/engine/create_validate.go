package engine

import (
	"context"
	"errors"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/form"
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
	return withHookErrors(ferr.Fields, res)
}

// withHookErrors adds a validate hook's field errors to the ones a form
// found, leaving out the hook's errors at fields the form refused: the
// hook did not see their values.
func withHookErrors(formErrors []fault.FieldError, res *script.Result) error {
	seen := map[string]bool{}
	fields := append([]fault.FieldError(nil), formErrors...)
	for _, fe := range fields {
		seen[fe.Field] = true
	}
	for _, c := range res.FieldErrors() {
		if seen[c.Field] && c.Field != "" {
			continue
		}
		seen[c.Field] = true
		fields = append(fields, fault.FieldError{Field: c.Field, Code: "script", Message: c.Text})
	}
	return fault.Fields(fields...)
}

// transitionRefusedWithHook is refusedWithHook for a transition whose form
// refused its input: the process's validate hook sees the ticket with the
// values that passed merged in, and event.form holds them, as it would
// for a form that passed.
func (e *Engine) transitionRefusedWithHook(ctx context.Context, actor *auth.Principal, cat *definition.Catalog, p *definition.Process,
	t *ticket.Ticket, tr *definition.Transition, f *form.Compiled, req TransitionRequest, formErrors []fault.FieldError) error {
	refused := fault.Fields(formErrors...)
	if p.Hooks.Validate.IsZero() {
		return refused
	}
	passed, err := f.Passed(ctx, req.Data, req.Lang)
	if err != nil {
		return refused
	}
	probe := *t
	probe.Data = mergeData(t.Data, passed)
	event := map[string]any{"transition": tr.ID.Value, "from": t.State, "to": e.eventTarget(ctx, cat, t, tr), "form": passed, "lang": req.Lang}
	res, err := e.runHook(ctx, cat, p.Hooks.Validate.Value, script.HookValidate, actor, &probe, event)
	if err != nil {
		e.log.DebugContext(ctx, "validate hook failed on a refused transition form's data", "script", p.Hooks.Validate.Value, "error", err.Error())
		return refused
	}
	return withHookErrors(formErrors, res)
}
