package definition

import (
	"fmt"
	"regexp"
	"strings"
)

// fieldTypesWithOptions may list options or a lookup.
var fieldTypesWithOptions = map[string]bool{"select": true, "multiselect": true}

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
	misplaced := func(key, types string) {
		r.errorf(f.ID.Pos, "field_option", "field '%s': '%s' only applies to %s fields, not %s", id, key, types, f.Type)
	}
	if fieldTypesWithOptions[f.Type] {
		switch {
		case len(f.Options) == 0 && f.Lookup == nil:
			r.errorf(f.ID.Pos, "field_option", "field '%s': a %s field needs 'options' or 'lookup'", id, f.Type)
		case len(f.Options) > 0 && f.Lookup != nil:
			r.errorf(f.ID.Pos, "field_option", "field '%s': use either 'options' or 'lookup', not both", id)
		}
		values := map[string]bool{}
		for _, o := range f.Options {
			v := strings.ToLower(strings.TrimSpace(toString(o.Value)))
			if values[v] {
				r.errorf(o.Label.Pos, "duplicate_id", "field '%s': option value '%v' appears twice", id, o.Value)
			}
			values[v] = true
		}
	} else {
		if len(f.Options) > 0 {
			misplaced("options", "select and multiselect")
		}
		if f.Lookup != nil {
			misplaced("lookup", "select and multiselect")
		}
	}
	if l := f.Lookup; l != nil {
		b.ref(r, "AssetClass", l.AssetClass)
		b.ref(r, "Process", l.Process)
	}
	switch f.Type {
	case "group":
		if inGroup {
			r.errorf(f.ID.Pos, "nested_group", "field '%s': groups cannot be nested", id)
		}
		if len(f.Fields) == 0 {
			r.errorf(f.ID.Pos, "field_option", "field '%s': a group needs 'fields'", id)
		}
		b.checkFields(f.Fields, fields, r, true)
	case "computed":
		if f.Compute == nil {
			r.errorf(f.ID.Pos, "field_option", "field '%s': a computed field needs 'compute'", id)
		}
	default:
		if len(f.Fields) > 0 {
			misplaced("fields", "group")
		}
	}
	if f.Compute != nil {
		if f.Type != "computed" {
			misplaced("compute", "computed")
		}
		for _, path := range append([]Ref{f.Compute.Sum}, f.Compute.SumProduct...) {
			if path.IsZero() {
				continue
			}
			target := fields[path.Value]
			switch {
			case target == nil:
				r.errorf(path.Pos, "unknown_field", "field '%s': unknown field '%s'%s", id, path.Value, suggest(path.Value, fields.names()))
			case target.Type != "number" && target.Type != "computed":
				r.errorf(path.Pos, "field_type", "field '%s': '%s' must be a number field, not %s", id, path.Value, target.Type)
			}
		}
		b.script(r, f.Compute.Script)
	}
	if f.Type == "asset" {
		b.ref(r, "AssetClass", f.AssetClass)
	} else if !f.AssetClass.IsZero() {
		misplaced("asset_class", "asset")
	}
	if f.Type == "user" {
		b.ref(r, "Role", f.Role)
		b.ref(r, "Team", f.Team)
	} else {
		if !f.Role.IsZero() {
			misplaced("role", "user")
		}
		if !f.Team.IsZero() {
			misplaced("team", "user")
		}
	}
	if (f.MinDate != "" || f.MaxDate != "") && f.Type != "date" && f.Type != "datetime" {
		misplaced("min_date/max_date", "date and datetime")
	}
	if !f.Pattern.IsZero() {
		if !textual(f.Type) {
			misplaced("pattern", "text-like")
		} else if _, err := regexp.Compile(f.Pattern.Value); err != nil {
			r.errorf(f.Pattern.Pos, "bad_pattern", "field '%s': invalid pattern: %v", id, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		}
	}
	if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
		r.errorf(f.ID.Pos, "bad_range", "field '%s': min %v is greater than max %v", id, *f.Min, *f.Max)
	}
	if (f.Min != nil || f.Max != nil || f.Step != nil) && f.Type != "number" {
		misplaced("min/max/step", "number")
	}
	if f.MinLength != nil && f.MaxLength != nil && *f.MinLength > *f.MaxLength {
		r.errorf(f.ID.Pos, "bad_range", "field '%s': min_length %d is greater than max_length %d", id, *f.MinLength, *f.MaxLength)
	}
	if f.MinItems != nil && f.MaxItems != nil && *f.MinItems > *f.MaxItems {
		r.errorf(f.ID.Pos, "bad_range", "field '%s': min_items %d is greater than max_items %d", id, *f.MinItems, *f.MaxItems)
	}
	if (len(f.Accept) > 0 || f.MaxSize != "") && f.Type != "file" {
		misplaced("accept/max_size", "file")
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

func textual(fieldType string) bool {
	switch fieldType {
	case "text", "textarea", "email", "phone":
		return true
	}
	return false
}

func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}
