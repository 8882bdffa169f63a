package ticket

// SLAEvents records SLA warnings or breaches the sweep found, and what the
// escalations changed.
type SLAEvents struct {
	Breach  bool
	Events  []SLAEvent
	Changes Changes
}

// SLAEvent is one goal's warning or breach.
type SLAEvent struct {
	Goal string // first_response, resolution
	Kind string // warning, breach
	// Due is the goal's due time as RFC 3339 text.
	Due string
}

func (s SLAEvents) Kind() string {
	if s.Breach {
		return EntrySLABreach
	}
	return EntrySLAWarning
}

func (s SLAEvents) encode() map[string]any {
	m := map[string]any{"events": s.eventList()}
	if len(s.Changes) > 0 {
		m["changes"] = s.Changes.encode()
	}
	return m
}

// eventList is the events as stored, the form notifications carry them in.
func (s SLAEvents) eventList() []any {
	list := make([]any, len(s.Events))
	for i, ev := range s.Events {
		list[i] = ev.Detail()
	}
	return list
}

// Detail is the event as stored and handed to hooks and notifications.
func (ev SLAEvent) Detail() map[string]any {
	return map[string]any{"goal": ev.Goal, "kind": ev.Kind, "due": ev.Due}
}

func decodeSLAEvents(kind string, d *fields) SLAEvents {
	s := SLAEvents{Breach: kind == EntrySLABreach, Changes: d.changes("changes")}
	for _, ev := range d.list("events") {
		m := d.asMap(ev)
		if m == nil {
			d.fail("events", ev, "a list of documents")
			continue
		}
		e := newFields(m)
		s.Events = append(s.Events, SLAEvent{Goal: e.str("goal"), Kind: e.str("kind"), Due: e.str("due")})
		d.keep(e)
	}
	return s
}
