package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/script"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// checkChildren refuses the child tickets a change of t asks for when
// they pass the limits t's process declares (definition.ChildLimits): how
// many one change may create, and how deep below its root ticket a child
// may sit. creating says the children come from the create hooks of t
// itself; when t is a child, they may not be of t's own process or of a
// process above it, since every new ticket of that kind would ask for
// another and the tickets would never end.
//
// A child a hook asked for is refused as the hook's failure
// (*script.Error), one of a transition's actions with fault.NotAllowedNow.
func (e *Engine) checkChildren(ctx context.Context, cat *definition.Catalog, t *ticket.Ticket, effects []effect, creating bool) error {
	var children []effect
	for _, ef := range effects {
		if ef.kind == EffectCreateChild {
			children = append(children, ef)
		}
	}
	if len(children) == 0 {
		return nil
	}
	p := cat.Process(t.Process)
	if p == nil {
		return nil
	}
	limits := p.Children
	if len(children) > limits.PerChange() {
		return childRefused(children[len(children)-1], fmt.Sprintf(
			"one change may create at most %d child tickets (children.max_per_change of process %s); this one asks for %d",
			limits.PerChange(), p.ID.Value, len(children)))
	}
	above, deeper, err := e.ancestors(ctx, t, limits.Depth())
	if err != nil {
		return err
	}
	if deeper || len(above)+1 > limits.Depth() {
		return childRefused(children[0], fmt.Sprintf(
			"a child ticket of %s would sit more than %d levels below its root ticket (children.max_depth of process %s)",
			t.Number, limits.Depth(), p.ID.Value))
	}
	if creating && t.Parent != "" {
		kinds := append([]string{t.Process}, above...)
		for _, c := range children {
			if slices.Contains(kinds, c.target) {
				return childRefused(c, fmt.Sprintf(
					"a new %s ticket created as a child asks for a child of process %s, which it is or descends from: every such child would ask for another",
					t.Process, c.target))
			}
		}
	}
	return nil
}

// ancestors returns the processes of t's parent, its parent's parent ...
// up to limit of them; deeper reports that there are more.
func (e *Engine) ancestors(ctx context.Context, t *ticket.Ticket, limit int) (processes []string, deeper bool, err error) {
	for number := t.Parent; number != ""; {
		if len(processes) == limit {
			return processes, true, nil
		}
		p, err := e.store.Ticket(ctx, number)
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		if err != nil {
			return nil, false, fmt.Errorf("engine: parent %s of %s: %w", number, t.Number, err)
		}
		processes = append(processes, p.Process)
		number = p.Parent
	}
	return processes, false, nil
}

// childRefused is the error for a refused child: the failure of the hook
// that asked for it, or of the transition whose action it is.
func childRefused(c effect, reason string) error {
	if c.script != "" {
		return &script.Error{Script: c.script, Hook: c.hook, Message: "ticket.create_child: " + reason}
	}
	return fmt.Errorf("create_child %s: %s: %w", c.target, reason, fault.NotAllowedNow)
}

// childLimitFailed returns what the caller of a change whose children
// were refused gets: a hook's failure is recorded like any other.
func (e *Engine) childLimitFailed(ctx context.Context, t *ticket.Ticket, err error) error {
	var serr *script.Error
	if errors.As(err, &serr) {
		return e.hookFailed(ctx, t, serr.Script, serr.Hook, err)
	}
	return err
}
