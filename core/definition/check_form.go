package definition

import (
	"fmt"
	"regexp"
	"strings"
)

func (b *builder) checkForm(f *Form, r reporter) {
	if len(f.Fields) == 0 && len(f.Sections) == 0 {
		r.errorf(f.ID.Pos, "empty_form", "form '%s' needs 'fields' or 'sections'", f.ID.Value)
	}
	if len(f.Fields) > 0 && len(f.Sections) > 0 {
		r.errorf(f.ID.Pos, "form_layout", "form '%s' has both 'fields' and 'sections'; put the fields into sections", f.ID.Value)
	}
	if f.Layout == "steps" && len(f.Sections) < 2 {
		r.errorf(f.ID.Pos, "form_layout", "layout 'steps' needs at least two sections")
	}
	b.script(r, f.Validate)
	all := f.AllFields()
	fields := fieldSet{}
	fields.add(all)
	sectionIDs := make([]Ref, len(f.Sections))
	for i, s := range f.Sections {
		sectionIDs[i] = s.ID
		checkCondition(r, s.VisibleIf, fields)
	}
	uniqueRefs(r, "section", sectionIDs)
	b.checkFields(all, fields, r, false)
}

// checkFields checks a list of fields (of a form, a group or an asset
// class); fields is what their conditions may refer to.
func (b *builder) checkFields(list []Field, fields fieldSet, r reporter, inGroup bool) {
	ids := make([]Ref, len(list))
	for i := range list {
		ids[i] = list[i].ID
		b.checkField(&list[i], fields, r, inGroup)
	}
	uniqueRefs(r, "field", ids)
}

func (b *builder) checkField(f *Field, fields fieldSet, r reporter, inGroup bool) {
	id := f.ID.Value
	rule := f.Type.rule()
	var given fieldKey
	for _, k := range typedKeys {
		if !k.set(f) {
			continue
		}
		given |= k.key
		if !rule.has(k.key) {
			r.errorf(f.ID.Pos, "field_option", "field '%s': '%s' only applies to %s fields, not %s", id, k.name, typesWith(k.key), f.Type)
		}
	}
	switch needs := given & rule.needs; {
	case rule.needs != 0 && needs == 0:
		r.errorf(f.ID.Pos, "field_option", "field '%s': a %s field needs %s", id, f.Type, keyNames(rule.needs))
	case needs&(needs-1) != 0:
		r.errorf(f.ID.Pos, "field_option", "field '%s': use either %s, not both", id, keyNames(needs))
	}
	if rule.has(keyOptions) {
		values := map[string]bool{}
		for _, o := range f.Options {
			v := strings.ToLower(strings.TrimSpace(toString(o.Value)))
			if values[v] {
				r.errorf(o.Label.Pos, "duplicate_id", "field '%s': option value '%v' appears twice", id, o.Value)
			}
			values[v] = true
		}
	}
	if l := f.Lookup; l != nil {
		b.ref(r, "AssetClass", l.AssetClass)
		b.ref(r, "Process", l.Process)
	}
	if rule.has(keyFields) {
		if inGroup {
			r.errorf(f.ID.Pos, "nested_group", "field '%s': groups cannot be nested", id)
		}
		b.checkFields(f.Fields, fields, r, true)
	}
	if f.Compute != nil {
		for _, path := range append([]Ref{f.Compute.Sum}, f.Compute.SumProduct...) {
			if path.IsZero() {
				continue
			}
			target := fields[path.Value]
			switch {
			case target == nil:
				r.errorf(path.Pos, "unknown_field", "field '%s': unknown field '%s'%s", id, path.Value, suggest(path.Value, fields.names()))
			case !target.Type.Number():
				r.errorf(path.Pos, "field_type", "field '%s': '%s' must be a number field, not %s", id, path.Value, target.Type)
			}
		}
		b.script(r, f.Compute.Script)
	}
	if rule.has(keyAssetClass) {
		b.ref(r, "AssetClass", f.AssetClass)
	}
	if rule.has(keyRole) {
		b.ref(r, "Role", f.Role)
	}
	if rule.has(keyTeam) {
		b.ref(r, "Team", f.Team)
	}
	if rule.has(keyPattern) && !f.Pattern.IsZero() {
		if _, err := regexp.Compile(f.Pattern.Value); err != nil {
			r.errorf(f.Pattern.Pos, "bad_pattern", "field '%s': invalid pattern: %v", id, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		}
	}
	if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
		r.errorf(f.ID.Pos, "bad_range", "field '%s': min %v is greater than max %v", id, *f.Min, *f.Max)
	}
	if f.MinLength != nil && f.MaxLength != nil && *f.MinLength > *f.MaxLength {
		r.errorf(f.ID.Pos, "bad_range", "field '%s': min_length %d is greater than max_length %d", id, *f.MinLength, *f.MaxLength)
	}
	if f.MinItems != nil && f.MaxItems != nil && *f.MinItems > *f.MaxItems {
		r.errorf(f.ID.Pos, "bad_range", "field '%s': min_items %d is greater than max_items %d", id, *f.MinItems, *f.MaxItems)
	}
	if f.Required && f.RequiredIf != nil {
		r.errorf(f.ID.Pos, "field_option", "field '%s': 'required' and 'required_if' contradict each other", id)
	}
	checkCondition(r, f.VisibleIf, fields)
	checkCondition(r, f.RequiredIf, fields)
	for _, c := range []*Condition{f.VisibleIf, f.RequiredIf} {
		if c != nil && c.Field.Value == id {
			r.errorf(c.Field.Pos, "condition", "field '%s' cannot depend on itself", id)
		}
	}
}

func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}
