package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/form"
	"vorgang/core/script"
	"vorgang/core/ticket"
)

// ErrScript: a script of the process failed, so the change was not made.
// The error's text (for logs) names the script and line; users get a
// plain message.
var ErrScript = fault.Coded(fault.Internal, "script_failed", "an automation rule of the process failed")

// followUp is what a change's hooks asked for beyond the ticket's own
// fields: child tickets (queued with the change) and comments (committed
// right after it, as entries of their own).
type followUp struct {
	effects     []effect
	comments    []script.Change
	fieldErrors []fault.FieldError
	// setFields maps each data field a script set to the script.
	setFields map[string]string
	// ran lists the hooks that asked for changes, for the history entry.
	ran []string
}

// scriptTicket shows a stored ticket to a script.
func scriptTicket(t *ticket.Ticket) *script.Ticket {
	return &script.Ticket{
		Number: t.Number, Process: t.Process, Title: t.Title, State: t.State, Priority: t.Priority,
		Team: t.Team, Assignee: t.Assignee, Requester: t.Requester, Parent: t.Parent,
		Children: t.Children, Version: t.Version, Created: t.Created, Updated: t.Updated,
		Due: t.Due, Data: t.Data,
	}
}

// runHook runs one script for t. event is shown to the script; actor is
// added to it.
func (e *Engine) runHook(ctx context.Context, cat *definition.Catalog, name, hook string, actor *auth.Principal, t *ticket.Ticket, event map[string]any) (*script.Result, error) {
	if event == nil {
		event = map[string]any{}
	}
	event["actor"] = actorName(actor)
	call := script.Call{Catalog: cat, Script: name, Hook: hook, Event: event, Host: engineHost{e}, Now: e.now()}
	if t != nil {
		call.Ticket = scriptTicket(t)
	}
	start := time.Now()
	res, err := e.scripts.Run(ctx, call)
	e.observe.HookRan(name, hook, time.Since(start), err)
	return res, err
}

// applyResult applies a hook's changes to t in memory, noting each in
// changes (the history entry's "changes") and collecting what follows the
// change in fu.
func (e *Engine) applyResult(ctx context.Context, cat *definition.Catalog, actor *auth.Principal, t *ticket.Ticket, name, hook string, res *script.Result, changes ticket.Changes, fu *followUp) error {
	if len(res.Changes) > 0 {
		fu.ran = append(fu.ran, hook+":"+name)
	}
	for _, c := range res.Changes {
		switch c.Kind {
		case script.ChangeField:
			if fu.setFields == nil {
				// Copy before the first write: the caller's copy of the
				// ticket must stay as it was if the change fails.
				t.Data = maps.Clone(t.Data)
				if t.Data == nil {
					t.Data = map[string]any{}
				}
				fu.setFields = map[string]string{}
			}
			// Field names go one level down: stored keys cannot hold dots.
			data := changes["data"]
			if data.Fields == nil {
				data.Fields = map[string]ticket.Change{}
				changes["data"] = data
			}
			data.Fields[c.Field] = ticket.Change{Old: t.Data[c.Field], New: c.Value}
			if c.Value == nil {
				delete(t.Data, c.Field)
			} else {
				t.Data[c.Field] = c.Value
			}
			fu.setFields[c.Field] = name
		case script.ChangePriority:
			changes["priority"] = ticket.Change{Old: t.Priority, New: c.Value}
			t.Priority, _ = c.Value.(string)
		case script.ChangeTitle:
			if t.Title != "" { // "" on create: the title is made when the ticket is stored
				changes["title"] = ticket.Change{Old: t.Title, New: c.Value}
			}
			t.Title, _ = c.Value.(string)
		case script.ChangeTeam:
			team, _ := c.Value.(string)
			if cat.Team(team) == nil {
				return &script.Error{Script: name, Hook: hook, Message: fmt.Sprintf("unknown team '%s'", team)}
			}
			changes["team"] = ticket.Change{Old: t.Team, New: team}
			t.Team = team
		case script.ChangeAssignee:
			// The rule of every assignment: a hook cannot give the ticket
			// to someone who may not work on it.
			asked, _ := c.Value.(string)
			who, err := e.checkAssignee(ctx, actor, t, asked)
			if fields := fault.FieldsOf(err); len(fields) > 0 {
				return &script.Error{Script: name, Hook: hook, Message: fmt.Sprintf("ticket.assign: %s cannot be given the ticket (%s)", asked, fields[0].Code)}
			}
			if err != nil {
				return err
			}
			changes["assignee"] = ticket.Change{Old: t.Assignee, New: who}
			t.Assignee = who
		case script.ChangeComment:
			fu.comments = append(fu.comments, c)
		case script.ChangeChild:
			spec := map[string]any{"process": c.Process, "data": c.Data}
			if c.Data == nil {
				spec["data"] = map[string]any{}
			}
			if c.Title != "" {
				spec["title"] = c.Title
			}
			if c.Team != "" {
				spec["team"] = c.Team
			}
			fu.effects = append(fu.effects, effect{kind: EffectCreateChild, target: c.Process, spec: spec, script: name, hook: hook})
		case script.ChangeFieldError:
			fu.fieldErrors = append(fu.fieldErrors, fault.FieldError{Field: c.Field, Code: "script", Message: c.Text})
		default:
			return &script.Error{Script: name, Hook: hook, Message: fmt.Sprintf("%s is not possible in a %s hook", c.Kind, hook)}
		}
	}
	return nil
}

