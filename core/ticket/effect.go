package ticket

// Effect is the payload of an outbox item the engine queues with a change
// of a ticket: which change asked for the work (ticket, sequence number,
// history hash: only a committed change's work is done), what it is for,
// and its kind's details (a Notice for notifications).
type Effect struct {
	Ticket string
	Seq    int64
	Hash   string
	// Target names what the work is for: a Notification, a script, a
	// child's process.
	Target string
	// Event is the type of the history entry of the change.
	Event string
	// Catalog is the definition version that asked for the work, so what
	// a faulty version queued can be discarded.
	Catalog string
	// Spec holds the kind's details; nil when it has none.
	Spec map[string]any
}

// Encode returns e as stored in the outbox item's payload.
func (e Effect) Encode() map[string]any {
	m := map[string]any{"ticket": e.Ticket, "seq": e.Seq, "hash": e.Hash,
		"target": e.Target, "event": e.Event, "catalog": e.Catalog}
	if e.Spec != nil {
		m["spec"] = e.Spec
	}
	return m
}

// DecodeEffect reads an outbox item's payload, in whatever shape the
// database returned it.
func DecodeEffect(payload map[string]any) (Effect, error) {
	d := newFields(payload)
	e := Effect{Ticket: d.str("ticket"), Seq: int64(d.int("seq")), Hash: d.str("hash"), Target: d.str("target"),
		Event: d.str("event"), Catalog: d.str("catalog"), Spec: d.data("spec")}
	return e, d.err
}
