package ticket

// Migrated records a Migration applied to the ticket: the state it moved
// from and to (equal when the state stayed), the fields it renamed (old →
// new) and the values it changed or filled in.
type Migrated struct {
	Migration string
	From, To  string
	Renamed   map[string]string
	Changes   Changes
}

func (Migrated) Kind() string { return EntryMigrated }

func (m Migrated) encode() map[string]any {
	out := map[string]any{"migration": m.Migration, "from": m.From, "to": m.To}
	if len(m.Renamed) > 0 {
		renamed := make(map[string]any, len(m.Renamed))
		for k, v := range m.Renamed {
			renamed[k] = v
		}
		out["renamed"] = renamed
	}
	if len(m.Changes) > 0 {
		out["changes"] = m.Changes.encode()
	}
	return out
}

func decodeMigrated(d *fields) Migrated {
	m := Migrated{Migration: d.str("migration"), From: d.str("from"), To: d.str("to"), Changes: d.changes("changes")}
	if raw := d.asMap(d.m["renamed"]); len(raw) > 0 {
		m.Renamed = make(map[string]string, len(raw))
		for k, v := range raw {
			s, _ := v.(string)
			m.Renamed[k] = s
		}
	}
	return m
}
