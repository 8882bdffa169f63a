package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"vorgang/core/store"
	"vorgang/core/ticket"
)

// SLAHookRunner runs a process's on_sla_warning or on_sla_breach Lua hook
// for a ticket. The script runtime provides it; event holds the goal
// ("first_response" or "resolution"), the kind ("warning" or "breach") and
// the deadline ("due", RFC 3339).
type SLAHookRunner interface {
	RunSLAHook(ctx context.Context, script string, t *ticket.Ticket, event map[string]any) error
}

// RunSLAHooks runs the SLA hooks the sweep queued, each once per recorded
// event: a hook that fails is retried with backoff and given up after ten
// attempts (the outbox item shows why). Without a runner the items stay
// queued until one is configured. It returns how many items it handled.
func (e *Engine) RunSLAHooks(ctx context.Context, runner SLAHookRunner) (int, error) {
	if runner == nil {
		return 0, nil
	}
	now := e.now()
	items, err := e.store.ClaimOutbox(ctx, "engine-sla-hooks", now, time.Minute, 20, EffectSLAHook)
	if err != nil {
		return 0, err
	}
	var errs []error
	for i := range items {
		item := &items[i]
		committed, err := EffectCommitted(ctx, e.store, item)
		if err == nil && committed {
			err = e.runSLAHook(ctx, runner, item)
		}
		if err != nil {
			errs = append(errs, err)
			_ = e.store.FailOutbox(ctx, item, err, now, store.Backoff(item.Attempts), 10)
			continue
		}
		if err := e.store.CompleteOutbox(ctx, item); err != nil {
			errs = append(errs, err)
		}
	}
	return len(items), errors.Join(errs...)
}

func (e *Engine) runSLAHook(ctx context.Context, runner SLAHookRunner, item *store.OutboxItem) error {
	ef, err := ticket.DecodeEffect(item.Payload)
	if err != nil {
		return fmt.Errorf("engine: outbox item %s: %w", item.ID, err)
	}
	number, script := ef.Ticket, ef.Target
	t, err := e.store.Ticket(ctx, number)
	if err != nil {
		return err
	}
	event, _ := canonical(ef.Spec).(map[string]any)
	if err := runner.RunSLAHook(ctx, script, t, event); err != nil {
		return fmt.Errorf("engine: SLA hook %s for %s: %w", script, number, err)
	}
	return nil
}

// ScriptSLAHooks runs the SLA hooks with the engine's own script runtime
// (RunSLAHook): the runner an SLAScheduler uses unless told otherwise.
func (e *Engine) ScriptSLAHooks() SLAHookRunner { return scriptSLAHooks{e} }

type scriptSLAHooks struct{ e *Engine }

func (h scriptSLAHooks) RunSLAHook(ctx context.Context, _ string, t *ticket.Ticket, event map[string]any) error {
	kind, _ := event["kind"].(string)
	return h.e.RunSLAHook(ctx, t.Number, kind, event)
}
