package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// system acts for the workflow itself (child tickets, automatic closing).
var system = &auth.Principal{User: "vorgang", Admin: true}

// childSpec resolves a create_child action against the parent's data: a
// string "{{field}}" copies the parent's field.
func childSpec(c *definition.ChildSpec, parent map[string]any) map[string]any {
	data := map[string]any{}
	for k, v := range c.Data {
		if s, ok := v.(string); ok && strings.HasPrefix(s, "{{") && strings.HasSuffix(s, "}}") {
			if pv, ok := parent[strings.TrimSpace(s[2:len(s)-2])]; ok {
				data[k] = pv
			}
			continue
		}
		data[k] = v
	}
	spec := map[string]any{"process": c.Process.Value, "data": data}
	if c.Title.De != "" {
		spec["title"] = c.Title.De
	}
	if !c.Team.IsZero() {
		spec["team"] = c.Team.Value
	}
	return spec
}

// RunEffects carries out queued follow-up work the engine does itself:
// creating child tickets and closing them. The server calls it
// periodically, so work a crash interrupted, and the work child tickets
// queue in turn, is done. It returns how many items it handled.
func (e *Engine) RunEffects(ctx context.Context) (int, error) {
	now := e.now()
	items, err := e.store.ClaimOutbox(ctx, "engine", now, time.Minute, 20, engineEffects...)
	if err != nil {
		return 0, err
	}
	var errs []error
	for i := range items {
		errs = append(errs, e.runItem(ctx, e.store, &items[i], now))
	}
	return len(items), errors.Join(errs...)
}

// OutboxClaimer claims an outbox item by id; *store.Store implements it.
type OutboxClaimer interface {
	ClaimOutboxItem(ctx context.Context, worker, id string, now time.Time, lease time.Duration) (*store.OutboxItem, error)
}

// runOwn carries out at once the engine's effects of a change just
// committed (its child tickets), claimed by id: not the work other changes
// queued, nor what these children queue in turn, which RunEffects takes
// up later. So a request answers once its own children are made, however
// many tickets are waiting.
func (e *Engine) runOwn(ctx context.Context, t *ticket.Ticket, entry *ticket.HistoryEntry, effects []effect) error {
	now := e.now()
	var errs []error
	for i, ef := range effects {
		if !slices.Contains(engineEffects, ef.kind) {
			continue
		}
		item, err := e.store.ClaimOutboxItem(ctx, "engine", effectID(t, entry, i, ef), now, time.Minute)
		if err != nil || item == nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, e.runItem(ctx, e.store, item, now))
	}
	return errors.Join(errs...)
}

// runItem carries out one claimed item and records the outcome: done, or
// due again later.
func (e *Engine) runItem(ctx context.Context, auditor AuditStore, item *store.OutboxItem, now time.Time) error {
	committed, err := EffectCommitted(ctx, auditor, item)
	if err == nil && committed {
		err = e.runEffect(ctx, item)
	}
	if err != nil {
		_ = e.store.FailOutbox(ctx, item, err, now, store.Backoff(item.Attempts), 10)
		return err
	}
	return e.store.CompleteOutbox(ctx, item)
}

func (e *Engine) runEffect(ctx context.Context, item *store.OutboxItem) error {
	ef, err := ticket.DecodeEffect(item.Payload)
	if err != nil {
		return fmt.Errorf("engine: outbox item %s: %w", item.ID, err)
	}
	parent, err := e.store.Ticket(ctx, ef.Ticket)
	if err != nil {
		return err
	}
	switch item.Kind {
	case EffectCreateChild:
		return e.createChild(ctx, item, parent)
	case EffectCloseChildren:
		return e.closeChildren(ctx, parent)
	}
	return fmt.Errorf("engine: unknown effect %s", item.Kind)
}