// checkScriptData validates the fields scripts set, with the form each
// belongs to (the process's or the transition's): a script cannot store
// what a user could not.
func (e *Engine) checkScriptData(cat *definition.Catalog, p *definition.Process, tr *definition.Transition, t *ticket.Ticket, fu *followUp, lang string) error {
	if len(fu.setFields) == 0 {
		return nil
	}
	forms := []string{p.Form.Value}
	if tr != nil && !tr.Form.IsZero() {
		forms = append(forms, tr.Form.Value)
	}
	checked := map[string]bool{}
	for _, id := range forms {
		def := cat.Form(id)
		if def == nil {
			continue
		}
		sub := map[string]any{}
		mine := false
		for k, v := range t.Data {
			if def.Field(k) != nil {
				sub[k] = v
				if fu.setFields[k] != "" {
					mine, checked[k] = true, true
				}
			}
		}
		if !mine {
			continue
		}
		f, err := e.form(cat, id)
		if err != nil {
			return err
		}
		_, ferrs := f.Validate(sub, lang)
		for _, fe := range ferrs {
			if name := fu.setFields[fe.Field]; name != "" {
				return &script.Error{Script: name, Message: fmt.Sprintf("field %s set to an invalid value: %s", fe.Field, fe.Message)}
			}
		}
	}
	for k, name := range fu.setFields {
		if !checked[k] {
			return &script.Error{Script: name, Message: fmt.Sprintf("field %s is not a field of the ticket's forms", k)}
		}
	}
	return nil
}

// createHooks runs validate, compute and on_create for a ticket about to
// be created, and applies their changes to it. A failure or a field error
// means the ticket is not created.
func (e *Engine) createHooks(ctx context.Context, actor *auth.Principal, t *ticket.Ticket, entry *ticket.HistoryEntry, lang string) (*followUp, error) {
	cat := e.catalog()
	p := cat.Process(t.Process)
	fu := &followUp{}
	changes := ticket.Changes{}
	for _, h := range []struct {
		hook string
		ref  definition.Ref
	}{
		{script.HookValidate, p.Hooks.Validate},
		{script.HookCompute, p.Hooks.Compute},
		{script.HookOnCreate, p.Hooks.OnCreate},
	} {
		if h.ref.IsZero() {
			continue
		}
		res, err := e.runHook(ctx, cat, h.ref.Value, h.hook, actor, t, map[string]any{"lang": lang})
		if err == nil {
			err = e.applyResult(ctx, cat, actor, t, h.ref.Value, h.hook, res, changes, fu)
		}
		if err != nil {
			return nil, e.hookFailed(ctx, nil, h.ref.Value, h.hook, err)
		}
		if len(fu.fieldErrors) > 0 {
			return nil, fault.Fields(fu.fieldErrors...)
		}
	}
	if err := e.checkScriptData(cat, p, nil, t, fu, lang); err != nil {
		return nil, e.hookFailed(ctx, nil, "", script.HookOnCreate, err)
	}
	if err := e.checkChildren(ctx, cat, t, fu.effects, true); err != nil {
		return nil, e.childLimitFailed(ctx, nil, err)
	}
	if len(changes) > 0 {
		updateCreated(entry, func(c *ticket.Created) {
			c.Priority, c.Team, c.Data, c.Assignee, c.Scripts = t.Priority, t.Team, t.Data, t.Assignee, fu.ran
		})
	}
	return fu, nil
}

