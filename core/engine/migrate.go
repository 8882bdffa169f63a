package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"vorgang/core/definition"
	"vorgang/core/script"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// MigrationLease is held by the instance applying migrations, so each
// ticket is migrated by one of them.
const MigrationLease = "definition-migrations"

// migrationActor is the actor of migration history entries.
const migrationActor = "vorgang"

// migrationBatch is how many tickets are read, changed and stored
// together: the history entries of a batch are one insert (see
// store.UpdateTickets), and the lease is renewed once per batch.
const migrationBatch = 100

// MigrationSample is what a migration does (or did) to one ticket.
type MigrationSample struct {
	Ticket string          `json:"ticket"`
	Change ticket.Migrated `json:"change"`
}

// MigrationFailure is a ticket a migration left as it was, and why (a
// transform's error names its script and line).
type MigrationFailure struct {
	Ticket    string `json:"ticket"`
	Migration string `json:"migration"`
	Error     string `json:"error"`
}

// maxFailures bounds the failures a result lists; Failed counts them all.
const maxFailures = 20

// MigrationResult is what Migrate did: the tickets migrated per migration,
// the failures, and the first few changes as samples.
type MigrationResult struct {
	Migrated map[string]int     `json:"migrated"`
	Failed   int                `json:"failed"`
	Failures []MigrationFailure `json:"failures,omitempty"`
	Samples  []MigrationSample  `json:"samples"`
	// NotApplied lists the migrations written for other versions than
	// the one the definitions in service replaced (Migration.From).
	NotApplied []string `json:"not_applied,omitempty"`
}

func (r *MigrationResult) fail(m *definition.Migration, number string, err error) {
	r.Failed++
	if len(r.Failures) < maxFailures {
		r.Failures = append(r.Failures, MigrationFailure{Ticket: number, Migration: m.ID.Value, Error: err.Error()})
	}
}

// MigrateOptions says how Migrate runs.
type MigrateOptions struct {
	// DryRun stores nothing; the samples show what would change.
	DryRun bool
	// Samples is how many changes the result shows.
	Samples int
	// Replaced is the hash of the definitions those in service replaced:
	// a migration written for other versions is not applied.
	Replaced string
	// Renew is called before each batch is stored, to renew the lease the
	// caller migrates under; an error stops the migration before the
	// batch (the lease is lost, another instance may be migrating).
	Renew func(ctx context.Context) error
	// Progress is told after each batch how many of a migration's open
	// tickets were looked at, of how many.
	Progress func(migration string, done, total int)
}

// Migrate applies the migrations of the definitions in service to the
// open tickets of their processes: each ticket a migration changes gets
// its new state and data and one history entry, in one change of its own,
// and notes the migration as applied. A ticket that has it applied, or
// that it has nothing to change on, is skipped, so running Migrate again
// (after a crash, or on another instance) changes no ticket twice. A
// ticket whose transform fails is left as it was and listed in the
// result; the next run tries it again. A migration that names the versions
// it is written for (from) is applied only when opt.Replaced is one of
// them.
func (e *Engine) Migrate(ctx context.Context, opt MigrateOptions) (res MigrationResult, err error) {
	cat := e.catalog()
	res = MigrationResult{Migrated: map[string]int{}}
	if !opt.DryRun && len(cat.Migrations()) > 0 {
		defer func() {
			run := MigrationRun{At: e.now(), Catalog: cat.Hash(), Replaced: opt.Replaced, Result: res}
			if err != nil {
				run.Error = err.Error()
			}
			e.NoteMigrationRun(run)
		}()
	}
	for _, m := range cat.Migrations() {
		p := cat.Process(m.Process.Value)
		if p == nil {
			continue // checked at load
		}
		if !m.For(opt.Replaced) {
			res.NotApplied = append(res.NotApplied, m.ID.Value)
			continue
		}
		numbers, err := e.store.OpenTicketNumbers(ctx, p.ID.Value, onlyStates(m)...)
		if err != nil {
			return res, fmt.Errorf("migration %s: %w", m.ID.Value, err)
		}
		failed := res.Failed
		// The next batch is read while one is stored: reads do not wait
		// for the database's one writer.
		batches := slices.Collect(slices.Chunk(numbers, migrationBatch))
		var next <-chan readBatch
		if len(batches) > 0 {
			next = e.readAsync(ctx, batches[0])
		}
		for i := range batches {
			r := <-next
			if i+1 < len(batches) {
				next = e.readAsync(ctx, batches[i+1])
			}
			if r.err != nil {
				return res, fmt.Errorf("migration %s: %w", m.ID.Value, r.err)
			}
			if err := e.migrateBatch(ctx, cat, p, m, r.tickets, opt, &res); err != nil {
				return res, fmt.Errorf("migration %s: %w", m.ID.Value, err)
			}
			if opt.Progress != nil {
				opt.Progress(m.ID.Value, min((i+1)*migrationBatch, len(numbers)), len(numbers))
			}
		}
		if n := res.Failed - failed; n > 0 {
			e.log.WarnContext(ctx, "tickets not migrated; the next run tries them again", "migration", m.ID.Value, "failed", n)
		}
	}
	return res, nil
}

