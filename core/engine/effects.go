package engine

import (
	"context"
	"errors"
	"fmt"

	"vorgang/core/store"
	"vorgang/core/ticket"
)

// Effect kinds: work a change causes beyond the ticket, done later by
// workers from the outbox.
const (
	EffectNotify        = "notify"
	EffectCreateChild   = "create_child"
	EffectCloseChildren = "close_children"
)

// engineEffects are the kinds the engine carries out itself (RunEffects).
var engineEffects = []string{EffectCreateChild, EffectCloseChildren}

// effect is one piece of follow-up work of a change.
type effect struct {
	kind   string
	target string         // e.g. the Notification id
	spec   map[string]any // kind-specific details
	// script and hook name the hook that asked for the effect; empty for
	// a transition's actions.
	script, hook string
}

// enqueue writes a change's effects to the outbox before the change is
// committed, so a crash in between loses none. An item whose change never
// committed (a conflict, a crash before the ticket write) is recognised by
// its worker and dropped: the item names the ticket, the change's sequence
// number and its history hash, and only an entry with that hash at that
// place in the ticket's committed history makes it real (see
// EffectCommitted).
func (e *Engine) enqueue(ctx context.Context, t *ticket.Ticket, entry *ticket.HistoryEntry, effects []effect) error {
	for _, item := range e.outboxItems(t, entry, effects) {
		if err := e.store.Enqueue(ctx, item, e.now()); err != nil {
			return fmt.Errorf("engine: queue %s for %s: %w", item.Kind, t.Number, err)
		}
	}
	return nil
}

// outboxItems are the outbox items of a change's effects.
func (e *Engine) outboxItems(t *ticket.Ticket, entry *ticket.HistoryEntry, effects []effect) []*store.OutboxItem {
	version := e.catalog().Hash()
	items := make([]*store.OutboxItem, len(effects))
	for i, ef := range effects {
		items[i] = &store.OutboxItem{
			ID:   effectID(t, entry, i, ef),
			Kind: ef.kind,
			// The definition version that asked for the work, so an
			// administrator can discard what a faulty version queued
			// (DiscardEffects).
			Payload: ticket.Effect{Ticket: t.Number, Seq: entry.Seq, Hash: entry.Hash,
				Target: ef.target, Event: entry.Type, Catalog: version, Spec: ef.spec}.Encode(),
		}
	}
	return items
}

// effectID is the outbox id of the i-th effect of a change. The hash in
// it keeps the items of competing attempts at one version apart: only the
// committed one's items are acted on.
func effectID(t *ticket.Ticket, entry *ticket.HistoryEntry, i int, ef effect) string {
	if ef.kind == EffectWebhook {
		// Grouped by webhook and ticket, in the order of the changes.
		return fmt.Sprintf("%s%012d/%d/%s", ticket.WebhookQueue(ef.target, t.Number), entry.Seq, i, entry.Hash[:16])
	}
	return fmt.Sprintf("%s/%s/%d/%d/%s", ef.kind, t.Number, entry.Seq, i, entry.Hash[:16])
}

// EffectCommitted reports whether an outbox item's change was committed:
// the ticket has reached its sequence number and the history entry there
// has its hash. Workers call it before acting and drop items for which it
// is false.
func EffectCommitted(ctx context.Context, st AuditStore, item *store.OutboxItem) (bool, error) {
	ef, err := ticket.DecodeEffect(item.Payload)
	if err == nil && isTestDelivery(ef) {
		return true, nil // queued on its own, with no change to wait for
	}
	number, hash, seq := ef.Ticket, ef.Hash, ef.Seq
	if err != nil || number == "" || hash == "" || seq < 1 {
		return false, fmt.Errorf("engine: outbox item %s names no change", item.ID)
	}
	t, err := st.Ticket(ctx, number)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if t.Version < seq {
		return false, nil
	}
	var entry ticket.HistoryEntry
	if err := st.Get(ctx, store.HistoryCollection, store.HistoryID(number, seq), &entry); err != nil {
		return false, err
	}
	// A sealed legacy entry keeps the hash its work was queued under.
	return entry.Hash == hash || (entry.LegacyHash != "" && entry.LegacyHash == hash), nil
}
