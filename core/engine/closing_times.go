package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"vorgang/core/definition"
	"vorgang/core/sla"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// ClosingTimesLease is held by the one instance that fills in closing
// times (FillClosingTimes).
const ClosingTimesLease = "migration/closing-times"

// dataMigrationsCollection records how far a migration of stored data
// got, one document per migration, so a run cut off resumes there.
const dataMigrationsCollection = "data_migrations"

const closingTimesID = "closed_at"

// dataMigration is the record of a data migration: where the walk over
// the tickets (by creation time and number) got to, and whether it is done.
type dataMigration struct {
	ID      string    `bson:"_id"`
	Version int64     `bson:"version"`
	At      time.Time `bson:"at"`
	Number  string    `bson:"number"`
	Filled  int       `bson:"filled"`
	Done    bool      `bson:"done"`
}

// FillOptions vary FillClosingTimes.
type FillOptions struct {
	// Renew is called before each page of tickets; an error stops the run
	// (the lease was lost), which the next run resumes. Nil: none.
	Renew func(ctx context.Context) error
	// Page is how many tickets are read at once; 0: 500.
	Page int
}

// FillResult is what a run of FillClosingTimes did.
type FillResult struct {
	// LookedAt and Filled count the tickets of this run; Done is set
	// once every ticket was looked at (by this run or earlier ones).
	LookedAt, Filled int
	Done             bool
}

// FillClosingTimes is the migration that gives every finished ticket
// stored before the closing time was kept its closed_at, which the
// reports read a range of: the time its resolution goal was met, else
// that of the history entry that took it out of an open state, else its
// last change. It walks all tickets by creation time, a page at a time,
// and records after each page how far it got, so a run that is cut off
// resumes there and a finished one costs one read. It sets the field
// without a new version (store.SetDerived), so it makes no one's change
// a conflict. Run it on one instance (ClosingTimesLease).
func (e *Engine) FillClosingTimes(ctx context.Context, opts FillOptions) (FillResult, error) {
	var res FillResult
	var run dataMigration
	err := e.store.Get(ctx, dataMigrationsCollection, closingTimesID, &run)
	switch {
	case errors.Is(err, store.ErrNotFound):
		run = dataMigration{ID: closingTimesID}
	case err != nil:
		return res, fmt.Errorf("closing times: %w", err)
	}
	if run.Done {
		return FillResult{Done: true}, nil
	}
	page := opts.Page
	if page <= 0 {
		page = 500
	}
	cat := e.catalog()
	after := store.TicketCursor{At: run.At, Number: run.Number}
	for {
		if opts.Renew != nil {
			if err := opts.Renew(ctx); err != nil {
				return res, fmt.Errorf("closing times: %w", err)
			}
		}
		tickets, err := e.store.TicketsBetween(ctx, store.TicketCreated, time.Time{}, time.Time{}, after, page)
		if err != nil {
			return res, fmt.Errorf("closing times: %w", err)
		}
		filled := 0
		for _, t := range tickets {
			res.LookedAt++
			if t.Open || !t.ClosedAt.IsZero() {
				continue
			}
			at, err := e.closingTime(ctx, cat, t)
			if err != nil {
				return res, fmt.Errorf("closing times: %s: %w", t.Number, err)
			}
			err = e.store.SetDerived(ctx, store.TicketsCollection, t.Number, map[string]any{"closed_at": at})
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return res, fmt.Errorf("closing times: %s: %w", t.Number, err)
			}
			filled++
		}
		res.Filled += filled
		done := len(tickets) < page
		if len(tickets) > 0 {
			after = store.CursorOf(store.TicketCreated, tickets[len(tickets)-1])
		}
		if filled > 0 || done {
			if err := e.saveDataMigration(ctx, &run, after, filled, done); err != nil {
				return res, err
			}
		}
		if done {
			res.Done = true
			return res, nil
		}
	}
}

// saveDataMigration records how far the run got. Only the lease holder
// writes it, so the compare-and-set does not race.
func (e *Engine) saveDataMigration(ctx context.Context, run *dataMigration, after store.TicketCursor, filled int, done bool) error {
	run.At, run.Number, run.Filled, run.Done = after.At, after.Number, run.Filled+filled, done
	if run.Version == 0 {
		run.Version = 1
		if err := e.store.Insert(ctx, dataMigrationsCollection, run); err != nil {
			run.Version = 0
			return fmt.Errorf("closing times: record progress: %w", err)
		}
		return nil
	}
	v, err := e.store.Update(ctx, dataMigrationsCollection, run.ID, run.Version, map[string]any{"$set": map[string]any{
		"at": run.At, "number": run.Number, "filled": run.Filled, "done": run.Done}})
	if err != nil {
		return fmt.Errorf("closing times: record progress: %w", err)
	}
	run.Version = v
	return nil
}

// closingTime is when the finished ticket t stopped being open, as far as
// what it stored tells: its resolution goal's met time; else the last
// history entry that moved it from an open state into one that is not;
// else its last change.
func (e *Engine) closingTime(ctx context.Context, cat *definition.Catalog, t *ticket.Ticket) (time.Time, error) {
	if met := resolutionMet(t); !met.IsZero() {
		return met, nil
	}
	entries, err := e.store.History(ctx, t)
	if errors.Is(err, store.ErrNotFound) {
		// A history cut short (imported, or removed): its last change
		// is all there is to go by.
		return t.Updated, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	p := cat.Process(t.Process)
	open := func(state string) bool {
		if p != nil {
			if s := p.State(state); s != nil {
				return s.Category == definition.CategoryOpen
			}
		}
		// A state since removed: the ticket's own flag tells for the
		// state it is in; any other was left, so it counts as open.
		return state != t.State || t.Open
	}
	var closed time.Time
	was := true
	for i := range entries {
		to, ok := stateAfter(&entries[i])
		if !ok {
			continue
		}
		now := open(to)
		if was && !now {
			closed = entries[i].At
		}
		was = now
	}
	if !closed.IsZero() {
		return closed, nil
	}
	return t.Updated, nil
}

// stateAfter is the state an entry moved its ticket to, if it moved it.
func stateAfter(h *ticket.HistoryEntry) (string, bool) {
	content, err := h.Decode()
	if err != nil {
		return "", false
	}
	var to string
	switch c := content.(type) {
	case ticket.Created:
		to = c.State
	case ticket.Transitioned:
		to = c.To
	case ticket.ClosedByParent:
		to = c.To
	case ticket.Migrated:
		to = c.To
	case ticket.Decision:
		to = c.To
	}
	return to, to != ""
}

// resolutionMet is when t's resolution goal was met; zero if it was not
// or t has no SLA clock.
func resolutionMet(t *ticket.Ticket) time.Time {
	if clock, _ := t.SLAClock(); clock != nil {
		for _, g := range clock.Targets {
			if g.Name == sla.Resolution && !g.Met.IsZero() {
				return g.Met
			}
		}
	}
	return time.Time{}
}
