package definition

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"gopkg.in/yaml.v3"
)

// schemaBase is the URL the embedded schema files are registered under; it
// only has to be unique, it is never fetched.
const schemaBase = "file:///vorgang/schemas/"

// kindSchemas names the schema file of each definition kind.
var kindSchemas = map[string]string{
	"Process":           "process.schema.json",
	"Form":              "form.schema.json",
	"SLA":               "sla.schema.json",
	"Calendar":          "calendar.schema.json",
	"AssetClass":        "asset-class.schema.json",
	"Role":              "role.schema.json",
	"Team":              "team.schema.json",
	"Notification":      "notification.schema.json",
	"Migration":         "migration.schema.json",
	"IdentityProvider":  "identity-provider.schema.json",
	"Mailbox":           "mailbox.schema.json",
	"Webhook":           "webhook.schema.json",
	"KnowledgeCategory": "knowledge-category.schema.json",
}

// Kinds returns the definition kinds in a stable order.
func Kinds() []string {
	out := make([]string, 0, len(kindSchemas))
	for k := range kindSchemas {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// schemaSet holds the compiled schema of every kind plus the raw JSON of every
// schema file, which error messages consult for allowed keys and values.
type schemaSet struct {
	byKind map[string]*jsonschema.Schema
	raw    map[string]any // schema URL → decoded JSON
	// priorities is the priority scale, most urgent first.
	priorities []string
}

func compileSchemas(schemas fs.FS) (*schemaSet, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft7
	c.AssertFormat = true
	set := &schemaSet{byKind: map[string]*jsonschema.Schema{}, raw: map[string]any{}}
	entries, err := fs.ReadDir(schemas, ".")
	if err != nil {
		return nil, fmt.Errorf("read schemas: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".schema.json") {
			continue
		}
		data, err := fs.ReadFile(schemas, e.Name())
		if err != nil {
			return nil, fmt.Errorf("read schema %s: %w", e.Name(), err)
		}
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("parse schema %s: %w", e.Name(), err)
		}
		url := schemaBase + e.Name()
		set.raw[url] = doc
		if err := c.AddResource(url, bytes.NewReader(data)); err != nil {
			return nil, fmt.Errorf("add schema %s: %w", e.Name(), err)
		}
	}
	for kind, file := range kindSchemas {
		s, err := c.Compile(schemaBase + file)
		if err != nil {
			return nil, fmt.Errorf("compile schema for %s: %w", kind, err)
		}
		set.byKind[kind] = s
	}
	prios, err := priorityScale(set.raw)
	if err != nil {
		return nil, err
	}
	set.priorities = prios
	return set, nil
}

// validate checks one document against its kind's schema and reports every
// violation at the YAML node it concerns.
// It returns the paths (JSON pointers) of the values found wrong; see
// schemaPaths.
func (s *schemaSet) validate(kind string, doc *yaml.Node, value any, r reporter) (valid bool, wrong []string) {
	err := s.byKind[kind].Validate(value)
	if err == nil {
		return true, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		r.errorf(posOf(doc), "schema", "%v", err)
		return false, []string{""}
	}
	for _, leaf := range leaves(ve) {
		s.report(leaf, doc, value, r)
		wrong = append(wrong, s.schemaPaths(leaf, value)...)
	}
	return false, wrong
}

// schemaPaths returns the paths a schema error concerns. An unknown key
// counts as the key it likely misspells ("/transitons" is "/transitions"),
// a missing key as its own path, so checks can tell which parts of a
// definition they may still trust.
func (s *schemaSet) schemaPaths(ve *jsonschema.ValidationError, value any) []string {
	keyword := ve.KeywordLocation[strings.LastIndex(ve.KeywordLocation, "/")+1:]
	parent := s.schemaAt(strings.TrimSuffix(ve.AbsoluteKeywordLocation, "/"+keyword))
	obj, _ := valueAt(value, ve.InstanceLocation).(map[string]any)
	allowed := stringKeys(parent["properties"])
	var out []string
	switch keyword {
	case "additionalProperties":
		for _, name := range sortedKeys(obj) {
			if contains(allowed, name) {
				continue
			}
			if meant := closest(name, allowed); meant != "" {
				name = meant
			}
			out = append(out, ve.InstanceLocation+"/"+name)
		}
	case "required":
		for _, name := range stringList(parent["required"]) {
			if _, ok := obj[name]; !ok {
				out = append(out, ve.InstanceLocation+"/"+name)
			}
		}
	}
	if len(out) == 0 {
		out = append(out, ve.InstanceLocation)
	}
	return out
}

// leaves returns the most specific errors of a validation error tree; the
// inner nodes only say "doesn't validate with ...".
func leaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

func (s *schemaSet) report(ve *jsonschema.ValidationError, doc *yaml.Node, value any, r reporter) {
	node, _ := nodeAt(doc, ve.InstanceLocation)
	instance := valueAt(value, ve.InstanceLocation)
	keyword := ve.KeywordLocation[strings.LastIndex(ve.KeywordLocation, "/")+1:]
	where := humanPath(ve.InstanceLocation)
	prefix := ""
	if where != "" {
		prefix = where + ": "
	}
	parent := s.schemaAt(strings.TrimSuffix(ve.AbsoluteKeywordLocation, "/"+keyword))
	if strings.Contains(ve.KeywordLocation, "/propertyNames/") {
		// The instance is a key, not its value: point at the key and name it.
		name := ve.InstanceLocation[strings.LastIndex(ve.InstanceLocation, "/")+1:]
		parentPath := ve.InstanceLocation[:strings.LastIndex(ve.InstanceLocation, "/")]
		obj, _ := nodeAt(doc, parentPath)
		if k, _ := mappingEntry(obj, name); k != nil {
			node = k
		}
		prefix = ""
		if where := humanPath(parentPath); where != "" {
			prefix = where + ": "
		}
		instance = name
	}
	switch keyword {
	case "additionalProperties":
		obj, _ := instance.(map[string]any)
		allowed := stringKeys(parent["properties"])
		for _, name := range sortedKeys(obj) {
			if contains(allowed, name) {
				continue
			}
			k, v := mappingEntry(node, name)
			hint := suggest(name, allowed)
			if k == nil {
				k = node
			} else if splitByComma(node, v) {
				hint = flowMappingHint
			}
			r.errorf(posOf(k), "unknown_key", "%sunknown key '%s'%s", prefix, name, hint)
		}
		return
	case "required":
		obj, _ := instance.(map[string]any)
		allowed := stringKeys(parent["properties"])
		for _, name := range stringList(parent["required"]) {
			if _, ok := obj[name]; ok || misspelled(obj, allowed, name) {
				continue
			}
			r.errorf(posOf(node), "missing_key", "%smissing required key '%s'", prefix, name)
		}
		return
	case "enum":
		options := make([]string, 0)
		for _, o := range anyList(parent["enum"]) {
			options = append(options, fmt.Sprint(o))
		}
		hint := ""
		if str, ok := instance.(string); ok {
			hint = suggest(str, options)
		}
		r.errorf(posOf(node), "invalid_value", "%s%s is not allowed: must be one of %s%s", prefix, describe(instance), strings.Join(options, ", "), hint)
		return
	case "const":
		r.errorf(posOf(node), "invalid_value", "%smust be '%v', not %s", prefix, parent["const"], describe(instance))
		return
	case "pattern":
		pattern, _ := parent["pattern"].(string)
		r.errorf(posOf(node), "invalid_format", "%s%s %s", prefix, describe(instance), patternMeaning(pattern))
		return
	case "type":
		// x-hint in a schema says what to write instead, where the type
		// alone does not (a secret written as a plain string).
		hint, _ := parent["x-hint"].(string)
		if hint != "" {
			hint = ": " + hint
		}
		r.errorf(posOf(node), "wrong_type", "%s%s%s", prefix, strings.Replace(ve.Message, ", but got", ", got", 1), hint)
		return
	case "format":
		r.errorf(posOf(node), "invalid_format", "%s%s is not a valid %v", prefix, describe(instance), parent["format"])
		return
	case "propertyNames":
		// The failing name is reported by the nested pattern/enum error.
		return
	case "minItems":
		r.errorf(posOf(node), "too_few_items", "%s%s", prefix, strings.Replace(ve.Message, "minimum", "at least", 1))
		return
	case "minProperties", "maxProperties":
		if parent["maxProperties"] == float64(1) && parent["minProperties"] == float64(1) {
			r.errorf(posOf(node), "one_key", "%sexactly one key is allowed here, found %d", prefix, len(asMap(instance)))
			return
		}
	case "uniqueItems":
		r.errorf(posOf(node), "duplicate_item", "%slist has the same entry twice (%s)", prefix, ve.Message)
		return
	}
	r.errorf(posOf(node), "schema_"+strings.ToLower(keyword), "%s%s", prefix, ve.Message)
}

// misspelled reports whether obj has an unknown key that is a likely typo of
// name; its "unknown key ... did you mean" error already says what is
// missing, so a second error would only repeat it.
func misspelled(obj map[string]any, allowed []string, name string) bool {
	for key := range obj {
		if !contains(allowed, key) && suggest(key, allowed) == fmt.Sprintf(" (did you mean '%s'?)", name) {
			return true
		}
	}
	return false
}

// schemaAt resolves an absolute keyword location to the schema object there.
func (s *schemaSet) schemaAt(loc string) map[string]any {
	url, ptr, _ := strings.Cut(loc, "#")
	doc := s.raw[url]
	cur := doc
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		if tok == "" {
			continue
		}
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			cur = c[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	m, _ := cur.(map[string]any)
	return m
}

// patternMeaning explains the common patterns in words instead of regex.
func patternMeaning(pattern string) string {
	switch pattern {
	case "^[a-z][a-z0-9_-]{0,62}$", "^[a-z][a-z0-9_-]*$", "^([a-z][a-z0-9_-]*)$":
		return "is not a valid id: use lower case letters, digits, '-' and '_', starting with a letter"
	case "^[a-z][a-z0-9_]{0,62}$", "^[a-z][a-z0-9_]*$":
		return "is not a valid field id: use lower case letters, digits and '_', starting with a letter"
	case "^([0-9]+[wdhm])+$":
		return "is not a duration such as 30m, 4h, 1h30m, 2d or 1w"
	case "^([a-z][a-z0-9_-]*|\\*)$":
		return "is not a state id or '*'"
	case "^([a-z][a-z0-9_-]*|\\$previous)$":
		return "is not a state id or '$previous'"
	case "^[A-Z][A-Z0-9]{0,9}$":
		return "is not a prefix: 1-10 upper case letters and digits, starting with a letter"
	case "^([0-9]{4}-[0-9]{2}-[0-9]{2}|today([+-][0-9]+[dwmy])?)$":
		return "is not a date bound: use an ISO date (2026-12-31) or today, today+7d, today-1y"
	}
	return "does not match the pattern " + pattern
}

func valueAt(v any, pointer string) any {
	if pointer == "" {
		return v
	}
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := v.(type) {
		case map[string]any:
			v = c[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i >= len(c) {
				return nil
			}
			v = c[i]
		default:
			return nil
		}
	}
	return v
}

// humanPath turns "/states/0/category" into "states[0].category".
func humanPath(pointer string) string {
	if pointer == "" {
		return ""
	}
	var b strings.Builder
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		if _, err := strconv.Atoi(tok); err == nil {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

func describe(v any) string {
	switch x := v.(type) {
	case string:
		return "'" + x + "'"
	case nil:
		return "empty value"
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	}
	return fmt.Sprint(v)
}

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }

func anyList(v any) []any { l, _ := v.([]any); return l }

func stringList(v any) []string {
	var out []string
	for _, x := range anyList(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func stringKeys(v any) []string { return sortedKeys(asMap(v)) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
