package ticket

import "time"

// Occurrence is the payload of a queued webhook delivery: the event with
// what of the change may be told (as for a notification), when it
// happened, and the ticket as the change left it. The engine writes it
// with the change, so a later change does not alter what is posted.
type Occurrence struct {
	Notice Notice
	At     time.Time
	Seq    int64
	Ticket Snapshot
}

// WebhookQueue is the outbox id prefix of a webhook's deliveries for one
// ticket; the ids below it sort in the order of the ticket's changes, so
// they can be posted in that order.
func WebhookQueue(webhook, number string) string { return "webhook/" + webhook + "/" + number + "/" }

// Snapshot is what a webhook is told of a ticket: no form data, which
// may be personal; a receiver that needs it reads the ticket through the
// API with a token of its own.
type Snapshot struct {
	Number, Process, Title, State, Priority, Team, Assignee string
}

// Encode returns o as stored in the outbox item's spec.
func (o Occurrence) Encode() map[string]any {
	m := o.Notice.Encode()
	m["at"] = o.At.UTC()
	m["seq"] = o.Seq
	m["head"] = map[string]any{"number": o.Ticket.Number, "process": o.Ticket.Process, "title": o.Ticket.Title,
		"state": o.Ticket.State, "priority": o.Ticket.Priority, "team": o.Ticket.Team, "assignee": o.Ticket.Assignee}
	return m
}

// DecodeOccurrence reads an occurrence from an outbox item's spec.
func DecodeOccurrence(spec map[string]any) (Occurrence, error) {
	n, err := DecodeNotice(spec)
	d := newFields(spec)
	o := Occurrence{Notice: n, At: d.time("at"), Seq: int64(d.int("seq"))}
	if h := d.sub("head"); h != nil {
		o.Ticket = Snapshot{Number: h.str("number"), Process: h.str("process"), Title: h.str("title"), State: h.str("state"),
			Priority: h.str("priority"), Team: h.str("team"), Assignee: h.str("assignee")}
		d.keep(h)
	}
	if err == nil {
		err = d.err
	}
	return o, err
}
