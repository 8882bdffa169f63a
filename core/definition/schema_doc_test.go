package definition_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// undocumentedLimit is how many schema properties currently lack a
// description. Editors show descriptions as hover help, so the number may
// only go down: lower it when you document properties.
const undocumentedLimit = 25

// TestSchemaPropertiesDocumented wants a description on every property of
// every schema, except properties that are a $ref (the target is documented)
// or a const. The undocumented ones are logged; the test fails only when
// their number grows.
func TestSchemaPropertiesDocumented(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(schemaDir, "*.schema.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no schemas in %s: %v", schemaDir, err)
	}
	var missing []string
	properties := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		walkProperties(filepath.Base(p)+"#", doc, func(where string, prop map[string]any) {
			properties++
			if _, ok := prop["description"].(string); ok {
				return
			}
			if _, ok := prop["$ref"]; ok {
				return
			}
			if _, ok := prop["const"]; ok {
				return
			}
			missing = append(missing, where)
		})
	}
	sort.Strings(missing)
	if properties < 100 {
		t.Errorf("walked only %d properties; is the walk broken?", properties)
	}
	if len(missing) > 0 {
		t.Logf("%d of %d schema properties have no description:\n  %s", len(missing), properties, strings.Join(missing, "\n  "))
	}
	if len(missing) > undocumentedLimit {
		t.Errorf("%d properties lack a description, more than the %d known; document the new ones", len(missing), undocumentedLimit)
	}
}

// walkProperties calls fn for every entry of every "properties" object in a
// JSON Schema document, at any depth, with a JSON-pointer-like location.
func walkProperties(where string, v any, fn func(where string, prop map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			child := x[k]
			if k == "properties" {
				props, _ := child.(map[string]any)
				for _, name := range sortedKeys(props) {
					prop, ok := props[name].(map[string]any)
					if !ok {
						continue
					}
					fn(where+"/properties/"+name, prop)
					walkProperties(where+"/properties/"+name, prop, fn)
				}
				continue
			}
			walkProperties(where+"/"+k, child, fn)
		}
	case []any:
		for i, c := range x {
			walkProperties(where+"/"+itoa(i), c, fn)
		}
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
