package form_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"vorgang/core/definition"
	"vorgang/core/form"
)

// Each field type: its JSON Schema, and values it accepts and refuses.
func TestSchemaPerFieldType(t *testing.T) {
	type bad struct {
		value any
		code  string
	}
	tests := []struct {
		name   string
		field  string // YAML of one field with id v
		schema string // the property's schema
		valid  []any
		bad    []bad
	}{
		{
			name:   "text",
			field:  `{id: v, type: text, label: {de: Text, en: Text}, help: Hilfe, min_length: 2, max_length: 5, pattern: "^[a-z]+$"}`,
			schema: `{"title": "Text", "description": "Hilfe", "type": "string", "minLength": 2, "maxLength": 5, "pattern": "^[a-z]+$"}`,
			valid:  []any{"ab", "abcde", "  abc  "},
			bad:    []bad{{"a", "too_short"}, {"abcdef", "too_long"}, {"AB", "pattern"}, {12.0, "invalid_type"}, {true, "invalid_type"}, {[]any{"ab"}, "invalid_type"}},
		},
		{
			name:   "text with default limit",
			field:  `{id: v, type: text, label: Text}`,
			schema: `{"title": "Text", "type": "string", "maxLength": 500}`,
			valid:  []any{"x", string(make([]byte, 0)) + "ä€😀"},
			bad:    []bad{{string(make([]rune, 501)), "too_long"}},
		},
		{
			name:   "textarea",
			field:  `{id: v, type: textarea, label: Text, max_length: 10}`,
			schema: `{"title": "Text", "type": "string", "maxLength": 10}`,
			valid:  []any{"eins\r\nzwei", "1234567890"},
			bad:    []bad{{"12345678901", "too_long"}},
		},
		{
			name:   "email",
			field:  `{id: v, type: email, label: E-Mail}`,
			schema: `{"title": "E-Mail", "type": "string", "format": "email", "maxLength": 254}`,
			valid:  []any{"erika@example.org", "a.b+c@sub.example.de"},
			bad:    []bad{{"erika", "invalid_email"}, {"erika@", "invalid_email"}, {"Erika <erika@example.org>", "invalid_email"}},
		},
		{
			name:   "phone",
			field:  `{id: v, type: phone, label: Telefon, autocomplete: tel}`,
			schema: `{"title": "Telefon", "type": "string", "maxLength": 50}`,
			valid:  []any{"+49 351 1234-5"},
			bad:    []bad{{string(make([]rune, 51)), "too_long"}},
		},
		{
			name:   "number",
			field:  `{id: v, type: number, label: Betrag, min: 0, max: 1000, step: 0.01, unit: EUR}`,
			schema: `{"title": "Betrag", "type": "number", "minimum": 0, "maximum": 1000, "multipleOf": 0.01}`,
			valid:  []any{0.0, 0.01, 19.99, 1000.0, 3, 0.1 + 0.2 - 0.3 + 0.07},
			bad:    []bad{{-0.01, "too_small"}, {1000.01, "too_large"}, {1.005, "step_mismatch"}, {"12", "not_a_number"}, {true, "not_a_number"}},
		},
		{
			name:   "date",
			field:  `{id: v, type: date, label: Datum}`,
			schema: `{"title": "Datum", "type": "string", "format": "date"}`,
			valid:  []any{"2026-12-24", "2028-02-29"},
			bad:    []bad{{"2026-02-29", "invalid_date"}, {"24.12.2026", "invalid_date"}, {"2026-12-24T10:00:00Z", "invalid_date"}, {20261224.0, "invalid_date"}},
		},
		{
			name:   "datetime",
			field:  `{id: v, type: datetime, label: Termin}`,
			schema: `{"title": "Termin", "type": "string", "format": "date-time"}`,
			valid:  []any{"2026-12-24T10:00:00+01:00", "2026-12-24T09:00:00Z"},
			bad:    []bad{{"2026-12-24T10:00", "invalid_date"}, {"2026-12-24", "invalid_date"}},
		},
		{
			name:   "select",
			field:  `{id: v, type: select, label: Wahl, options: [{value: a, label: A}, {value: 2, label: Zwei}, {value: true, label: Ja}]}`,
			schema: `{"title": "Wahl", "enum": ["a", 2, true]}`,
			valid:  []any{"a", 2.0, "2", true, "true"},
			bad:    []bad{{"b", "not_an_option"}, {3.0, "not_an_option"}, {"A", "not_an_option"}, {[]any{"a"}, "not_an_option"}},
		},
		{
			name:   "select with lookup",
			field:  `{id: v, type: select, label: Team, lookup: {source: teams}}`,
			schema: `{"title": "Team", "type": "string", "minLength": 1, "maxLength": 200}`,
			valid:  []any{"it-1st-level"},
			bad:    []bad{{1.0, "invalid_type"}, {string(make([]rune, 201)), "too_long"}},
		},
		{
			name:   "multiselect",
			field:  `{id: v, type: multiselect, label: Mehrere, min_items: 1, max_items: 2, options: [{value: a, label: A}, {value: b, label: B}, {value: c, label: C}]}`,
			schema: `{"title": "Mehrere", "type": "array", "items": {"enum": ["a", "b", "c"]}, "uniqueItems": true, "minItems": 1, "maxItems": 2}`,
			valid:  []any{[]any{"a"}, []any{"c", "a"}, []string{"b"}},
			bad:    []bad{{[]any{"a", "b", "c"}, "too_many"}, {[]any{"a", "a"}, "duplicate"}, {[]any{"d"}, "not_an_option"}, {"a", "invalid_type"}, {[]any{}, "too_few"}},
		},
		{
			name:   "multiselect with lookup",
			field:  `{id: v, type: multiselect, label: Teams, lookup: {source: teams}}`,
			schema: `{"title": "Teams", "type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 200}, "uniqueItems": true, "maxItems": 100}`,
			valid:  []any{[]any{"it-1st-level", "it-2nd-level"}},
			bad:    []bad{{[]any{1.0}, "invalid_type"}},
		},
		{
			name:   "checkbox",
			field:  `{id: v, type: checkbox, label: Ja}`,
			schema: `{"title": "Ja", "type": "boolean"}`,
			valid:  []any{true, false},
			bad:    []bad{{"on", "invalid_type"}, {1.0, "invalid_type"}},
		},
		{
			name:   "required checkbox",
			field:  `{id: v, type: checkbox, label: Ja, required: true}`,
			schema: `{"title": "Ja", "type": "boolean", "const": true}`,
			valid:  []any{true},
			bad:    []bad{{false, "required"}},
		},
		{
			name:   "file",
			field:  `{id: v, type: file, label: Datei, accept: [application/pdf], max_size: 10MB, max_items: 2}`,
			schema: `{"title": "Datei", "type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 200}, "uniqueItems": true, "maxItems": 2}`,
			valid:  []any{[]any{"att-1"}, []any{"att-1", "att-2"}},
			bad:    []bad{{[]any{"a", "b", "c"}, "too_many"}, {[]any{"a", "a"}, "duplicate"}, {"att-1", "invalid_type"}, {[]any{1.0}, "invalid_type"}},
		},
		{
			name:   "file with default limit",
			field:  `{id: v, type: file, label: Datei}`,
			schema: `{"title": "Datei", "type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 200}, "uniqueItems": true, "maxItems": 10}`,
			valid:  []any{[]any{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}},
			bad:    []bad{{[]any{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}, "too_many"}},
		},
		{
			name:   "user",
			field:  `{id: v, type: user, label: Person, role: it-agent}`,
			schema: `{"title": "Person", "type": "string", "minLength": 1, "maxLength": 200}`,
			valid:  []any{"u-123"},
			bad:    []bad{{123.0, "invalid_type"}},
		},
		{
			name:   "asset",
			field:  `{id: v, type: asset, label: Gerät, asset_class: workstation}`,
			schema: `{"title": "Gerät", "type": "string", "minLength": 1, "maxLength": 200}`,
			valid:  []any{"IT-000123"},
			bad:    []bad{{[]any{"IT-000123"}, "invalid_type"}},
		},
		{
			name: "group",
			field: `{id: v, type: group, label: Zeilen, min_items: 1, max_items: 2, fields: [
      {id: a, type: text, label: A, required: true},
      {id: n, type: number, label: N, visible_if: {field: v.a, equals: x}, required: true},
      {id: s, type: computed, label: S, compute: {sum: v.n}}]}`,
			schema: `{"title": "Zeilen", "type": "array", "minItems": 1, "maxItems": 2, "items": {
				"type": "object", "additionalProperties": false, "required": ["a"],
				"properties": {
					"a": {"title": "A", "type": "string", "maxLength": 500},
					"n": {"title": "N", "type": "number"},
					"s": {"title": "S", "type": "number", "readOnly": true}}}}`,
			valid: []any{[]any{map[string]any{"a": "y"}}, []any{map[string]any{"a": "x", "n": 1.0}, map[string]any{"a": "y", "n": "hidden"}}},
			bad:   []bad{{[]any{}, "too_few"}, {[]any{map[string]any{"a": "1"}, map[string]any{"a": "2"}, map[string]any{"a": "3"}}, "too_many"}, {map[string]any{"a": "1"}, "invalid_type"}},
		},
		{
			name:   "computed",
			field:  `{id: v, type: computed, label: Summe, compute: {script: it-route}}`,
			schema: `{"title": "Summe", "readOnly": true}`,
			valid:  []any{nil},
			bad:    []bad{{1.0, "read_only"}},
		},
		{
			name:   "read-only",
			field:  `{id: v, type: text, label: Fest, read_only: true, default: abc}`,
			schema: `{"title": "Fest", "type": "string", "maxLength": 500, "readOnly": true}`,
			valid:  []any{nil},
			bad:    []bad{{"abc", "read_only"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := fieldsForm(t, "  - "+tc.field+"\n")
			var doc struct {
				Schema     string                     `json:"$schema"`
				Type       string                     `json:"type"`
				Additional *bool                      `json:"additionalProperties"`
				Properties map[string]json.RawMessage `json:"properties"`
			}
			if err := json.Unmarshal(c.Schema(), &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Schema != "https://json-schema.org/draft/2020-12/schema" || doc.Type != "object" || doc.Additional == nil || *doc.Additional {
				t.Errorf("schema head = %+v", doc)
			}
			var got, want any
			if err := json.Unmarshal(doc.Properties["v"], &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tc.schema), &want); err != nil {
				t.Fatalf("bad test schema: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("schema of v =\n%s\nwant\n%s", doc.Properties["v"], tc.schema)
			}
			for _, v := range tc.valid {
				data := map[string]any{"v": v}
				if v == nil {
					data = map[string]any{}
				}
				if _, errs := c.Validate(data, "de"); errs != nil {
					t.Errorf("%#v refused: %v", v, errs)
				}
			}
			for _, b := range tc.bad {
				_, errs := c.Validate(map[string]any{"v": b.value}, "de")
				if len(errs) != 1 || errs[0].Code != b.code || (errs[0].Field != "v" && b.code != "invalid_type") {
					t.Errorf("%#v: errors %v, want one %s", b.value, errs, b.code)
				}
			}
		})
	}
}

// Whatever the form, the schema is valid draft 2020-12 and says the same as
// Validate about complete submissions: the schema alone can be handed to API
// clients.
func TestSchemaIsStandalone(t *testing.T) {
	c := compileForm(t, "test-order", testConfig())
	sch, err := jsonschema.CompileString("order.json", string(c.Schema()))
	if err != nil {
		t.Fatalf("schema does not compile on its own: %v", err)
	}
	clean, errs := c.Validate(validOrder(), "de")
	if errs != nil {
		t.Fatal(errs)
	}
	// A stored submission (with computed values) still matches the schema.
	if err := sch.Validate(clean); err != nil {
		t.Errorf("clean data does not match the schema: %v", err)
	}
	missing := validOrder()
	delete(missing, "email")
	if err := sch.Validate(missing); err == nil {
		t.Error("the schema accepts a submission without a required field")
	}
}

func TestCompileErrors(t *testing.T) {
	f := func(fields ...definition.Field) *definition.Form {
		return &definition.Form{Meta: definition.Meta{ID: definition.Ref{Value: "broken"}}, Fields: fields}
	}
	ref := func(s string) definition.Ref { return definition.Ref{Value: s} }
	tests := []struct {
		name string
		form *definition.Form
	}{
		{"nil", nil},
		{"unknown type", f(definition.Field{ID: ref("a"), Type: "colour"})},
		{"bad pattern", f(definition.Field{ID: ref("a"), Type: "text", Pattern: ref("([a-z")})},
		{"bad min_date", f(definition.Field{ID: ref("a"), Type: "date", MinDate: "next week"})},
		{"duplicate field", f(definition.Field{ID: ref("a"), Type: "text"}, definition.Field{ID: ref("a"), Type: "text"})},
		{"nested group", f(definition.Field{ID: ref("g"), Type: "group", Fields: []definition.Field{{ID: ref("h"), Type: "group"}}})},
		{"computed without compute", f(definition.Field{ID: ref("a"), Type: "computed"})},
		{"sum of an unknown field", f(definition.Field{ID: ref("a"), Type: "computed", Compute: &definition.Compute{Sum: ref("items.price")}})},
		{"sum of a text", f(
			definition.Field{ID: ref("items"), Type: "group", Fields: []definition.Field{{ID: ref("t"), Type: "text"}}},
			definition.Field{ID: ref("a"), Type: "computed", Compute: &definition.Compute{Sum: ref("items.t")}})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if c, err := form.Compile(tc.form, form.Config{}); err == nil {
				t.Errorf("Compile = %v, want an error", c)
			}
		})
	}
}
