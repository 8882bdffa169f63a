package form

import (
	"strings"

	"vorgang/core/definition"
)

// EvalCondition reports whether c holds for data, a form's data in the JSON
// data model (as Validate and DecodeForm produce it). A nil condition holds.
//
// The semantics, mirrored by the browser script and pinned down by the cases
// in testdata/conditions.json:
//
//   - Missing and empty: a field is empty when it is missing, null, a blank
//     string, an empty list or false (an unticked checkbox). `empty: true`
//     holds for empty fields, `empty: false` for the others. A missing field
//     equals nothing except null, is in no list and compares with no number.
//   - Equality: two strings are equal when they are identical; a number and
//     a string holding a number in plain notation ("12.5") compare as
//     numbers; booleans equal only booleans. There is no other conversion.
//   - gt, gte, lt, lte hold only when the field is a number (or a numeric
//     string); anything else makes them false.
//   - Lists (multiselect, file): `equals: x` and `in: [...]` hold when at
//     least one selected value matches; gt etc. when at least one value
//     compares; `equals: [a, b]` (a list) holds when the same values are
//     selected, in any order.
//   - 'group.field' names a sub-field of a repeating group and holds when it
//     holds for at least one entry (none when the group has no entries).
//     EvalConditionEntry narrows it to one entry.
//   - The negative operators are exact negations of the positive ones, for
//     plain fields and groups alike: `not_equals: x` is `not: {equals: x}`
//     (for a group: no entry equals x), `not_in` is `not: {in: ...}`,
//     `empty: true` is `not: {empty: false}` (for a group: no entry has a
//     value).
//   - all holds when every condition holds, any when at least one does, not
//     negates. A condition without an operator does not hold.
func EvalCondition(c *definition.Condition, data map[string]any) bool {
	return evalCondition(c, data, scope{})
}

// EvalConditionEntry is EvalCondition for a field inside entry index of the
// repeating group: there 'group.field' means the field of that entry only,
// which is how a sub-field's visible_if and required_if are evaluated. Paths
// into other groups keep the "any entry" meaning.
func EvalConditionEntry(c *definition.Condition, data map[string]any, group string, index int) bool {
	return evalCondition(c, data, scope{group: group, index: index, set: true})
}

// FailingField names the field that makes c fail for data: the first leaf
// of an `all` that fails, the first of an `any` when none holds, the first
// field a `not` negates. It is "" when c holds.
func FailingField(c *definition.Condition, data map[string]any) string {
	if EvalCondition(c, data) {
		return ""
	}
	return failingField(c, data)
}

func failingField(c *definition.Condition, data map[string]any) string {
	switch {
	case c.All != nil:
		for _, sub := range c.All {
			if !EvalCondition(sub, data) {
				return failingField(sub, data)
			}
		}
	case c.Any != nil:
		if len(c.Any) > 0 {
			return failingField(c.Any[0], data)
		}
	case c.Not != nil:
		return firstField(c.Not)
	}
	return c.Field.Value
}

// firstField is the first field c mentions.
func firstField(c *definition.Condition) string {
	for _, list := range [][]*definition.Condition{c.All, c.Any, {c.Not}} {
		for _, sub := range list {
			if sub != nil {
				if f := firstField(sub); f != "" {
					return f
				}
			}
		}
	}
	return c.Field.Value
}

// scope narrows paths into one group to one of its entries.
type scope struct {
	group string
	index int
	set   bool
}

func evalCondition(c *definition.Condition, data map[string]any, sc scope) bool {
	if c == nil {
		return true
	}
	switch {
	case c.All != nil:
		for _, sub := range c.All {
			if !evalCondition(sub, data, sc) {
				return false
			}
		}
		return true
	case c.Any != nil:
		for _, sub := range c.Any {
			if evalCondition(sub, data, sc) {
				return true
			}
		}
		return false
	case c.Not != nil:
		return !evalCondition(c.Not, data, sc)
	case c.Field.IsZero():
		return false
	}
	values := lookupPath(c.Field.Value, data, sc)
	anyOf := func(pred func(v any) bool) bool {
		for _, v := range values {
			if pred(v) {
				return true
			}
		}
		return false
	}
	op := operator(c)
	switch op {
	case "equals":
		return anyOf(func(v any) bool { return equalsValue(v, c.Equals) })
	case "not_equals":
		return !anyOf(func(v any) bool { return equalsValue(v, c.NotEquals) })
	case "in":
		return anyOf(func(v any) bool { return inList(v, c.In) })
	case "not_in":
		return !anyOf(func(v any) bool { return inList(v, c.NotIn) })
	case "empty":
		hasValue := anyOf(func(v any) bool { return !isEmpty(v) })
		return hasValue != *c.Empty
	case "gt":
		return anyOf(func(v any) bool { return compare(v, func(f float64) bool { return f > *c.Gt }) })
	case "gte":
		return anyOf(func(v any) bool { return compare(v, func(f float64) bool { return f >= *c.Gte }) })
	case "lt":
		return anyOf(func(v any) bool { return compare(v, func(f float64) bool { return f < *c.Lt }) })
	case "lte":
		return anyOf(func(v any) bool { return compare(v, func(f float64) bool { return f <= *c.Lte }) })
	}
	return false
}

