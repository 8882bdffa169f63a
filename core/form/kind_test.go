package form

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vorgang/core/definition"
)

// fieldTypes reads the field types from the schema of definitions.
func fieldTypes(t *testing.T) []definition.FieldType {
	t.Helper()
	raw, err := os.ReadFile("../../schemas/common.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	// encoding/json matches the keys to the field names without case.
	var schema struct {
		Definitions struct {
			Field struct {
				Properties struct {
					Type struct{ Enum []definition.FieldType }
				}
			}
		}
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	types := schema.Definitions.Field.Properties.Type.Enum
	if len(types) < 10 {
		t.Fatalf("only %d field types in the schema; is it definitions.field.properties.type.enum?", len(types))
	}
	return types
}

// missingParts lists the parts of k that are not filled. Every kind needs
// its schema, type error, reference rule, rendering and CSV cell; one a
// client sends (not computed) needs reading and a way to ask for it; a list
// or group needs its bound and a name for what it holds; a kind shown as
// text needs its text.
func missingParts(k *Kind) []string {
	var missing []string
	need := func(ok bool, part string) {
		if !ok {
			missing = append(missing, part)
		}
	}
	need(k.shape != 0, "shape")
	need(k.schema != nil, "schema")
	need(k.typeCode != "", "typeCode")
	need(k.ref != nil, "ref")
	need(k.render != nil, "render")
	need(k.cell != 0, "cell")
	if !k.computed {
		need(k.decode != nil, "decode")
		need(k.ask != (phrase{}), "ask")
		if k.shape != shapeGroup {
			need(k.norm != nil, "norm")
		}
	}
	if k.shape != shapeValue {
		need(k.maxItems != nil, "maxItems")
		need(k.items != (noun{}), "items")
	}
	if k.shape != shapeGroup && !k.files {
		need(k.show != nil, "show")
	}
	return missing
}

// TestKindsMatchSchema wants exactly one kind per field type of the
// schema, each with every part filled, so a new type cannot be half added.
func TestKindsMatchSchema(t *testing.T) {
	enum := fieldTypes(t)
	if len(kinds) != len(enum) {
		t.Errorf("%d kinds for %d field types", len(kinds), len(enum))
	}
	for typ := range kinds {
		if !slices.Contains(enum, typ) {
			t.Errorf("kind %q is not a field type", typ)
		}
	}
	for _, typ := range enum {
		t.Run(string(typ), func(t *testing.T) {
			k := KindOf(typ)
			if k == nil {
				t.Fatal("no kind")
			}
			if missing := missingParts(k); len(missing) > 0 {
				t.Errorf("parts not filled: %s", strings.Join(missing, ", "))
			}
		})
	}
	if KindOf("colour") != nil {
		t.Error(`KindOf("colour") is not nil`)
	}
}

// kindField returns a field of type typ with what the type needs to load.
func kindField(typ definition.FieldType, id string) definition.Field {
	f := definition.Field{ID: definition.Ref{Value: id}, Type: typ, Label: definition.Label{De: "Feld " + id, En: "Field " + id}}
	switch typ {
	case definition.FieldSelect, definition.FieldMultiselect:
		f.Options = []definition.Option{{Value: "a", Label: definition.Label{De: "A"}}, {Value: "b", Label: definition.Label{De: "B"}}}
	case definition.FieldGroup:
		f.Fields = []definition.Field{{ID: definition.Ref{Value: "n"}, Type: definition.FieldNumber, Label: definition.Label{De: "N"}}}
	case definition.FieldComputed:
		f.Compute = &definition.Compute{Sum: definition.Ref{Value: "g.n"}}
	}
	return f
}

// TestEveryKindServesAForm compiles, validates, decodes and renders a form
// with a required field of each type (and one inside a group), so every
// part of every kind is used once.
func TestEveryKindServesAForm(t *testing.T) {
	for _, typ := range fieldTypes(t) {
		t.Run(string(typ), func(t *testing.T) {
			k := KindOf(typ)
			f := kindField(typ, "x")
			f.Required = !k.computed
			fields := []definition.Field{kindField(definition.FieldGroup, "g"), f}
			if k.shape != shapeGroup {
				sub := kindField(typ, "s")
				if k.computed {
					sub.Compute = &definition.Compute{SumProduct: []definition.Ref{{Value: "g.n"}, {Value: "g.n"}}}
				}
				fields[0].Fields = append(fields[0].Fields, sub)
			}
			def := &definition.Form{Meta: definition.Meta{ID: definition.Ref{Value: "kinds"}, Title: definition.Label{De: "Arten"}}, Fields: fields}
			c, err := Compile(def, Config{})
			if err != nil {
				t.Fatal(err)
			}
			var schema map[string]any
			if err := json.Unmarshal(c.Schema(), &schema); err != nil {
				t.Fatal(err)
			}
			prop, _ := schema["properties"].(map[string]any)["x"].(map[string]any)
			if isArray := prop["type"] == "array"; isArray != (k.shape != shapeValue) {
				t.Errorf("schema of x is %v; shape %d", prop, k.shape)
			}
			sub := c.DecodeForm(map[string][]string{"x": {""}, "g[0][n]": {"2"}, "g[0][s]": {""}}, "de")
			_, errs := c.Validate(sub.Data, "en")
			if k.computed {
				if len(errs) != 0 {
					t.Errorf("errors %v", errs)
				}
			} else if len(errs) == 0 || errs[0].Field != "x" || errs[0].Code != CodeRequired || !strings.Contains(errs[0].Message, "Field x") {
				t.Errorf("errors %v, want x required first", errs)
			}
			var html bytes.Buffer
			if err := c.Render(&html, RenderOptions{Values: sub.Data, Errors: errs}); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(html.String(), `data-field="x"`) {
				t.Errorf("x is not rendered:\n%s", html.String())
			}
			if k.show != nil && k.Text(&f, "a", "de") == "" {
				t.Error("a value shows as nothing")
			}
		})
	}
}

// TestKindsDocumented wants every field type in the type tables of the
// docs for authors and of forms.md.
func TestKindsDocumented(t *testing.T) {
	for _, doc := range []string{"authoring.md", "forms.md"} {
		raw, err := os.ReadFile(filepath.Join("..", "..", "docs", doc))
		if err != nil {
			t.Fatal(err)
		}
		var rows []string
		for _, line := range strings.Split(string(raw), "\n") {
			if strings.HasPrefix(line, "| `") {
				rows = append(rows, line)
			}
		}
		for _, typ := range fieldTypes(t) {
			if !slices.ContainsFunc(rows, func(row string) bool { return strings.Contains(row, "`"+string(typ)+"`") }) {
				t.Errorf("docs/%s: no table row names `%s`", doc, typ)
			}
		}
	}
}
