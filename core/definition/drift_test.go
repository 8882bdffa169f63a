package definition_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"vorgang/core/definition"
)

// kindTypes maps each definition kind to its schema file and Go type. It
// repeats the loader's table on purpose: a kind added on one side only makes
// these tests fail.
var kindTypes = map[string]struct {
	schema string
	typ    reflect.Type
}{
	"Process":           {"process.schema.json", reflect.TypeFor[definition.Process]()},
	"Form":              {"form.schema.json", reflect.TypeFor[definition.Form]()},
	"SLA":               {"sla.schema.json", reflect.TypeFor[definition.SLA]()},
	"Calendar":          {"calendar.schema.json", reflect.TypeFor[definition.Calendar]()},
	"AssetClass":        {"asset-class.schema.json", reflect.TypeFor[definition.AssetClass]()},
	"Role":              {"role.schema.json", reflect.TypeFor[definition.Role]()},
	"Team":              {"team.schema.json", reflect.TypeFor[definition.Team]()},
	"Notification":      {"notification.schema.json", reflect.TypeFor[definition.Notification]()},
	"IdentityProvider":  {"identity-provider.schema.json", reflect.TypeFor[definition.IdentityProvider]()},
	"Migration":         {"migration.schema.json", reflect.TypeFor[definition.Migration]()},
	"Mailbox":           {"mailbox.schema.json", reflect.TypeFor[definition.Mailbox]()},
	"Webhook":           {"webhook.schema.json", reflect.TypeFor[definition.Webhook]()},
	"KnowledgeCategory": {"knowledge-category.schema.json", reflect.TypeFor[definition.KnowledgeCategory]()},
}

func TestKindTablesAgree(t *testing.T) {
	var kinds []string
	for k := range kindTypes {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	if got := definition.Kinds(); !reflect.DeepEqual(got, kinds) {
		t.Errorf("definition.Kinds() = %v, this test knows %v", got, kinds)
	}
}

// TestDefinitionsDecodeStrictly decodes every document of the valid corpus
// and of the shipped desks into its Go type with unknown fields forbidden.
// Those documents pass the schema, so a key the schema allows but the Go
// type lacks shows up here instead of being dropped silently. (Labels,
// references and conditions decode themselves and are not covered by
// KnownFields; the schema walk in TestSchemaMatchesGoTypes covers them.)
func TestDefinitionsDecodeStrictly(t *testing.T) {
	var files []string
	files = append(files, yamlFiles(t, "testdata/valid")...)
	for _, dir := range deskDirs {
		files = append(files, yamlFiles(t, dir)...)
	}
	if len(files) < 5 {
		t.Fatalf("found only %d YAML files", len(files))
	}
	seen := map[string]int{}
	for _, path := range files {
		t.Run(filepath.ToSlash(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			kinds := documentKinds(t, data)
			dec := yaml.NewDecoder(bytes.NewReader(data))
			dec.KnownFields(true)
			for i, kind := range kinds {
				kt, ok := kindTypes[kind]
				if !ok {
					t.Fatalf("document %d: unknown kind %q", i+1, kind)
				}
				v := reflect.New(kt.typ)
				if err := dec.Decode(v.Interface()); err != nil {
					t.Errorf("document %d (%s): %v", i+1, kind, err)
				}
				seen[kind]++
			}
		})
	}
	for kind := range kindTypes {
		if seen[kind] == 0 {
			t.Errorf("no document of kind %s was decoded; add one to testdata/valid", kind)
		}
	}
}

// documentKinds returns the kind of each non-empty document of a file.
func documentKinds(t *testing.T, data []byte) []string {
	t.Helper()
	var kinds []string
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc struct {
			Kind string `yaml:"kind"`
		}
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return kinds
		}
		if err != nil {
			t.Fatalf("read documents: %v", err)
		}
		kinds = append(kinds, doc.Kind)
	}
}

// TestSchemaMatchesGoTypes walks each kind's JSON Schema and Go type side by
// side. Every property the schema allows must have a Go field of a matching
// type, or a valid definition would lose data when decoded. Go fields the
// schema does not allow are only logged: they are unreachable, not harmful.
func TestSchemaMatchesGoTypes(t *testing.T) {
	w := newSchemaWalker(t)
	for _, kind := range sortedKinds() {
		kt := kindTypes[kind]
		t.Run(kind, func(t *testing.T) {
			w.walk(t, kind, kt.schema, w.docs[kt.schema], kt.typ, map[string]bool{})
		})
	}
	// The walk must reach deep into the schemas, or it proves nothing.
	for _, p := range []string{
		"Process.transitions[].approval.chain[].below",
		"Process.transitions[].actions[].create_child.data",
		"Process.transitions[].guard.field",
		"Process.transitions[].guard.all[]",
		"Process.priority_matrix.values.*.*",
		"Form.fields[].fields[]",
		"Form.fields[].compute.sum_product[]",
		"Form.fields[].lookup.filter",
		"AssetClass.relations[].asset_class",
		"Calendar.working_hours.*[]",
		"SLA.escalations[].notify",
		"Notification.body.en",
	} {
		if !w.visited[p] {
			t.Errorf("schema walk never reached %s", p)
		}
	}
}