// operator returns the comparison operator of a field condition. Ops (filled
// by the loader) is authoritative, because `equals: null` cannot be told from
// a missing equals by the value alone.
func operator(c *definition.Condition) string {
	for _, op := range c.Ops {
		switch op {
		case "all", "any", "not":
		default:
			return op
		}
	}
	switch {
	case c.In != nil:
		return "in"
	case c.NotIn != nil:
		return "not_in"
	case c.Empty != nil:
		return "empty"
	case c.Gt != nil:
		return "gt"
	case c.Gte != nil:
		return "gte"
	case c.Lt != nil:
		return "lt"
	case c.Lte != nil:
		return "lte"
	case c.Equals != nil:
		return "equals"
	case c.NotEquals != nil:
		return "not_equals"
	}
	return ""
}

// lookupPath returns the values a condition tests: one for a plain field,
// one per entry for 'group.field' (only the scoped entry inside it).
func lookupPath(path string, data map[string]any, sc scope) []any {
	head, rest, nested := strings.Cut(path, ".")
	if !nested {
		return []any{data[path]}
	}
	var entries []any
	switch g := data[head].(type) {
	case []any:
		entries = g
	case []map[string]any:
		for _, e := range g {
			entries = append(entries, e)
		}
	case map[string]any:
		entries = []any{g}
	}
	if sc.set && sc.group == head {
		if sc.index < 0 || sc.index >= len(entries) {
			return []any{nil}
		}
		entries = entries[sc.index : sc.index+1]
	}
	out := make([]any, 0, len(entries))
	for _, e := range entries {
		if m, ok := e.(map[string]any); ok {
			out = append(out, lookupPath(rest, m, scope{})...)
		} else {
			out = append(out, nil)
		}
	}
	return out
}

// equalsValue is the equals operator for one value: membership for lists,
// set equality when the expected value is itself a list.
func equalsValue(v, want any) bool {
	if wl, ok := asList(want); ok {
		vl, ok := asList(v)
		return ok && sameSet(vl, wl)
	}
	if vl, ok := asList(v); ok {
		for _, e := range vl {
			if scalarEqual(e, want) {
				return true
			}
		}
		return false
	}
	return scalarEqual(v, want)
}

func inList(v any, list []any) bool {
	if vl, ok := asList(v); ok {
		for _, e := range vl {
			for _, w := range list {
				if scalarEqual(e, w) {
					return true
				}
			}
		}
		return false
	}
	for _, w := range list {
		if scalarEqual(v, w) {
			return true
		}
	}
	return false
}

func compare(v any, pred func(float64) bool) bool {
	if vl, ok := asList(v); ok {
		for _, e := range vl {
			if f, ok := toNumber(e); ok && pred(f) {
				return true
			}
		}
		return false
	}
	f, ok := toNumber(v)
	return ok && pred(f)
}

// scalarEqual compares two scalars: identical strings, equal booleans, equal
// numbers (a numeric string counts as a number when the other side is one),
// or two nulls.
func scalarEqual(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if as, ok := a.(string); ok {
		if bs, ok := b.(string); ok {
			return as == bs
		}
	}
	if ab, ok := a.(bool); ok {
		bb, ok := b.(bool)
		return ok && ab == bb
	}
	if _, ok := b.(bool); ok {
		return false
	}
	if isNumber(a) || isNumber(b) {
		af, aok := toNumber(a)
		bf, bok := toNumber(b)
		return aok && bok && af == bf
	}
	return false
}

func asList(v any) ([]any, bool) {
	switch l := v.(type) {
	case []any:
		return l, true
	case []string:
		out := make([]any, len(l))
		for i, s := range l {
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

// sameSet reports whether a and b hold the same values, ignoring order and
// repetition.
func sameSet(a, b []any) bool {
	contains := func(list []any, v any) bool {
		for _, e := range list {
			if scalarEqual(e, v) {
				return true
			}
		}
		return false
	}
	for _, v := range a {
		if !contains(b, v) {
			return false
		}
	}
	for _, v := range b {
		if !contains(a, v) {
			return false
		}
	}
	return true
}

// conditionJSON returns a condition in the shape it is written in a
// definition ({field: …, equals: …} or {all: […]}), for the browser script.
func conditionJSON(c *definition.Condition) map[string]any {
	if c == nil {
		return nil
	}
	out := map[string]any{}
	switch {
	case c.All != nil:
		out["all"] = conditionList(c.All)
		return out
	case c.Any != nil:
		out["any"] = conditionList(c.Any)
		return out
	case c.Not != nil:
		out["not"] = conditionJSON(c.Not)
		return out
	}
	out["field"] = c.Field.Value
	switch op := operator(c); op {
	case "equals":
		out[op] = c.Equals
	case "not_equals":
		out[op] = c.NotEquals
	case "in":
		out[op] = c.In
	case "not_in":
		out[op] = c.NotIn
	case "empty":
		out[op] = *c.Empty
	case "gt":
		out[op] = *c.Gt
	case "gte":
		out[op] = *c.Gte
	case "lt":
		out[op] = *c.Lt
	case "lte":
		out[op] = *c.Lte
	}
	return out
}

func conditionList(list []*definition.Condition) []any {
	out := make([]any, len(list))
	for i, c := range list {
		out[i] = conditionJSON(c)
	}
	return out
}
