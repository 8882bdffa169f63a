package definition_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"vorgang/core/definition"
)

// schemaFieldTypes reads the enum of a field's type from the schema.
func schemaFieldTypes(t *testing.T) []definition.FieldType {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(schemaDir, "common.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Definitions struct {
			Field struct {
				Properties struct {
					Type struct {
						Enum []definition.FieldType `json:"enum"`
					} `json:"type"`
				} `json:"properties"`
			} `json:"field"`
		} `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	enum := doc.Definitions.Field.Properties.Type.Enum
	if len(enum) == 0 {
		t.Fatal("common.schema.json: no enum at definitions.field.properties.type")
	}
	return enum
}

// TestFieldTypesMatchSchema wants the loader's field types to be exactly the
// schema's, in its order, each with its rule.
func TestFieldTypesMatchSchema(t *testing.T) {
	enum := schemaFieldTypes(t)
	if got := definition.FieldTypes(); !slices.Equal(got, enum) {
		t.Errorf("FieldTypes() = %v, the schema has %v", got, enum)
	}
	for _, typ := range enum {
		if !typ.Known() {
			t.Errorf("%s: no rule", typ)
		}
	}
	if definition.FieldType("colour").Known() {
		t.Error(`"colour" is known`)
	}
}
