package asset

import (
	"reflect"
	"sort"
)

// plain turns numbers into the JSON data model the form validates
// (float64), so stored and submitted values compare equal.
func plain(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	case map[string]any:
		return plainMap(x)
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case int:
		return float64(x)
	}
	return v
}

func plainMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = plain(v)
	}
	return out
}

// normalize makes a decoded asset's values plain.
func (a *Asset) normalize() {
	a.Data = plainMap(a.Data)
	if a.Data == nil {
		a.Data = map[string]any{}
	}
	if a.Relations == nil {
		a.Relations = map[string][]string{}
	}
}

func equal(a, b any) bool { return reflect.DeepEqual(plain(a), plain(b)) }

// diff lists what differs between old and next (old nil: a new asset).
func diff(old, next *Asset) []FieldChange {
	var out []FieldChange
	add := func(field string, o, n any) {
		if !equal(o, n) {
			out = append(out, FieldChange{Field: field, Old: o, New: n})
		}
	}
	var prev Asset
	if old != nil {
		prev = *old
	}
	add("name", emptyNil(prev.Name), emptyNil(next.Name))
	add("status", emptyNil(prev.Status), emptyNil(next.Status))
	for _, k := range unionKeys(prev.Data, next.Data) {
		add("data."+k, prev.Data[k], next.Data[k])
	}
	for _, k := range unionKeys(prev.Relations, next.Relations) {
		add("relations."+k, listOrNil(prev.Relations[k]), listOrNil(next.Relations[k]))
	}
	return out
}

func emptyNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func listOrNil(l []string) any {
	if len(l) == 0 {
		return nil
	}
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}

func unionKeys[V any](a, b map[string]V) []string {
	seen := map[string]bool{}
	var keys []string
	for _, m := range []map[string]V{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

// targetsOf lists the relation targets as "target" and "relation:target".
func targetsOf(rel map[string][]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range unionKeys(rel, nil) {
		for _, t := range rel[k] {
			for _, v := range []string{t, k + ":" + t} {
				if !seen[v] {
					seen[v] = true
					out = append(out, v)
				}
			}
		}
	}
	return out
}
