package form_test

import (
	"testing"

	"vorgang/core/definition"
	"vorgang/core/form"
)

func TestKindText(t *testing.T) {
	label := func(de, en string) definition.Label { return definition.Label{De: de, En: en} }
	hours := &definition.Field{Type: definition.FieldNumber, Unit: label("Stunden", "hours")}
	choice := &definition.Field{Type: definition.FieldMultiselect, Options: []definition.Option{
		{Value: "it", Label: label("IT", "IT")}, {Value: 2, Label: label("Büro", "Office")},
	}}
	tests := []struct {
		name string
		f    *definition.Field
		v    any
		de   string
		en   string
	}{
		{"number with unit", hours, 12.5, "12,5 Stunden", "12.5 hours"},
		{"number not a number", hours, "viel", "viel", "viel"},
		{"computed", &definition.Field{Type: definition.FieldComputed}, 59.97, "59,97", "59.97"},
		{"date", &definition.Field{Type: definition.FieldDate}, "2026-12-24", "24.12.2026", "24 Dec 2026"},
		{"date not a day", &definition.Field{Type: definition.FieldDate}, "morgen", "morgen", "morgen"},
		{"datetime as stored", &definition.Field{Type: definition.FieldDatetime}, "2026-12-24T10:30:00+01:00", "2026-12-24T10:30:00+01:00", "2026-12-24T10:30:00+01:00"},
		{"options", choice, []any{"it", float64(2)}, "IT, Büro", "IT, Office"},
		{"one option", &definition.Field{Type: definition.FieldSelect, Options: choice.Options}, float64(2), "Büro", "Office"},
		{"not an option", choice, []string{"it", "x"}, "IT, x", "IT, x"},
		{"checked", &definition.Field{Type: definition.FieldCheckbox}, true, "Ja", "Yes"},
		{"unchecked", &definition.Field{Type: definition.FieldCheckbox}, false, "Nein", "No"},
		{"text", &definition.Field{Type: definition.FieldText}, "Erika", "Erika", "Erika"},
		{"unknown type", &definition.Field{Type: "colour"}, 3, "3", "3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := form.KindOf(tt.f.Type)
			if got := k.Text(tt.f, tt.v, "de"); got != tt.de {
				t.Errorf("de: %q, want %q", got, tt.de)
			}
			if got := k.Text(tt.f, tt.v, "en"); got != tt.en {
				t.Errorf("en: %q, want %q", got, tt.en)
			}
		})
	}
}

func TestKindCell(t *testing.T) {
	tests := map[definition.FieldType]form.Cell{
		definition.FieldText:        form.CellText,
		definition.FieldNumber:      form.CellText,
		definition.FieldMultiselect: form.CellList,
		definition.FieldCheckbox:    form.CellBool,
		definition.FieldFile:        form.CellNone,
		definition.FieldGroup:       form.CellNone,
		"colour":                    form.CellText,
	}
	for typ, want := range tests {
		k := form.KindOf(typ)
		if got := k.Cell(); got != want {
			t.Errorf("%s: cell %d, want %d", typ, got, want)
		}
		if k.Group() != (typ == definition.FieldGroup) || k.Files() != (typ == definition.FieldFile) {
			t.Errorf("%s: group %v, files %v", typ, k.Group(), k.Files())
		}
	}
}
