package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"

	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// MigrationLease is held by the instance applying migrations, so each
// ticket is migrated by one of them.
const MigrationLease = "definition-migrations"

// migrationActor is the actor of migration history entries.
const migrationActor = "vorgang"

// migrationWorkers migrate tickets side by side: each ticket is its own
// change, and the store's write latency, not the CPU, bounds one worker.
const migrationWorkers = 4

// MigrationSample is what a migration does (or did) to one ticket.
type MigrationSample struct {
	Ticket string          `json:"ticket"`
	Change ticket.Migrated `json:"change"`
}

// MigrationResult is what Migrate did: the tickets migrated per migration,
// the failures, and the first few changes as samples.
type MigrationResult struct {
	Migrated map[string]int    `json:"migrated"`
	Failed   int               `json:"failed"`
	Samples  []MigrationSample `json:"samples"`
}

// Migrate applies the migrations of the definitions in service to the
// open tickets of their processes: each ticket a migration changes gets
// its new state and data and one history entry, in one change of its own.
// A ticket with nothing left to change is skipped, so running Migrate again
// (after a crash, or on another instance) migrates nothing twice. With
// dryRun nothing is stored and the samples show what would change.
func (e *Engine) Migrate(ctx context.Context, dryRun bool, samples int) (MigrationResult, error) {
	cat := e.catalog()
	res := MigrationResult{Migrated: map[string]int{}}
	var mu sync.Mutex
	for _, m := range cat.Migrations() {
		p := cat.Process(m.Process.Value)
		if p == nil {
			continue // checked at load
		}
		open := true
		tickets, err := e.store.FindTickets(ctx, store.TicketFilter{Process: p.ID.Value, Open: &open})
		if err != nil {
			return res, fmt.Errorf("migration %s: %w", m.ID.Value, err)
		}
		work := make(chan *ticket.Ticket)
		var wg sync.WaitGroup
		var firstErr error
		for range migrationWorkers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for t := range work {
					change, ok, err := e.migrateTicket(ctx, p, m, t, dryRun)
					mu.Lock()
					switch {
					case err != nil:
						res.Failed++
						if firstErr == nil {
							firstErr = err
						}
					case ok:
						res.Migrated[m.ID.Value]++
						if len(res.Samples) < samples {
							res.Samples = append(res.Samples, MigrationSample{Ticket: t.Number, Change: change})
						}
					}
					mu.Unlock()
				}
			}()
		}
		for i := range tickets {
			select {
			case work <- &tickets[i]:
			case <-ctx.Done():
			}
		}
		close(work)
		wg.Wait()
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if firstErr != nil {
			e.log.WarnContext(ctx, "tickets not migrated; the next run tries them again", "migration", m.ID.Value, "failed", res.Failed, "error", firstErr)
		}
	}
	return res, nil
}

// migrateTicket applies m to t and stores the change unless dryRun; ok
// false when m has nothing to change on t. A ticket changed meanwhile is
// read again and tried once more.
func (e *Engine) migrateTicket(ctx context.Context, p *definition.Process, m *definition.Migration, t *ticket.Ticket, dryRun bool) (ticket.Migrated, bool, error) {
	for attempt := 0; ; attempt++ {
		change, ok := migration(p, m, t)
		if !ok || dryRun {
			return change, ok, nil
		}
		entry := ticket.NewEntry(migrationActor, change)
		now := e.stamp()
		t.Updated, entry.At = now, now
		err := e.commit(ctx, t, entry)
		if err == nil {
			return change, true, nil
		}
		if !errors.Is(err, fault.Conflict) || attempt > 0 {
			return change, false, fmt.Errorf("migrate %s: %w", t.Number, err)
		}
		fresh, rerr := e.store.Ticket(ctx, t.Number)
		if rerr != nil {
			return change, false, fmt.Errorf("migrate %s: %w", t.Number, rerr)
		}
		*t = *fresh
	}
}

// migration changes t as m says and describes the change; ok false when
// there is nothing to change (then t is as it was).
func migration(p *definition.Process, m *definition.Migration, t *ticket.Ticket) (ticket.Migrated, bool) {
	change := ticket.Migrated{Migration: m.ID.Value, From: t.State, To: t.State}
	data := maps.Clone(t.Data)
	if data == nil {
		data = map[string]any{}
	}
	for _, f := range m.Fields {
		v, had := data[f.Key.Value]
		if !had {
			continue
		}
		if _, taken := data[f.Value.Value]; !taken {
			data[f.Value.Value] = v
		}
		delete(data, f.Key.Value)
		if change.Renamed == nil {
			change.Renamed = map[string]string{}
		}
		change.Renamed[f.Key.Value] = f.Value.Value
	}
	// Field changes nest under "data": a stored key may not hold a dot.
	note := func(field string, old, new any) {
		if change.Changes == nil {
			change.Changes = ticket.Changes{"data": {Fields: map[string]ticket.Change{}}}
		}
		change.Changes["data"].Fields[field] = ticket.Change{Old: old, New: new}
	}
	for _, v := range m.Values {
		old, had := data[v.Key.Value]
		if !had {
			continue
		}
		if s, isText := old.(string); isText {
			if new, mapped := v.Value[s]; mapped {
				data[v.Key.Value] = new
				note(v.Key.Value, old, new)
			}
		}
	}
	for _, d := range m.Defaults {
		if v, had := data[d.Key.Value]; !had || v == nil || v == "" {
			data[d.Key.Value] = d.Value
			note(d.Key.Value, v, d.Value)
		}
	}
	if to, moved := m.States.Get(t.State); moved && to.Value != t.State {
		if s := p.State(to.Value); s != nil {
			change.To = s.ID.Value
			t.State, t.Category = s.ID.Value, s.Category
			t.Open = s.Category == definition.CategoryOpen
		}
	}
	if change.To == change.From && change.Renamed == nil && change.Changes == nil {
		return change, false
	}
	t.Data = data
	return change, true
}