// afterCreate queues the child tickets and writes the comments the create
// hooks asked for, once the ticket is stored, and makes the children at
// once. A create that returned an earlier request's ticket (idempotency)
// did not store entry and does nothing here.
func (e *Engine) afterCreate(ctx context.Context, t *ticket.Ticket, entry *ticket.HistoryEntry, fu *followUp) {
	e.followUp(ctx, t, entry, fu, true)
}

// followUp is afterCreate; without run, the children are only queued.
func (e *Engine) followUp(ctx context.Context, t *ticket.Ticket, entry *ticket.HistoryEntry, fu *followUp, run bool) {
	if t == nil || fu == nil || entry.Hash == "" || t.Number != entry.Ticket {
		return
	}
	if len(fu.effects) > 0 {
		if err := e.enqueue(ctx, t, entry, fu.effects); err != nil {
			e.log.ErrorContext(ctx, "child tickets of a script not queued", "ticket", t.Number, "error", err)
		} else if run {
			if err := e.runOwn(ctx, t, entry, fu.effects); err != nil {
				e.log.WarnContext(ctx, "follow-up work of a create is queued for retry", "ticket", t.Number, "error", err)
			}
		}
	}
	e.writeComments(ctx, t.Number, fu)
}

// writeComments commits the comments hooks asked for, each as its own
// entry after the change they belong to.
func (e *Engine) writeComments(ctx context.Context, number string, fu *followUp) {
	for _, c := range fu.comments {
		err := e.retry(ctx, number, func(*ticket.Ticket) *ticket.HistoryEntry {
			return ticket.NewEntry(system.User, ticket.Commented{Text: c.Text, Internal: c.Internal, ByScript: true})
		})
		if err != nil {
			e.log.ErrorContext(ctx, "comment of a script not written", "ticket", number, "error", err)
		}
	}
}

// guardScript runs a transition's guard_script: it must return true for
// the transition to run.
func (e *Engine) guardScript(ctx context.Context, actor *auth.Principal, cat *definition.Catalog, t *ticket.Ticket, tr *definition.Transition, formData map[string]any, lang string) error {
	if tr.GuardScript.IsZero() {
		return nil
	}
	event := map[string]any{"transition": tr.ID.Value, "from": t.State, "to": e.eventTarget(ctx, cat, t, tr), "form": formData, "lang": lang}
	res, err := e.runHook(ctx, cat, tr.GuardScript.Value, script.HookGuard, actor, t, event)
	if err != nil {
		return e.hookFailed(ctx, t, tr.GuardScript.Value, script.HookGuard, err)
	}
	if fe := res.FieldErrors(); len(fe) > 0 {
		v := fault.Fields()
		for _, c := range fe {
			v.Fields = append(v.Fields, fault.FieldError{Field: c.Field, Code: "script", Message: c.Text})
		}
		return v
	}
	if allowed, ok := res.Value.(bool); ok && allowed {
		return nil
	}
	reason := res.Message
	if reason == "" {
		reason = "its rule does not allow it now"
	}
	return notNow(ReasonRuleRefused, fmt.Sprintf("transition %s: %s", tr.ID.Value, reason), "script", tr.GuardScript.Value, "message", res.Message)
}

// transitionHooks runs validate, compute and the before hooks of tr on t,
// still in its old state.
func (e *Engine) transitionHooks(ctx context.Context, actor *auth.Principal, t *ticket.Ticket, p *definition.Process, tr *definition.Transition, formData any, changes ticket.Changes) (*followUp, error) {
	cat := e.catalog()
	fu := &followUp{}
	event := map[string]any{"transition": tr.ID.Value, "from": t.State, "to": e.eventTarget(ctx, cat, t, tr), "form": formData}
	hooks := []hookRef{{script.HookValidate, p.Hooks.Validate}, {script.HookCompute, p.Hooks.Compute}}
	for _, b := range tr.Hooks.Before {
		hooks = append(hooks, hookRef{script.HookBeforeTransition, b})
	}
	return fu, e.runHooks(ctx, cat, actor, t, hooks, event, changes, fu)
}

