package ticket

// Change is the old and new value of one changed field.
type Change struct {
	Old, New any
	// Fields holds the field changes of a form-data change recorded as one
	// nested "data" change (as scripts record them) instead of one
	// "data.<field>" change per field.
	Fields map[string]Change
}

// Changes are a change's field changes by name: assignee, priority, team,
// data.<field>, or data with Fields.
type Changes map[string]Change

func (c Changes) encode() map[string]any {
	m := make(map[string]any, len(c))
	for k, ch := range c {
		m[k] = ch.encode()
	}
	return m
}

func (ch Change) encode() map[string]any {
	if ch.Fields != nil {
		return Changes(ch.Fields).encode()
	}
	return map[string]any{"old": ch.Old, "new": ch.New}
}

func (d *fields) changes(key string) Changes {
	raw := d.asMap(d.m[key])
	if raw == nil {
		return nil
	}
	out := make(Changes, len(raw))
	for k, v := range raw {
		out[k] = d.change(k, v)
	}
	return out
}

func (d *fields) change(name string, v any) Change {
	m := d.asMap(v)
	_, hasOld := m["old"]
	_, hasNew := m["new"]
	if name == "data" && !(hasOld && hasNew && len(m) == 2) {
		fields := make(map[string]Change, len(m))
		for k, fv := range m {
			fields[k] = d.change(k, fv)
		}
		return Change{Fields: fields}
	}
	return Change{Old: m["old"], New: m["new"]}
}
