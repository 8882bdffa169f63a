package ticket

// Notice is the payload of a queued notification: the event and what of
// the change its mail may tell. The engine writes it into the outbox with
// the change; the notify worker reads it back.
type Notice struct {
	// Event is the Notification event, e.g. ticket.commented.
	Event string
	// Actor is the user who made the change.
	Actor string
	// Internal marks a comment kept among staff: only staff are told.
	Internal bool
	// Comment is the public text of the change: a comment or a
	// transition's comment; empty when it was internal.
	Comment    string
	Transition string
	// SLA lists the SLA events of an sla.* notification.
	SLA []SLAEvent
}

// Encode returns n as stored in the outbox item's spec.
func (n Notice) Encode() map[string]any {
	m := map[string]any{"event": n.Event}
	if n.Actor != "" {
		m["actor"] = n.Actor
	}
	if n.Internal {
		m["internal"] = true
	}
	if n.Comment != "" {
		m["comment"] = n.Comment
	}
	if n.Transition != "" {
		m["transition"] = n.Transition
	}
	if n.SLA != nil {
		m["sla"] = SLAEvents{Events: n.SLA}.eventList()
	}
	return m
}

// DecodeNotice reads a notice from an outbox item's spec (Effect.Spec),
// in whatever shape the database returned its values.
func DecodeNotice(spec map[string]any) (Notice, error) {
	m := spec
	d := newFields(m)
	n := Notice{Event: d.str("event"), Actor: d.str("actor"), Internal: d.bool("internal"),
		Comment: d.str("comment"), Transition: d.str("transition")}
	if _, ok := m["sla"]; ok {
		sub := newFields(map[string]any{"events": m["sla"]})
		n.SLA = decodeSLAEvents(EntrySLAWarning, sub).Events
		d.keep(sub)
	}
	return n, d.err
}
