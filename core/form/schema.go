package form

import (
	"encoding/json"

	"vorgang/core/definition"
)

// Size limits applied when a definition sets none, so no input is unbounded.
const (
	defaultMaxText     = 500   // text
	defaultMaxTextarea = 20000 // textarea
	defaultMaxEmail    = 254   // email (RFC 5321)
	defaultMaxPhone    = 50    // phone
	maxIDLength        = 200   // ids of users, assets, lookups, attachments
	defaultMaxEntries  = 100   // group entries, lookup multiselect values
	defaultMaxFiles    = 10    // files per file field
)

// buildSchema returns the JSON Schema of the form's data.
func (c *Compiled) buildSchema() []byte {
	props, required := c.objectSchema(c.fields)
	s := map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"title":                c.def.Title.De,
		"type":                 "object",
		"properties":           props,
		"additionalProperties": false,
	}
	if len(required) > 0 {
		s["required"] = required
	}
	if !c.def.Description.IsZero() {
		s["description"] = c.def.Description.De
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		// Every value above comes from a decoded definition (strings,
		// numbers, booleans), so this cannot happen.
		panic("form: marshal schema: " + err.Error())
	}
	return b
}

// objectSchema returns the properties of a list of fields and those that are
// required whatever the data (required, and not depending on a condition).
func (c *Compiled) objectSchema(fields []*field) (map[string]any, []string) {
	props := map[string]any{}
	required := []string{}
	for _, f := range fields {
		props[f.id] = c.fieldSchema(f)
		if f.input() && f.staticallyRequired() {
			required = append(required, f.id)
		}
	}
	return props, required
}

// staticallyRequired reports whether the field must have a value in every
// submission: it is required (or needs at least one entry) and neither it
// nor its section depends on a condition.
func (f *field) staticallyRequired() bool {
	if f.def.VisibleIf != nil || (f.section != nil && f.section.def != nil && f.section.def.VisibleIf != nil && f.group == nil) {
		return false
	}
	return f.def.Required || f.minItems() > 0
}

// minItems returns the fewest entries of a list field (0 when unbounded).
func (f *field) minItems() int {
	if f.def.MinItems != nil {
		return *f.def.MinItems
	}
	return 0
}

// maxItems returns the most entries of a list field.
func (f *field) maxItems() int {
	if f.def.MaxItems != nil {
		return *f.def.MaxItems
	}
	if f.kind.maxItems != nil {
		return f.kind.maxItems(f.def)
	}
	return defaultMaxEntries
}

// maxLength returns the longest text the field accepts.
func (f *field) maxLength() int {
	if f.def.MaxLength != nil {
		return *f.def.MaxLength
	}
	if f.kind.maxText > 0 {
		return f.kind.maxText
	}
	return defaultMaxText
}

// Defaults of max_items, for Kind.maxItems.
func maxEntries(*definition.Field) int { return defaultMaxEntries }
func maxFiles(*definition.Field) int   { return defaultMaxFiles }

// maxOptions allows every fixed option once; a lookup, defaultMaxEntries.
func maxOptions(d *definition.Field) int {
	if len(d.Options) > 0 {
		return len(d.Options)
	}
	return defaultMaxEntries
}

// optionValues returns the stored values of a field's fixed options.
func (f *field) optionValues() []any {
	out := make([]any, len(f.def.Options))
	for i, o := range f.def.Options {
		out[i] = o.Value
	}
	return out
}

func (c *Compiled) fieldSchema(f *field) map[string]any {
	d := f.def
	s := map[string]any{"title": d.Label.De}
	if !d.Help.IsZero() {
		s["description"] = d.Help.De
	}
	f.kind.schema(c, f, s)
	if !f.input() {
		s["readOnly"] = true
	}
	return s
}

// idSchema is the schema of an id of a stored record.
func idSchema() map[string]any {
	return map[string]any{"type": "string", "minLength": 1, "maxLength": maxIDLength}
}

// schemaText is the schema of a text; format is its JSON Schema format, if
// any.
func schemaText(format string) func(c *Compiled, f *field, s map[string]any) {
	return func(_ *Compiled, f *field, s map[string]any) {
		d := f.def
		s["type"] = "string"
		if d.MinLength != nil {
			s["minLength"] = *d.MinLength
		}
		s["maxLength"] = f.maxLength()
		if d.Pattern.Value != "" {
			s["pattern"] = d.Pattern.Value
		}
		if format != "" {
			s["format"] = format
		}
	}
}

// schemaString is the schema of a string in a format: a date, a date-time.
func schemaString(format string) func(c *Compiled, f *field, s map[string]any) {
	return func(_ *Compiled, _ *field, s map[string]any) {
		s["type"] = "string"
		s["format"] = format
	}
}

func schemaNumber(_ *Compiled, f *field, s map[string]any) {
	d := f.def
	s["type"] = "number"
	if d.Min != nil {
		s["minimum"] = *d.Min
	}
	if d.Max != nil {
		s["maximum"] = *d.Max
	}
	if d.Step != nil {
		s["multipleOf"] = *d.Step
	}
}

// schemaSelect: one of the fixed options, or the id of a looked-up record.
func schemaSelect(c *Compiled, f *field, s map[string]any) {
	if len(f.def.Options) > 0 {
		s["enum"] = f.optionValues()
		return
	}
	schemaID(c, f, s)
}

func schemaMultiselect(c *Compiled, f *field, s map[string]any) {
	s["type"] = "array"
	if len(f.def.Options) > 0 {
		s["items"] = map[string]any{"enum": f.optionValues()}
	} else {
		s["items"] = idSchema()
	}
	s["uniqueItems"] = true
	c.itemBounds(f, s)
}

func schemaCheckbox(_ *Compiled, f *field, s map[string]any) {
	s["type"] = "boolean"
	if f.def.Required && f.def.RequiredIf == nil {
		s["const"] = true
	}
}

func schemaFiles(c *Compiled, f *field, s map[string]any) {
	s["type"] = "array"
	s["items"] = idSchema()
	s["uniqueItems"] = true
	c.itemBounds(f, s)
}

func schemaID(_ *Compiled, _ *field, s map[string]any) {
	for k, v := range idSchema() {
		s[k] = v
	}
}

func schemaGroup(c *Compiled, f *field, s map[string]any) {
	props, required := c.objectSchema(f.sub)
	item := map[string]any{
		"type":                 "object",
		"properties":           props,
		"additionalProperties": false,
	}
	if len(required) > 0 {
		item["required"] = required
	}
	s["type"] = "array"
	s["items"] = item
	c.itemBounds(f, s)
}

// schemaComputed: a sum is a number; what a script computes is not fixed.
func schemaComputed(_ *Compiled, f *field, s map[string]any) {
	if f.def.Compute != nil && f.def.Compute.Script.IsZero() {
		s["type"] = "number"
	}
}

func (c *Compiled) itemBounds(f *field, s map[string]any) {
	minItems := f.minItems()
	if f.def.Required && minItems == 0 {
		minItems = 1
	}
	if minItems > 0 {
		s["minItems"] = minItems
	}
	s["maxItems"] = f.maxItems()
}
