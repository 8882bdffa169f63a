package asset

import (
	"fmt"
	"unicode"

	"vorgang/core/definition"
	"vorgang/core/form"
)

// Control characters (NUL, ESC, the C1 range, …) have no place in an
// asset's text: they come from binary junk in an import file or from
// terminal escapes meant to fool whoever reads the value, and they break
// CSV, labels and pages. A multi-line field (textarea) keeps tab, line feed
// and carriage return; every other text — the name and single-line fields
// — takes none, not even a line break.

// hasControl reports whether s holds a control character that a field
// allowing line breaks (multiline) or not must refuse.
func hasControl(s string, multiline bool) bool {
	for _, r := range s {
		if !unicode.IsControl(r) {
			continue
		}
		if multiline && (r == '\t' || r == '\n' || r == '\r') {
			continue
		}
		return true
	}
	return false
}

// controlErrors lists the fields of data (validated values of fields)
// holding control characters, with path as the prefix of their names.
// Values equal to those in before (the stored data) pass: a value stored
// before this check existed does not block edits of other fields.
func controlErrors(fields []definition.Field, data, before map[string]any, path, lang string) []form.FieldError {
	var out []form.FieldError
	for i := range fields {
		f := &fields[i]
		v, ok := data[f.ID.Value]
		if !ok || (before != nil && equal(before[f.ID.Value], v)) {
			continue
		}
		name := path + f.ID.Value
		if f.Type == definition.FieldGroup {
			rows, _ := v.([]any)
			for j, row := range rows {
				if m, ok := row.(map[string]any); ok {
					out = append(out, controlErrors(f.Fields, m, nil, fmt.Sprintf("%s[%d].", name, j), lang)...)
				}
			}
			continue
		}
		if valueHasControl(v, f.Type == definition.FieldTextarea) {
			out = append(out, fieldError(name, CodeControlCharacter, lang))
		}
	}
	return out
}

func valueHasControl(v any, multiline bool) bool {
	switch x := v.(type) {
	case string:
		return hasControl(x, multiline)
	case []any:
		for _, e := range x {
			if valueHasControl(e, multiline) {
				return true
			}
		}
	}
	return false
}
