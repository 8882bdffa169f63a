package engine

import "vorgang/core/ticket"

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