// afterTransitionHooks runs the after hooks and the script actions of tr
// on t in its new state; their changes are part of the same change.
func (e *Engine) afterTransitionHooks(ctx context.Context, actor *auth.Principal, t *ticket.Ticket, p *definition.Process, tr *definition.Transition, from string, changes ticket.Changes, fu *followUp) error {
	cat := e.catalog()
	event := map[string]any{"transition": tr.ID.Value, "from": from, "to": t.State}
	var hooks []hookRef
	for _, a := range tr.Actions {
		if !a.Script.IsZero() {
			hooks = append(hooks, hookRef{script.HookAction, a.Script})
		}
	}
	for _, a := range tr.Hooks.After {
		hooks = append(hooks, hookRef{script.HookAfterTransition, a})
	}
	if err := e.runHooks(ctx, cat, actor, t, hooks, event, changes, fu); err != nil {
		return err
	}
	if err := e.checkScriptData(cat, p, tr, t, fu, ""); err != nil {
		return e.hookFailed(ctx, t, "", script.HookAfterTransition, err)
	}
	return nil
}

type hookRef struct {
	hook string
	ref  definition.Ref
}

func (e *Engine) runHooks(ctx context.Context, cat *definition.Catalog, actor *auth.Principal, t *ticket.Ticket, hooks []hookRef, event map[string]any, changes ticket.Changes, fu *followUp) error {
	for _, h := range hooks {
		if h.ref.IsZero() {
			continue
		}
		res, err := e.runHook(ctx, cat, h.ref.Value, h.hook, actor, t, maps.Clone(event))
		if err == nil {
			err = e.applyResult(ctx, cat, actor, t, h.ref.Value, h.hook, res, changes, fu)
		}
		if err != nil {
			return e.hookFailed(ctx, t, h.ref.Value, h.hook, err)
		}
		if len(fu.fieldErrors) > 0 {
			return fault.Fields(fu.fieldErrors...)
		}
	}
	return nil
}

// hookFailed logs a failed hook with its detail, records it in the
// ticket's history (when there is a ticket), and returns the error the
// caller gets: ErrScript, or the context's error if the caller gave up.
func (e *Engine) hookFailed(ctx context.Context, t *ticket.Ticket, name, hook string, err error) error {
	var serr *script.Error
	if !errors.As(err, &serr) {
		if ctx.Err() != nil {
			return err
		}
		if errors.Is(err, script.ErrBusy) {
			e.log.WarnContext(ctx, "script not run: all script states are busy", "script", name, "hook", hook)
			return fmt.Errorf("%s hook %s: %w", hook, name, ErrBusy)
		}
		return fmt.Errorf("engine: %s hook %s: %w", hook, name, err)
	}
	if serr.Script == "" {
		serr.Script = name
	}
	if serr.Hook == "" {
		serr.Hook = hook
	}
	attrs := []any{slog.String("script", serr.Script), slog.String("hook", serr.Hook), slog.Int("line", serr.Line), slog.String("error", serr.Error())}
	if t != nil && t.Number != "" {
		attrs = append(attrs, slog.String("ticket", t.Number))
	}
	e.log.ErrorContext(ctx, "script failed; the change was not made", attrs...)
	if t != nil && t.Number != "" {
		number := t.Number
		rerr := e.retry(context.WithoutCancel(ctx), number, func(*ticket.Ticket) *ticket.HistoryEntry {
			return ticket.NewEntry(system.User, ticket.ScriptFailed{
				Script: serr.Script, Module: serr.Module, Hook: serr.Hook, Line: serr.Line, Message: serr.Message})
		})
		if rerr != nil {
			e.log.ErrorContext(ctx, "could not record the failed script in the history", "ticket", number, "error", rerr)
		}
	}
	return fmt.Errorf("%w: %w", ErrScript, serr)
}

// SLA events for RunSLAHook.
const (
	SLAWarning = "warning"
	SLABreach  = "breach"
)

