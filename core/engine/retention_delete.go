package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// TicketDeleter deletes tickets as a whole, one or a batch, and keeps
// their tombstones; *store.Store implements it.
type TicketDeleter interface {
	DeleteTicket(ctx context.Context, tb store.Tombstone) error
	DeleteTickets(ctx context.Context, tbs []store.Tombstone) []error
	Tombstone(ctx context.Context, number string) (*store.Tombstone, error)
}

// deleteAlone applies action a of a rule that deletes the ticket: it reads
// the ticket again, leaves it alone under legal hold, verifies its history
// and deletes it with its history, files and links (store.DeleteTicket),
// leaving a tombstone with the verified head of the chain. A history that
// does not verify is not deleted: the tombstone would vouch for it.
func (e *Engine) deleteAlone(ctx context.Context, a *RetentionAction) {
	a.Err = e.deleteTicket(ctx, a)
	e.warnRetention(ctx, a)
	if a.Err == nil {
		e.logDeleted(ctx, a)
	}
}

func (e *Engine) deleteTicket(ctx context.Context, a *RetentionAction) error {
	t, err := e.store.Ticket(ctx, a.Ticket)
	if errors.Is(err, store.ErrNotFound) {
		return nil // deleted meanwhile
	}
	if err != nil {
		return fmt.Errorf("engine: delete %s: %w", a.Ticket, err)
	}
	if t.LegalHold {
		return fmt.Errorf("engine: delete %s: the ticket is under legal hold: %w", t.Number, fault.NotAllowedNow)
	}
	var tb store.Tombstone
	if prev, err := e.store.Tombstone(ctx, t.Number); err == nil {
		// A deletion cut off: its history may be gone in part, and the
		// tombstone holds what was verified before it began.
		tb = *prev
	} else if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("engine: delete %s: %w", t.Number, err)
	} else {
		entries, err := e.store.History(ctx, t)
		if err != nil {
			return fmt.Errorf("engine: delete %s: %w", t.Number, err)
		}
		if tb, err = e.tombstoneOf(t, entries, a.Rule); err != nil {
			return err
		}
	}
	if err := e.store.DeleteTicket(ctx, tb); err != nil {
		return fmt.Errorf("engine: delete %s: %w", t.Number, err)
	}
	e.unlinkAssets(ctx, t)
	return nil
}

func (e *Engine) logDeleted(ctx context.Context, a *RetentionAction) {
	e.log.InfoContext(ctx, "ticket deleted by retention", "ticket", a.Ticket, "process", a.Process, "rule", a.Rule)
}

// tombstoneOf verifies the history entries of t and returns the
// tombstone its deletion by rule leaves: the verified head of the chain
// and the ticket's files. A history that does not verify is an error.
func (e *Engine) tombstoneOf(t *ticket.Ticket, entries []ticket.HistoryEntry, rule string) (store.Tombstone, error) {
	if p := VerifyHistory(t, entries); len(p) > 0 {
		return store.Tombstone{}, fmt.Errorf("engine: delete %s: its history does not verify (%s at entry %d); run vorgang audit verify", t.Number, p[0].Problem, p[0].Seq)
	}
	files := ticketFiles(t, entries)
	slices.Sort(files)
	return store.Tombstone{Number: t.Number, Process: t.Process, Rule: rule, At: e.stamp(),
		Entries: t.Version, Head: t.HistoryHash, Files: slices.Compact(files)}, nil
}

// deleteBatch deletes the tickets of the actions at (of rules that delete
// them; tickets holds them as read) together: their histories are read at
// once and verified, workers tickets at a time, and the verified ones are
// deleted in one store.DeleteTickets, whose locks are held for that write
// only. A ticket whose history does not verify or cannot be read (a
// deletion cut off), or that changed since it was read, is deleted on its
// own (deleteAlone), which reads it and its tombstone again.
func (e *Engine) deleteBatch(ctx context.Context, tickets map[string]*ticket.Ticket, due []RetentionAction, at []int, workers int) {
	read := make([]*ticket.Ticket, len(at))
	for j, i := range at {
		read[j] = tickets[due[i].Ticket]
	}
	alone := func(j int) { e.deleteAlone(ctx, &due[at[j]]) }
	histories, err := e.store.Histories(ctx, read)
	if err != nil {
		for j := range at {
			alone(j)
		}
		return
	}
	tbs := make([]store.Tombstone, len(at))
	verified := make([]bool, len(at))
	inParallel(ctx, len(at), workers, func(j int) {
		tb, err := e.tombstoneOf(read[j], histories[j], due[at[j]].Rule)
		tbs[j], verified[j] = tb, err == nil
	})
	var batch []store.Tombstone
	var of, rest []int
	for j := range at {
		if verified[j] {
			batch, of = append(batch, tbs[j]), append(of, j)
		} else {
			rest = append(rest, j)
		}
	}
	for k, err := range e.store.DeleteTickets(ctx, batch) {
		j := of[k]
		a := &due[at[j]]
		switch {
		case err == nil:
			e.unlinkAssets(ctx, read[j])
			e.logDeleted(ctx, a)
		case errors.Is(err, store.ErrConflict):
			rest = append(rest, j)
		default:
			a.Err = fmt.Errorf("engine: delete %s: %w", a.Ticket, err)
			e.warnRetention(ctx, a)
		}
	}
	for _, j := range rest {
		if ctx.Err() != nil {
			return
		}
		alone(j)
	}
}

// unlinkAssets removes deleted ticket t from the lists of the assets it
// linked. After the ticket is gone, never before: an asset may name a
// ticket that does not link it back (readers check), never the reverse. A
// failure is logged: the number left on the asset names no ticket, and
// readers drop it.
func (e *Engine) unlinkAssets(ctx context.Context, t *ticket.Ticket) {
	if e.assets == nil {
		return
	}
	for _, l := range t.Links {
		if l.Kind != LinkKindAsset {
			continue
		}
		if err := e.assets.UnlinkTicket(ctx, l.Target, t.Number); err != nil {
			e.log.WarnContext(ctx, "the asset still lists the deleted ticket", "ticket", t.Number, "asset", l.Target, "error", err)
		}
	}
}

// deletionDue keeps of actions (the rules due for one ticket) only the
// first that deletes the ticket, when one does: what the others would
// remove goes with the ticket.
func deletionDue(cat *definition.Catalog, actions []RetentionAction) []RetentionAction {
	for _, a := range actions {
		if r := retentionRule(cat, a.Process, a.Rule); r != nil && r.Delete {
			return []RetentionAction{a}
		}
	}
	return actions
}
