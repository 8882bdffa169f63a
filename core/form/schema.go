package form

import (
	"encoding/json"
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
	switch f.def.Type {
	case "file":
		return defaultMaxFiles
	case "multiselect":
		if len(f.def.Options) > 0 {
			return len(f.def.Options)
		}
	}
	return defaultMaxEntries
}

// maxLength returns the longest text the field accepts.
func (f *field) maxLength() int {
	if f.def.MaxLength != nil {
		return *f.def.MaxLength
	}
	switch f.def.Type {
	case "textarea":
		return defaultMaxTextarea
	case "email":
		return defaultMaxEmail
	case "phone":
		return defaultMaxPhone
	}
	return defaultMaxText
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
	idSchema := func() map[string]any {
		return map[string]any{"type": "string", "minLength": 1, "maxLength": maxIDLength}
	}
	switch d.Type {
	case "text", "textarea", "email", "phone":
		s["type"] = "string"
		if d.MinLength != nil {
			s["minLength"] = *d.MinLength
		}
		s["maxLength"] = f.maxLength()
		if d.Pattern.Value != "" {
			s["pattern"] = d.Pattern.Value
		}
		if d.Type == "email" {
			s["format"] = "email"
		}
	case "number":
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
	case "date":
		s["type"] = "string"
		s["format"] = "date"
	case "datetime":
		s["type"] = "string"
		s["format"] = "date-time"
	case "select":
		if len(d.Options) > 0 {
			s["enum"] = f.optionValues()
		} else {
			for k, v := range idSchema() {
				s[k] = v
			}
		}
	case "multiselect":
		s["type"] = "array"
		if len(d.Options) > 0 {
			s["items"] = map[string]any{"enum": f.optionValues()}
		} else {
			s["items"] = idSchema()
		}
		s["uniqueItems"] = true
		c.itemBounds(f, s)
	case "checkbox":
		s["type"] = "boolean"
		if d.Required && d.RequiredIf == nil {
			s["const"] = true
		}
	case "file":
		s["type"] = "array"
		s["items"] = idSchema()
		s["uniqueItems"] = true
		c.itemBounds(f, s)
	case "user", "asset":
		for k, v := range idSchema() {
			s[k] = v
		}
	case "group":
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
	case "computed":
		if d.Compute != nil && d.Compute.Script.IsZero() {
			s["type"] = "number"
		}
	}
	if !f.input() {
		s["readOnly"] = true
	}
	return s
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