// onlyStates returns the states whose tickets m can change when it maps
// states and nothing else; nil when it may change a ticket in any state.
// A migration that only renames states then reads the tickets of those
// states instead of every open ticket of its process.
func onlyStates(m *definition.Migration) []string {
	if len(m.States) == 0 || len(m.Fields) > 0 || len(m.Values) > 0 || len(m.Defaults) > 0 || !m.Transform.IsZero() {
		return nil
	}
	states := make([]string, len(m.States))
	for i, s := range m.States {
		states[i] = s.Key.Value
	}
	return states
}

// readBatch is a batch of tickets read, or why not.
type readBatch struct {
	tickets []*ticket.Ticket
	err     error
}

// readAsync reads the tickets numbers in the background.
func (e *Engine) readAsync(ctx context.Context, numbers []string) <-chan readBatch {
	out := make(chan readBatch, 1)
	go func() {
		tickets, err := e.readTickets(ctx, numbers)
		out <- readBatch{tickets, err}
	}()
	return out
}

// migrateBatch migrates a batch of tickets: changes them in memory, and
// stores the changed ones together. A ticket that changed since it was
// read is read and tried again on its own.
func (e *Engine) migrateBatch(ctx context.Context, cat *definition.Catalog, p *definition.Process, m *definition.Migration, tickets []*ticket.Ticket, opt MigrateOptions, res *MigrationResult) error {
	var changes []store.TicketChange
	var planned []ticket.Migrated
	for _, t := range tickets {
		if t == nil {
			continue // gone since it was listed
		}
		was := *t
		change, ok, err := e.migration(ctx, cat, p, m, t)
		switch {
		case err != nil:
			res.fail(m, t.Number, err)
			continue
		case !ok:
			continue
		case opt.DryRun:
			res.note(m, t.Number, change, opt.Samples)
			continue
		}
		entry := ticket.NewEntry(migrationActor, change)
		now := e.stamp()
		t.Updated, entry.At = now, now
		if err := e.stage(ctx, t, entry); err != nil {
			res.fail(m, t.Number, err)
			continue
		}
		changes = append(changes, store.TicketChange{Ticket: t, Entry: entry, Was: &was})
		planned = append(planned, change)
	}
	if len(changes) == 0 {
		return nil
	}
	if opt.Renew != nil {
		if err := opt.Renew(ctx); err != nil {
			return err
		}
	}
	for i, err := range e.store.UpdateTickets(ctx, changes) {
		number := changes[i].Ticket.Number
		switch {
		case err == nil:
			e.observe.Committed(changes[i].Ticket, changes[i].Entry)
			res.note(m, number, planned[i], opt.Samples)
		case errors.Is(err, store.ErrConflict):
			change, ok, err := e.migrateAlone(ctx, cat, p, m, number)
			switch {
			case err != nil:
				res.fail(m, number, err)
			case ok:
				res.note(m, number, change, opt.Samples)
			}
		default:
			res.fail(m, number, err)
		}
	}
	return ctx.Err()
}

func (r *MigrationResult) note(m *definition.Migration, number string, change ticket.Migrated, samples int) {
	r.Migrated[m.ID.Value]++
	if len(r.Samples) < samples {
		r.Samples = append(r.Samples, MigrationSample{Ticket: number, Change: change})
	}
}

