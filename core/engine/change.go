package engine

import (
	"context"
	"errors"
	"fmt"

	"vorgang/core/fault"
	"vorgang/core/ticket"
)

// maxChangeAttempts bounds how often a change that names no version is
// tried against a ticket others keep changing.
const maxChangeAttempts = 64

// change commits the history entry that entryFor makes for the ticket as
// load reads it (entryFor may return nil: nothing to do). A caller that
// names a version (not 0) gets fault.Conflict when the ticket is at another
// version or another change wins the race for the next one: it saw a state
// that no longer holds. A change without a version (a comment, a reply)
// does not depend on what others did meanwhile, so a lost race is tried
// again against the new version. Those further attempts queue behind each
// other in this process, so writers that lost to one winner do not all
// race again.
func (e *Engine) change(ctx context.Context, version int64, load func() (*ticket.Ticket, error),
	entryFor func(t *ticket.Ticket) (*ticket.HistoryEntry, error)) (*ticket.Ticket, error) {
	var unlock func()
	defer func() {
		if unlock != nil {
			unlock()
		}
	}()
	for attempt := 1; ; attempt++ {
		t, err := load()
		if err != nil {
			return nil, err
		}
		if version != 0 && version != t.Version {
			return nil, fmt.Errorf("ticket %s is at version %d, not %d: %w", t.Number, t.Version, version, fault.Conflict)
		}
		entry, err := entryFor(t)
		if err != nil || entry == nil {
			return t, err
		}
		entry.At = e.stamp()
		t.Updated = entry.At
		err = e.commit(ctx, t, entry)
		if err == nil {
			return t, nil
		}
		if version != 0 || !errors.Is(err, fault.Conflict) || attempt == maxChangeAttempts {
			return nil, err
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("ticket %s: %w", t.Number, ctx.Err())
		}
		if unlock == nil {
			unlock = e.retrying.Lock("ticket", t.Number)
		}
	}
}

// retry applies a change of the workflow itself to the current ticket and
// commits it, reloading on a conflict; change returns nil when there is
// nothing to do.
func (e *Engine) retry(ctx context.Context, number string, change func(*ticket.Ticket) *ticket.HistoryEntry) error {
	_, err := e.change(ctx, 0, func() (*ticket.Ticket, error) { return e.store.Ticket(ctx, number) },
		func(t *ticket.Ticket) (*ticket.HistoryEntry, error) { return change(t), nil })
	return err
}