func sortedKinds() []string {
	out := make([]string, 0, len(kindTypes))
	for k := range kindTypes {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// schemaWalker resolves $refs between the schema files.
type schemaWalker struct {
	docs    map[string]map[string]any // file name → decoded schema
	visited map[string]bool           // paths walked, e.g. "Form.fields[].id"
}

func newSchemaWalker(t *testing.T) *schemaWalker {
	t.Helper()
	w := &schemaWalker{docs: map[string]map[string]any{}, visited: map[string]bool{}}
	paths, err := filepath.Glob(filepath.Join(schemaDir, "*.schema.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no schemas in %s: %v", schemaDir, err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		w.docs[filepath.Base(p)] = doc
	}
	return w
}

// resolve follows $ref (possibly several times) and returns the schema and
// the file it lives in.
func (w *schemaWalker) resolve(t *testing.T, file string, s map[string]any) (string, map[string]any) {
	t.Helper()
	for i := 0; i < 10; i++ {
		ref, ok := s["$ref"].(string)
		if !ok {
			return file, s
		}
		target, ptr, _ := strings.Cut(ref, "#")
		if target != "" {
			file = target
		}
		var cur any = w.docs[file]
		for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
			if tok == "" {
				continue
			}
			m, _ := cur.(map[string]any)
			cur = m[tok]
		}
		next, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("%s: $ref %q does not resolve", file, ref)
		}
		s = next
	}
	t.Fatalf("%s: $ref chain too long", file)
	return "", nil
}

var (
	refType   = reflect.TypeFor[definition.Ref]()
	labelType = reflect.TypeFor[definition.Label]()
)

func (w *schemaWalker) walk(t *testing.T, path, file string, s map[string]any, typ reflect.Type, seen map[string]bool) {
	t.Helper()
	w.visited[path] = true
	file, s = w.resolve(t, file, s)
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	key := file + "|" + typ.String() + "|" + schemaID(s)
	if seen[key] {
		return // a recursive type such as Condition
	}
	seen[key] = true

	switch {
	case typ == refType:
		w.wantType(t, path, s, "string")
		return
	case typ == reflect.TypeOf(definition.MatrixTable{}):
		// Decoded by hand to keep key positions; its YAML shape is this.
		w.walk(t, path, file, s, reflect.TypeOf(map[string]map[string]string{}), seen)
		return
	case typ.Kind() == reflect.Slice && strings.HasPrefix(typ.Name(), "Keyed["):
		// Decoded by hand to keep key positions; its YAML shape is a
		// mapping of its values.
		w.walk(t, path, file, s, reflect.MapOf(reflect.TypeFor[string](), typ.Elem().Field(1).Type), seen)
		return
	case typ == labelType:
		// A plain string or a {de, en} mapping; compare the mapping form.
		w.wantType(t, path, s, "string")
		w.walkStruct(t, path, file, s, typ, seen)
		return
	}
	switch typ.Kind() {
	case reflect.Struct:
		w.walkStruct(t, path, file, s, typ, seen)
	case reflect.Slice:
		items, ok := s["items"].(map[string]any)
		if !ok {
			if s["type"] != "array" && s["type"] != nil {
				t.Errorf("%s: Go %s, schema type %v", path, typ, s["type"])
			}
			return
		}
		w.walk(t, path+"[]", file, items, typ.Elem(), seen)
	case reflect.Map:
		w.wantType(t, path, s, "object")
		if ap, ok := s["additionalProperties"].(map[string]any); ok {
			w.walk(t, path+".*", file, ap, typ.Elem(), seen)
		}
	case reflect.String:
		if _, isEnum := s["enum"]; isEnum {
			for _, v := range s["enum"].([]any) {
				if _, ok := v.(string); !ok {
					t.Errorf("%s: Go string, schema enum value %v", path, v)
				}
			}
			return
		}
		w.wantType(t, path, s, "string")
	case reflect.Int, reflect.Int64:
		w.wantType(t, path, s, "integer")
	case reflect.Float64:
		if !hasType(s, "number") && !hasType(s, "integer") {
			t.Errorf("%s: Go %s, schema type %v", path, typ, s["type"])
		}
	case reflect.Bool:
		w.wantType(t, path, s, "boolean")
	case reflect.Interface:
		// any: whatever the schema allows.
	default:
		t.Errorf("%s: unexpected Go kind %s", path, typ.Kind())
	}
}

func (w *schemaWalker) walkStruct(t *testing.T, path, file string, s map[string]any, typ reflect.Type, seen map[string]bool) {
	t.Helper()
	props, _ := s["properties"].(map[string]any)
	fields := yamlFields(typ)
	for _, name := range sortedKeys(props) {
		f, ok := fields[name]
		if !ok {
			t.Errorf("%s: schema allows %q, but %s has no field for it (the value would be dropped)", path, name, typ)
			continue
		}
		sub, _ := props[name].(map[string]any)
		w.walk(t, path+"."+name, file, sub, f.Type, seen)
	}
	for _, name := range sortedFieldNames(fields) {
		if _, ok := props[name]; !ok {
			t.Logf("%s: %s.%s (yaml %q) is not allowed by the schema", path, typ.Name(), fields[name].Name, name)
		}
	}
}

// yamlFields returns a struct's fields by YAML key, descending into inline
// fields and leaving out "-".
func yamlFields(typ reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f
	}
	return out
}

func (w *schemaWalker) wantType(t *testing.T, path string, s map[string]any, want string) {
	t.Helper()
	if s["type"] == nil {
		return // const, enum or unconstrained
	}
	if !hasType(s, want) {
		t.Errorf("%s: Go type needs schema type %s, schema says %v", path, want, s["type"])
	}
}

func hasType(s map[string]any, want string) bool {
	switch v := s["type"].(type) {
	case string:
		return v == want
	case []any:
		for _, x := range v {
			if x == want {
				return true
			}
		}
	}
	return false
}

func schemaID(s map[string]any) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedFieldNames(m map[string]reflect.StructField) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
