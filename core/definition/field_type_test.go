package definition

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
)

// TestFieldTypesMatchSchema wants one loader rule per field type of the
// schema's enum, in its order (messages list types in that order).
func TestFieldTypesMatchSchema(t *testing.T) {
	raw, err := os.ReadFile("../../schemas/common.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Definitions struct {
			Field struct {
				Properties struct {
					Type struct{ Enum []FieldType } `json:"type"`
				} `json:"properties"`
			} `json:"field"`
		} `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	enum := doc.Definitions.Field.Properties.Type.Enum
	var rules []FieldType
	for _, r := range fieldRules {
		rules = append(rules, r.typ)
	}
	if len(enum) < 10 || !slices.Equal(rules, enum) {
		t.Errorf("the loader has rules for %v, the schema's field types are %v", rules, enum)
	}
	if FieldType("colour").Known() || !FieldGroup.Known() {
		t.Error("Known does not follow the rules")
	}
}
