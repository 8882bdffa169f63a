package definition

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Migration moves the open tickets of a process from states and fields the
// definitions no longer have (or no longer want) to the current ones. The
// server applies it once per ticket, each with a history entry; a ticket
// it has nothing to change on is left alone, so applying it again is a
// no-op.
type Migration struct {
	Meta    `yaml:",inline"`
	Process Ref `yaml:"process"`
	// From lists the definition versions (catalog hashes or prefixes of
	// them) the migration is written for; empty: every version.
	From []Ref `yaml:"from"`
	// States maps an old state id to the state its tickets move to.
	States Keyed[Ref] `yaml:"states"`
	// Fields maps an old field id to the field its value moves to.
	Fields Keyed[Ref] `yaml:"fields"`
	// Values maps a field (its current id) to a map of old to new values.
	Values Keyed[map[string]any] `yaml:"values"`
	// Defaults gives a field a value on tickets that have none.
	Defaults Keyed[any] `yaml:"defaults"`
	// Transform is a script run for each ticket after the maps, with the
	// "migrate" hook, for what a map cannot say.
	Transform Ref `yaml:"transform"`
}

// For reports whether m applies after the definitions with the hash
// replaced were replaced: m names no versions, or one of them is replaced.
func (m *Migration) For(replaced string) bool {
	if len(m.From) == 0 {
		return true
	}
	for _, f := range m.From {
		if replaced != "" && strings.HasPrefix(replaced, f.Value) {
			return true
		}
	}
	return false
}

// Keyed is a YAML mapping whose keys keep their positions, so a problem
// with a key is reported at it.
type Keyed[T any] []KeyedValue[T]

// KeyedValue is one entry of a Keyed mapping.
type KeyedValue[T any] struct {
	Key   Ref
	Value T
}

// UnmarshalYAML reads a mapping in its order.
func (k *Keyed[T]) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a mapping is expected", n.Line)
	}
	out := make(Keyed[T], 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		var v T
		if err := n.Content[i+1].Decode(&v); err != nil {
			return err
		}
		out = append(out, KeyedValue[T]{Key: Ref{Value: n.Content[i].Value, Pos: posOf(n.Content[i])}, Value: v})
	}
	*k = out
	return nil
}

// Get returns the value of key.
func (k Keyed[T]) Get(key string) (T, bool) {
	for _, e := range k {
		if e.Key.Value == key {
			return e.Value, true
		}
	}
	var zero T
	return zero, false
}

// checkMigration checks that a migration leads somewhere: its process, the
// states it moves tickets to and the fields it fills exist now. The old
// states and fields are not checked: they are what is gone.
func (b *builder) checkMigration(m *Migration, r reporter) {
	b.ref(r, "Process", m.Process)
	b.script(r, m.Transform)
	p := b.cat.processes[m.Process.Value]
	if p == nil {
		return
	}
	for _, s := range m.States {
		if p.State(s.Value.Value) == nil {
			r.errorf(s.Value.Pos, "unknown_state", "migration '%s': process '%s' has no state '%s'%s", m.ID.Value, p.ID.Value, s.Value.Value, suggest(s.Value.Value, stateIDs(p)))
		}
	}
	fields := b.processFields(p)
	if fields == nil {
		return // the process's forms are broken: reported on their own
	}
	field := func(ref Ref) {
		if fields[ref.Value] == nil {
			r.errorf(ref.Pos, "unknown_field", "migration '%s': the forms of process '%s' have no field '%s'%s", m.ID.Value, p.ID.Value, ref.Value, suggest(ref.Value, fields.names()))
		}
	}
	for _, f := range m.Fields {
		field(f.Value)
	}
	for _, v := range m.Values {
		field(v.Key)
	}
	for _, d := range m.Defaults {
		field(d.Key)
	}
}
