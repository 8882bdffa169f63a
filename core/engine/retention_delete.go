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

// TicketDeleter deletes a ticket as a whole and keeps its tombstone;
// *store.Store implements it.
type TicketDeleter interface {
	DeleteTicket(ctx context.Context, tb store.Tombstone) error
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
		e.log.InfoContext(ctx, "ticket deleted by retention", "ticket", a.Ticket, "process", a.Process, "rule", a.Rule)
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
	tb := store.Tombstone{Number: t.Number, Process: t.Process, Rule: a.Rule, At: e.stamp(), Entries: t.Version, Head: t.HistoryHash}
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
		if p := VerifyHistory(t, entries); len(p) > 0 {
			return fmt.Errorf("engine: delete %s: its history does not verify (%s at entry %d); run vorgang audit verify", t.Number, p[0].Problem, p[0].Seq)
		}
		files := ticketFiles(t, entries)
		slices.Sort(files)
		tb.Files = slices.Compact(files)
	}
	if err := e.store.DeleteTicket(ctx, tb); err != nil {
		return fmt.Errorf("engine: delete %s: %w", t.Number, err)
	}
	e.unlinkAssets(ctx, t)
	return nil
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
