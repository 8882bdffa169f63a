package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/sla"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// EffectSLAHook runs a process's on_sla_warning or on_sla_breach script
// (see RunSLAHooks).
const EffectSLAHook = "sla_hook"

// DueStore is the query the SLA sweep needs; *store.Store has it.
type DueStore interface {
	DueBefore(ctx context.Context, due string, after string, limit int) ([]ticket.Head, error)
}

// SweepResult counts what one sweep did.
type SweepResult struct {
	// Checked is the number of due tickets looked at.
	Checked int
	// Warnings and Breaches are the events recorded.
	Warnings, Breaches int
}

// SweepSLA records every SLA warning and breach that has become due: it
// reads the tickets whose due time has passed (an index range, not a scan
// of all open tickets) and, per ticket, writes one history entry with the
// events and runs the SLA's escalations: moving the ticket to a team,
// raising its priority, queueing notifications and the process's
// on_sla_warning/on_sla_breach hook.
//
// It is safe to run concurrently, in one process or many: an event is
// recorded in the ticket itself by the same compare-and-set as every other
// change, so of two sweeps reaching one ticket only one records it, and the
// loser's queued effects are never acted on (see EffectCommitted).
func (e *Engine) SweepSLA(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	now := e.now()
	// Due times have whole seconds; everything due up to now inclusive.
	until := ticket.SortTime(now.Add(time.Second))
	after := ""
	var errs []error
	for {
		heads, err := e.store.DueBefore(ctx, until, after, store.MaxPage)
		if err != nil {
			return res, fmt.Errorf("engine: SLA sweep: %w", err)
		}
		for _, h := range heads {
			res.Checked++
			w, b, err := e.escalate(ctx, h.Number, now)
			res.Warnings += w
			res.Breaches += b
			if err != nil {
				errs = append(errs, err)
			}
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
		}
		if len(heads) < store.MaxPage {
			return res, errors.Join(errs...)
		}
		after = heads[len(heads)-1].Cursor()
	}
}

// escalate records the SLA events due at now on one ticket, retrying on a
// conflict with a concurrent change.
func (e *Engine) escalate(ctx context.Context, number string, now time.Time) (warnings, breaches int, err error) {
	for attempt := 0; attempt < 10; attempt++ {
		t, err := e.store.Ticket(ctx, number)
		if err != nil {
			return 0, 0, fmt.Errorf("engine: SLA sweep of %s: %w", number, err)
		}
		entry, effects, evs, err := e.slaEvents(t, now)
		if err != nil || entry == nil {
			return 0, 0, err
		}
		err = e.commit(ctx, t, entry, effects...)
		if errors.Is(err, fault.Conflict) {
			continue
		}
		if err != nil {
			return 0, 0, fmt.Errorf("engine: SLA sweep of %s: %w", number, err)
		}
		for _, ev := range evs {
			if ev.Kind == sla.Breach {
				breaches++
			} else {
				warnings++
			}
		}
		e.log.InfoContext(ctx, "SLA event recorded", "ticket", number, "type", entry.Type, "events", len(evs))
		return warnings, breaches, nil
	}
	return 0, 0, fmt.Errorf("engine: SLA sweep of %s: %w", number, fault.Conflict)
}

// slaEvents takes the events due at now from t's clock and applies the
// escalations to t. It returns a nil entry when nothing is due (another
// sweep was first, or the ticket changed meanwhile).
func (e *Engine) slaEvents(t *ticket.Ticket, now time.Time) (*ticket.HistoryEntry, []effect, []sla.Event, error) {
	c, err := SLAClock(t)
	if err != nil || c == nil || !t.Open {
		return nil, nil, nil, err
	}
	evs := c.Due(now)
	if len(evs) == 0 {
		return nil, nil, nil, nil
	}
	cat := e.catalog()
	s := cat.SLA(c.SLA)
	p := cat.Process(t.Process)
	setClock(t, c)
	stamp := e.stamp()
	var entry ticket.SLAEvents
	changes := ticket.Changes{}
	var effects []effect
	queued := map[string]bool{}
	for _, ev := range evs {
		if ev.Kind == sla.Breach {
			entry.Breach = true
		}
		event := ticket.SLAEvent{Goal: ev.Goal, Kind: ev.Kind, Due: ev.Due.UTC().Format(time.RFC3339)}
		entry.Events = append(entry.Events, event)
		detail := event.Detail()
		if s != nil {
			effects = append(effects, escalations(s, t, ev, event, changes, queued)...)
		}
		if p != nil {
			if hook := slaHook(p, ev.Kind); hook != "" && !queued["hook/"+ev.Kind] {
				queued["hook/"+ev.Kind] = true
				effects = append(effects, effect{kind: EffectSLAHook, target: hook, spec: detail})
			}
		}
	}
	entry.Changes = changes
	t.Updated = stamp
	h := ticket.NewEntry(system.User, entry)
	h.At = stamp
	return h, effects, evs, nil
}

// escalations applies the SLA's escalations for ev to t and returns the
// notifications they queue.
func escalations(s *definition.SLA, t *ticket.Ticket, ev sla.Event, event ticket.SLAEvent, changes ticket.Changes, queued map[string]bool) []effect {
	var out []effect
	for _, esc := range s.Escalations {
		if esc.On != ev.Kind || (esc.Target != "" && esc.Target != ev.Goal) {
			continue
		}
		if team := esc.Team.Value; team != "" && team != t.Team {
			changes["team"] = ticket.Change{Old: t.Team, New: team}
			t.Team = team
			if t.Assignee != "" {
				// The ticket goes to the other team's queue.
				changes["assignee"] = ticket.Change{Old: t.Assignee, New: ""}
				t.Assignee = ""
			}
		}
		if esc.Priority != "" && priorityRank(esc.Priority) > priorityRank(t.Priority) {
			changes["priority"] = ticket.Change{Old: t.Priority, New: esc.Priority}
			t.Priority = esc.Priority
		}
		if n := esc.Notify.Value; n != "" && !queued["notify/"+n] {
			queued["notify/"+n] = true
			out = append(out, effect{kind: EffectNotify, target: n, spec: ticket.Notice{Event: "sla." + ev.Kind, SLA: []ticket.SLAEvent{event}}.Encode()})
		}
	}
	return out
}

func slaHook(p *definition.Process, kind string) string {
	if kind == sla.Breach {
		return p.Hooks.OnSLABreach.Value
	}
	return p.Hooks.OnSLAWarning.Value
}

func priorityRank(p string) int {
	switch p {
	case "critical":
		return 4
	case "high":
		return 3
	case "medium":
		return 2
	case "low":
		return 1
	}
	return 0
}
