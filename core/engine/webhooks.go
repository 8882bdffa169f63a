package engine

import (
	"context"
	"crypto/rand"
	"fmt"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// EffectWebhook posts an event to a Webhook's receiver (core/webhook).
// Its items are queued per webhook and ticket (ticket.WebhookQueue).
const EffectWebhook = "webhook"

// eventWebhooks returns a webhook effect for every Webhook that takes one
// of the events the entry is, with the occurrence as the change left the
// ticket, queued with the change itself.
func (e *Engine) eventWebhooks(t *ticket.Ticket, entry *ticket.HistoryEntry, content ticket.Entry, evs []string) []effect {
	var out []effect
	for _, w := range e.catalog().Webhooks() {
		for _, ev := range evs {
			if !w.Subscribes(ev, t.Process) {
				continue
			}
			// noticeOf keeps no internal text: a receiver is told that
			// staff commented, never what.
			o := ticket.Occurrence{Notice: noticeOf(ev, entry, content), At: entry.At, Seq: entry.Seq, Ticket: ticket.Snapshot{
				Number: t.Number, Process: t.Process, Title: t.Title, State: t.State, Priority: t.Priority,
				Team: t.Team, Assignee: t.Assignee}}
			out = append(out, effect{kind: EffectWebhook, target: w.ID.Value, spec: o.Encode()})
		}
	}
	return out
}

// EventWebhookTest is the event of a test delivery: no ticket changed, an
// administrator asked to see whether the receiver takes a signed post.
const EventWebhookTest = "webhook.test"

// testQueue is the ticket part of a test delivery's queue: no ticket
// number has an underscore, so test deliveries queue apart from any
// ticket's.
const testQueue = "_test"

// TestWebhook queues a test delivery to the Webhook with id, through the
// outbox like every delivery, so it is signed, retried and shown in the
// outbox like any other: it does not wait for the receiver. Only
// administrators send one; any Webhook takes it, whatever its events.
func (e *Engine) TestWebhook(ctx context.Context, actor *auth.Principal, id string) (*OutboxEntry, error) {
	if actor == nil || !actor.Admin {
		return nil, fmt.Errorf("webhook test: %w", fault.Forbidden)
	}
	if e.catalog().Webhook(id) == nil {
		return nil, fmt.Errorf("webhook test: no webhook %q: %w", id, fault.NotFound)
	}
	now := e.now()
	o := ticket.Occurrence{Notice: ticket.Notice{Event: EventWebhookTest, Actor: actor.User}, At: now}
	item := &store.OutboxItem{
		ID:   fmt.Sprintf("%s%s/%s", ticket.WebhookQueue(id, testQueue), ticket.SortTime(now), rand.Text()[:10]),
		Kind: EffectWebhook,
		Payload: ticket.Effect{Target: id, Event: EventWebhookTest, Catalog: e.catalog().Hash(),
			Spec: o.Encode()}.Encode(),
	}
	if err := e.store.Enqueue(ctx, item, now); err != nil {
		return nil, fmt.Errorf("webhook test: queue for %s: %w", id, err)
	}
	e.log.InfoContext(ctx, "webhook test delivery queued", "webhook", id, "outbox_item", item.ID, "by", actor.User)
	entry := outboxEntry(*item)
	return &entry, nil
}

// isTestDelivery reports whether ef is a test delivery, which belongs to
// no change of a ticket.
func isTestDelivery(ef ticket.Effect) bool { return ef.Event == EventWebhookTest && ef.Ticket == "" }
