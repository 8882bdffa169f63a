package form

import (
	"fmt"
	"strings"
	"time"

	"vorgang/core/definition"
)

// Kind.show of the field types: a stored value as text on a page. Values
// that do not have the expected form are written as they are.

func showPlain(_ *definition.Field, v any, _ string) string { return fmt.Sprint(v) }

// showNumber writes a number in lang's notation with the field's unit:
// "12,5 Stunden".
func showNumber(d *definition.Field, v any, lang string) string {
	n, ok := v.(float64)
	if !ok {
		return fmt.Sprint(v)
	}
	s := formatNumber(n, -1, lang)
	if !d.Unit.IsZero() {
		s += " " + d.Unit.In(lang)
	}
	return s
}

// showDate writes a day as 24.12.2026 or 24 Dec 2026.
func showDate(_ *definition.Field, v any, lang string) string {
	if s, ok := v.(string); ok {
		if t, err := time.Parse(dateLayout, s); err == nil {
			if lang == "en" {
				return t.Format("2 Jan 2006")
			}
			return t.Format("02.01.2006")
		}
	}
	return fmt.Sprint(v)
}

// showOptions writes the labels of the chosen options: "IT, Büro".
func showOptions(d *definition.Field, v any, lang string) string {
	var parts []string
	switch list := v.(type) {
	case []any:
		for _, x := range list {
			parts = append(parts, optionLabel(d, x, lang))
		}
	case []string:
		for _, x := range list {
			parts = append(parts, optionLabel(d, x, lang))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, optionLabel(d, v, lang))
	}
	return strings.Join(parts, ", ")
}

// optionLabel returns the label of the option v, or v when it is none.
func optionLabel(d *definition.Field, v any, lang string) string {
	s := fmt.Sprint(v)
	for _, o := range d.Options {
		if fmt.Sprint(o.Value) == s {
			return o.Label.In(lang)
		}
	}
	return s
}

func showYesNo(_ *definition.Field, v any, lang string) string {
	yes, _ := v.(bool)
	switch {
	case yes && lang == "en":
		return "Yes"
	case yes:
		return "Ja"
	case lang == "en":
		return "No"
	}
	return "Nein"
}