// readTickets reads tickets by number in one call; a ticket that is gone
// is nil.
func (e *Engine) readTickets(ctx context.Context, numbers []string) ([]*ticket.Ticket, error) {
	out, err := e.store.TicketsByNumber(ctx, numbers)
	if err != nil {
		return nil, fmt.Errorf("read tickets: %w", err)
	}
	return out, nil
}

// migrateAlone reads ticket number again and migrates it on its own: the
// way of a ticket that changed while its batch was prepared.
func (e *Engine) migrateAlone(ctx context.Context, cat *definition.Catalog, p *definition.Process, m *definition.Migration, number string) (ticket.Migrated, bool, error) {
	t, err := e.store.Ticket(ctx, number)
	if err != nil {
		return ticket.Migrated{}, false, fmt.Errorf("migrate %s: %w", number, err)
	}
	change, ok, err := e.migration(ctx, cat, p, m, t)
	if err != nil || !ok {
		return change, false, err
	}
	entry := ticket.NewEntry(migrationActor, change)
	now := e.stamp()
	t.Updated, entry.At = now, now
	if err := e.commit(ctx, t, entry); err != nil {
		return change, false, fmt.Errorf("migrate %s: %w", number, err)
	}
	return change, true, nil
}

// migration applies m to t in memory: the maps, then the transform. It
// returns the change and true, or false when m is applied already, t is
// no longer an open ticket of m's process, or m has nothing to change on
// it (then t is as it was). A failing transform leaves t as it was.
func (e *Engine) migration(ctx context.Context, cat *definition.Catalog, p *definition.Process, m *definition.Migration, t *ticket.Ticket) (ticket.Migrated, bool, error) {
	if !t.Open || t.Process != p.ID.Value || slices.Contains(t.Migrations, m.ID.Value) {
		return ticket.Migrated{}, false, nil
	}
	was := *t
	change, changed := migration(p, m, t)
	if !m.Transform.IsZero() {
		transformed, err := e.transform(ctx, cat, m, t, &change)
		if err != nil {
			*t = was
			return change, false, err
		}
		changed = changed || transformed
	}
	if !changed {
		*t = was
		return change, false, nil
	}
	t.Migrations = append(slices.Clone(t.Migrations), m.ID.Value)
	return change, true, nil
}

// transform runs m's transform script for t, which the maps have changed
// already, and applies the fields, priority, title and team it sets,
// noting each in change. It reports whether anything changed.
func (e *Engine) transform(ctx context.Context, cat *definition.Catalog, m *definition.Migration, t *ticket.Ticket, change *ticket.Migrated) (bool, error) {
	event := map[string]any{"migration": m.ID.Value, "from": change.From, "to": change.To, "actor": migrationActor}
	res, err := e.scripts.Run(ctx, script.Call{Catalog: cat, Script: m.Transform.Value, Hook: script.HookMigrate, Event: event,
		Ticket: scriptTicket(t), Host: engineHost{e}, Now: e.now()})
	if err != nil {
		return false, err
	}
	if len(res.Changes) == 0 {
		return false, nil
	}
	for _, c := range res.Changes {
		switch c.Kind {
		case script.ChangeField, script.ChangePriority, script.ChangeTitle, script.ChangeTeam:
		default:
			return false, &script.Error{Script: m.Transform.Value, Hook: script.HookMigrate, Message: fmt.Sprintf("%s is not possible in a %s hook", c.Kind, script.HookMigrate)}
		}
	}
	changes := ticket.Changes{}
	fu := &followUp{}
	if err := e.applyResult(ctx, cat, nil, t, m.Transform.Value, script.HookMigrate, res, changes, fu); err != nil {
		return false, err
	}
	p := cat.Process(t.Process)
	if err := e.checkScriptData(cat, p, nil, t, fu, ""); err != nil {
		return false, err
	}
	if change.Changes == nil {
		change.Changes = ticket.Changes{}
	}
	for k, c := range changes {
		if k == "data" {
			data := change.Changes["data"]
			if data.Fields == nil {
				data.Fields = map[string]ticket.Change{}
			}
			maps.Copy(data.Fields, c.Fields)
			change.Changes["data"] = data
			continue
		}
		change.Changes[k] = c
	}
	return true, nil
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