// RunSLAHook runs the process's on_sla_warning (event SLAWarning) or
// on_sla_breach (SLABreach) hook for a ticket and applies its changes as
// one change of the ticket, recorded as a "script" history entry. The SLA
// sweep calls it once per warning or breach; info is shown to the script
// in the event table (e.g. target, due). A ticket whose process has no
// such hook is left alone.
func (e *Engine) RunSLAHook(ctx context.Context, number, event string, info map[string]any) error {
	cat := e.catalog()
	for attempt := 0; attempt < 10; attempt++ {
		t, err := e.store.Ticket(ctx, number)
		if err != nil {
			return fmt.Errorf("engine: SLA hook of %s: %w", number, err)
		}
		p := cat.Process(t.Process)
		if p == nil {
			return nil
		}
		name, hook := p.Hooks.OnSLAWarning, script.HookSLAWarning
		if event == SLABreach {
			name, hook = p.Hooks.OnSLABreach, script.HookSLABreach
		}
		if name.IsZero() {
			return nil
		}
		ev := maps.Clone(info)
		if ev == nil {
			ev = map[string]any{}
		}
		ev["sla_event"] = event
		res, err := e.runHook(ctx, cat, name.Value, hook, system, t, ev)
		changes := ticket.Changes{}
		fu := &followUp{}
		if err == nil {
			err = e.applyResult(ctx, cat, system, t, name.Value, hook, res, changes, fu)
		}
		if err == nil && len(fu.fieldErrors) > 0 {
			err = &script.Error{Script: name.Value, Hook: hook, Message: "ticket.error is for validate hooks: " + fu.fieldErrors[0].Message}
		}
		if err == nil {
			err = e.checkScriptData(cat, p, nil, t, fu, "")
		}
		if err == nil {
			err = e.checkChildren(ctx, cat, t, fu.effects, false)
		}
		if err != nil {
			return e.hookFailed(ctx, t, name.Value, hook, err)
		}
		if len(changes) > 0 || len(fu.effects) > 0 {
			now := e.stamp()
			t.Updated = now
			entry := ticket.NewEntry(system.User, ticket.ScriptRan{Hook: hook, Script: name.Value, Changes: changes})
			entry.At = now
			err = e.commit(ctx, t, entry, fu.effects...)
			if errors.Is(err, fault.Conflict) {
				continue
			}
			if err != nil {
				return err
			}
			if len(fu.effects) > 0 {
				if err := e.runOwn(ctx, t, entry, fu.effects); err != nil {
					e.log.WarnContext(ctx, "follow-up work of an SLA hook is queued for retry", "ticket", number, "error", err)
				}
			}
		}
		e.writeComments(ctx, number, fu)
		return nil
	}
	return fmt.Errorf("ticket %s: %w", number, fault.Conflict)
}

// formScripts connects a form's script-computed fields and validate
// script to the runtime. The form data is shown as ticket.data.
func (e *Engine) formScripts(cat *definition.Catalog) (compute func(context.Context, form.ScriptCall) (any, error), validate func(context.Context, form.ScriptCall) ([]form.FieldError, error)) {
	call := func(ctx context.Context, c form.ScriptCall, hook string) (*script.Result, error) {
		event := map[string]any{"field": c.Field, "lang": c.Lang}
		if c.Entry != nil {
			event["entry"] = c.Entry
		}
		return e.scripts.Run(ctx, script.Call{Catalog: cat, Script: c.Script, Hook: hook, Event: event,
			Ticket: &script.Ticket{Data: c.Data}, Host: engineHost{e}, Now: e.now()})
	}
	compute = func(ctx context.Context, c form.ScriptCall) (any, error) {
		res, err := call(ctx, c, script.HookComputeField)
		if err != nil {
			e.log.ErrorContext(ctx, "script failed", "script", c.Script, "hook", script.HookComputeField, "error", err.Error())
			return nil, err
		}
		return res.Value, nil
	}
	validate = func(ctx context.Context, c form.ScriptCall) ([]form.FieldError, error) {
		res, err := call(ctx, c, script.HookFormValidate)
		if err != nil {
			e.log.ErrorContext(ctx, "script failed", "script", c.Script, "hook", script.HookFormValidate, "error", err.Error())
			return nil, err
		}
		var out []form.FieldError
		for _, fe := range res.FieldErrors() {
			out = append(out, form.FieldError{Field: fe.Field, Code: "script", Message: fe.Text})
		}
		return out, nil
	}
	return compute, validate
}
