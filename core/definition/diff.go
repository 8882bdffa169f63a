package definition

import (
	"fmt"
	"reflect"
	"slices"
)

// ChangeOp says what happened to a definition or a part of one.
type ChangeOp string

// The operations of a Change.
const (
	Added   ChangeOp = "added"
	Removed ChangeOp = "removed"
	Changed ChangeOp = "changed"
)

// Change is one difference between two catalogs: a definition added,
// removed or changed, or a part of one (a state or transition of a
// process, a field of a form, a target of an SLA).
type Change struct {
	Kind string   `json:"kind"`
	ID   string   `json:"id"`
	Part string   `json:"part,omitempty"` // "state", "transition", "field", "target"; "" for the definition
	Item string   `json:"item,omitempty"` // the part's id
	Op   ChangeOp `json:"op"`
	// File and Pos say where: in the new definitions, or in the old ones
	// for a removal.
	File string `json:"file"`
	Pos  Pos    `json:"-"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

// String is "FILE:LINE:COL: Process it-incident: state waiting removed".
func (c Change) String() string {
	what := c.Kind + " " + c.ID
	if c.Part != "" {
		what += ": " + c.Part + " " + c.Item
	}
	return fmt.Sprintf("%s:%d:%d: %s %s", c.File, c.Pos.Line, c.Pos.Col, what, c.Op)
}

// Diff lists what changed from old to new, by kind, id and part, sorted by
// kind, id, part and item. Positions, file names and formatting do not
// count: a definition moved to another file, or reindented, is unchanged.
func Diff(old, new *Catalog) []Change {
	var out []Change
	oldKinds, newKinds := old.byKind(), new.byKind()
	for _, kind := range sortedKeys(newKinds) {
		before, after := oldKinds[kind], newKinds[kind]
		for _, id := range sortedKeys(after) {
			a := after[id]
			b, ok := before[id]
			switch {
			case !ok:
				out = append(out, a.change(kind, id, "", "", Added))
			case !sameDefinition(b.def, a.def):
				parts := diffParts(kind, id, b, a)
				if len(parts) == 0 {
					parts = []Change{a.change(kind, id, "", "", Changed)}
				}
				out = append(out, parts...)
			}
		}
		for _, id := range sortedKeys(before) {
			if _, ok := after[id]; !ok {
				out = append(out, before[id].change(kind, id, "", "", Removed))
			}
		}
	}
	return out
}

// located is a definition or a part of one with where it was written.
type located struct {
	def  any
	file string
	pos  Pos
}

func (l located) change(kind, id, part, item string, op ChangeOp) Change {
	return Change{Kind: kind, ID: id, Part: part, Item: item, Op: op, File: l.file, Pos: l.pos, Line: l.pos.Line, Col: l.pos.Col}
}

// byKind is every definition of the catalog by kind and id. A kind added
// to the catalog must be listed here; a test checks that none is missing.
func (c *Catalog) byKind() map[string]map[string]located {
	return map[string]map[string]located{
		"Process":           locate(c.processes),
		"Form":              locate(c.forms),
		"SLA":               locate(c.slas),
		"Calendar":          locate(c.calendars),
		"AssetClass":        locate(c.assetClasses),
		"Role":              locate(c.roles),
		"Team":              locate(c.teams),
		"Notification":      locate(c.notifications),
		"IdentityProvider":  locate(c.identityProviders),
		"Migration":         locate(c.migrations),
		"Mailbox":           locate(c.mailboxes),
		"Webhook":           locate(c.webhooks),
		"KnowledgeCategory": locate(c.knowledgeCategories),
		"Script":            locateScripts(c.scripts),
	}
}

// metaOf is implemented by every kind through its embedded Meta.
type metaOf interface{ meta() *Meta }

func (m *Meta) meta() *Meta { return m }

func locate[T any](m map[string]*T) map[string]located {
	out := make(map[string]located, len(m))
	for id, d := range m {
		l := located{def: d}
		if mo, ok := any(d).(metaOf); ok {
			l.file, l.pos = mo.meta().File, mo.meta().ID.Pos
		}
		out[id] = l
	}
	return out
}

// locateScripts compares scripts by their source: the compiled chunk says
// nothing more.
func locateScripts(m map[string]*Script) map[string]located {
	out := make(map[string]located, len(m))
	for name, s := range m {
		out[name] = located{def: s.Source, file: s.File, pos: Pos{Line: 1, Col: 1}}
	}
	return out
}

// diffParts compares the parts of a changed definition that tickets
// depend on.
func diffParts(kind, id string, old, new located) []Change {
	var out []Change
	add := func(part string, before, after map[string]located) {
		for _, item := range sortedKeys(after) {
			b, ok := before[item]
			switch {
			case !ok:
				out = append(out, after[item].change(kind, id, part, item, Added))
			case !sameDefinition(b.def, after[item].def):
				out = append(out, after[item].change(kind, id, part, item, Changed))
			}
		}
		for _, item := range sortedKeys(before) {
			if _, ok := after[item]; !ok {
				out = append(out, before[item].change(kind, id, part, item, Removed))
			}
		}
	}
	switch o := old.def.(type) {
	case *Process:
		n := new.def.(*Process)
		add("state", statesOf(o, old.file), statesOf(n, new.file))
		add("transition", transitionsOf(o, old.file), transitionsOf(n, new.file))
		if len(out) == 0 || !sameDefinition(withoutParts(o), withoutParts(n)) {
			out = append(out, new.change(kind, id, "", "", Changed))
		}
	case *Form:
		n := new.def.(*Form)
		add("field", fieldsOf(o, old.file), fieldsOf(n, new.file))
		if len(out) == 0 {
			out = append(out, new.change(kind, id, "", "", Changed))
		}
	case *SLA:
		n := new.def.(*SLA)
		add("target", targetsOf(o, old.file), targetsOf(n, new.file))
		if len(out) == 0 || !sameDefinition(o.Escalations, n.Escalations) || o.Calendar.Value != n.Calendar.Value || o.WarnAt != n.WarnAt {
			out = append(out, new.change(kind, id, "", "", Changed))
		}
	}
	return out
}

// withoutParts is a process with its states and transitions left out, to
// see whether anything else of it changed.
func withoutParts(p *Process) Process {
	c := *p
	c.States, c.Transitions = nil, nil
	return c
}

func statesOf(p *Process, file string) map[string]located {
	out := map[string]located{}
	for _, s := range p.States {
		out[s.ID.Value] = located{def: s, file: file, pos: s.ID.Pos}
	}
	return out
}

func transitionsOf(p *Process, file string) map[string]located {
	out := map[string]located{}
	for _, t := range p.Transitions {
		out[t.ID.Value] = located{def: t, file: file, pos: t.ID.Pos}
	}
	return out
}

func fieldsOf(f *Form, file string) map[string]located {
	out := map[string]located{}
	for _, fd := range f.AllFields() {
		out[fd.ID.Value] = located{def: fd, file: file, pos: fd.ID.Pos}
	}
	return out
}

func targetsOf(s *SLA, file string) map[string]located {
	out := map[string]located{}
	for _, t := range s.Targets {
		out[t.Priority.Value] = located{def: t, file: file, pos: t.Priority.Pos}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

var (
	posType  = reflect.TypeFor[Pos]()
	metaType = reflect.TypeFor[Meta]()
)

// sameDefinition compares two definitions (or parts) by what they say:
// positions and the file a definition was read from do not count, nor do
// unexported fields (compiled forms of what the exported ones say).
func sameDefinition(a, b any) bool {
	return sameValue(reflect.ValueOf(a), reflect.ValueOf(b))
}

func sameValue(a, b reflect.Value) bool {
	if a.IsValid() != b.IsValid() {
		return false
	}
	if !a.IsValid() {
		return true
	}
	if a.Type() != b.Type() {
		return false
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return sameValue(a.Elem(), b.Elem())
	case reflect.Struct:
		if a.Type() == posType {
			return true
		}
		for i := range a.NumField() {
			f := a.Type().Field(i)
			if !f.IsExported() || (a.Type() == metaType && f.Name == "File") {
				continue
			}
			if !sameValue(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !sameValue(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.Len() != b.Len() {
			return false
		}
		for _, k := range a.MapKeys() {
			bv := b.MapIndex(k)
			if !bv.IsValid() || !sameValue(a.MapIndex(k), bv) {
				return false
			}
		}
		return true
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return a.Pointer() == b.Pointer()
	case reflect.String:
		return a.String() == b.String()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() == b.Uint()
	case reflect.Float32, reflect.Float64:
		return a.Float() == b.Float()
	case reflect.Complex64, reflect.Complex128:
		return a.Complex() == b.Complex()
	}
	return false
}