// createChild opens the child under the item's id as idempotency key, so
// a repeated run finds the child instead of making a second, and links it
// to the parent.
func (e *Engine) createChild(ctx context.Context, item *store.OutboxItem, parent *ticket.Ticket) error {
	ef, err := ticket.DecodeEffect(item.Payload)
	if err != nil {
		return fmt.Errorf("engine: outbox item %s: %w", item.ID, err)
	}
	spec, _ := canonical(ef.Spec).(map[string]any)
	process, _ := spec["process"].(string)
	data, _ := spec["data"].(map[string]any)
	title, _ := spec["title"].(string)
	t, entry, err := e.prepare(system, CreateRequest{Process: process, Data: data, Title: title})
	if err != nil {
		return e.childFailed(ctx, parent, item, process, err)
	}
	t.Requester, t.Parent = parent.Requester, parent.Number
	entry.Actor = system.User
	updateCreated(entry, func(c *ticket.Created) { c.Parent = parent.Number })
	// The child's own process rules apply as to any new ticket (routing,
	// computed fields); a team the action names wins over its routing.
	follow, err := e.createHooks(ctx, system, t, entry, "de")
	if err != nil {
		return e.childFailed(ctx, parent, item, process, err)
	}
	if team, _ := spec["team"].(string); team != "" {
		t.Team = team
		updateCreated(entry, func(c *ticket.Created) { c.Team = team })
	}
	child, err := e.createOnce(ctx, system, item.ID, "", t, entry)
	if err != nil {
		return fmt.Errorf("child %s of %s: %w", process, parent.Number, err)
	}
	// What the child's hooks ask for is queued, not done here: the
	// request that made the parent is waiting.
	e.followUp(ctx, child, entry, follow, false)
	return e.retry(ctx, parent.Number, func(p *ticket.Ticket) *ticket.HistoryEntry {
		if contains(p.Children, child.Number) {
			return nil
		}
		p.Children = append(p.Children, child.Number)
		return ticket.NewEntry(system.User, ticket.ChildCreated{Child: child.Number, Process: process})
	})
}

// childFailed handles a child that cannot be made. Data the child's
// process refuses, or a process that no longer exists, will not get better
// by trying again: the parent's history says so (internal) and the item is
// done. Anything else is returned to be retried.
func (e *Engine) childFailed(ctx context.Context, parent *ticket.Ticket, item *store.OutboxItem, process string, cause error) error {
	if fault.FieldsOf(cause) == nil && !errors.Is(cause, fault.NotFound) && !errors.Is(cause, ErrScript) {
		return fmt.Errorf("child %s of %s: %w", process, parent.Number, cause)
	}
	e.log.ErrorContext(ctx, "child ticket not created", "parent", parent.Number, "process", process, "error", cause)
	return e.retry(ctx, parent.Number, func(p *ticket.Ticket) *ticket.HistoryEntry {
		return ticket.NewEntry(system.User, ticket.ChildFailed{Process: process, Reason: cause.Error(), Effect: item.ID})
	})
}

// closeChildren ends every open child: it moves to the first cancelled (or
// else closed) state of its process.
func (e *Engine) closeChildren(ctx context.Context, parent *ticket.Ticket) error {
	cat := e.catalog()
	for _, number := range parent.Children {
		err := e.retry(ctx, number, func(c *ticket.Ticket) *ticket.HistoryEntry {
			p := cat.Process(c.Process)
			if p == nil || p.State(c.State) == nil || p.State(c.State).Final() {
				return nil
			}
			end := finalState(p)
			if end == nil {
				return nil
			}
			from := c.State
			c.State, c.Category, c.Open = end.ID.Value, end.Category, false
			return ticket.NewEntry(system.User, ticket.ClosedByParent{Parent: parent.Number, From: from, To: c.State})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func finalState(p *definition.Process) *definition.State {
	for _, cat := range []string{definition.CategoryCancelled, definition.CategoryClosed} {
		for i := range p.States {
			if p.States[i].Category == cat {
				return &p.States[i]
			}
		}
	}
	return nil
}
