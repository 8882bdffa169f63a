package form

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"vorgang/core/definition"
)

// Config holds what a compiled form needs from the rest of vorgang. Every
// field is optional; the zero Config validates everything a form can check
// by itself.
type Config struct {
	// Refs checks the ids submitted for reference fields: select and
	// multiselect fields with a lookup, user, asset and file fields. nil:
	// such ids are only checked for shape (a non-empty string).
	Refs RefChecker

	// ComputeScript computes a computed field with `compute: {script: …}`
	// (the Lua runtime). It runs after every other check passed. nil: such
	// fields are left out of the result.
	ComputeScript func(ctx context.Context, call ScriptCall) (any, error)

	// ValidateScript runs the form's `validate` script on the clean data
	// after every other check passed and returns its field errors. nil: the
	// script is not run.
	ValidateScript func(ctx context.Context, call ScriptCall) ([]FieldError, error)

	// Now returns the current time; "today" in min_date and max_date is
	// taken from it. Default time.Now.
	Now func() time.Time

	// Location is the time zone of "today" and of date-time values entered
	// in the browser (which carry no zone). Default Europe/Berlin, or the
	// local zone when the time zone database is unavailable.
	Location *time.Location
}

// RefChecker checks that referenced records exist and may be used.
type RefChecker interface {
	// CheckRefs is called once per reference field and submission with the
	// distinct ids given for it (across all entries of a group). It returns
	// a problem for each id that must be refused; an error means the check
	// could not be made (the submission is then refused as well).
	CheckRefs(ctx context.Context, field Ref, ids []string) ([]RefProblem, error)
}

// Ref describes a reference field to a RefChecker.
type Ref struct {
	// Path is the field's path: "asset" or "items.product" inside a group.
	Path string
	// Field is the definition, with Lookup, AssetClass, Role, Team, Accept
	// and MaxSize saying what the id may refer to.
	Field *definition.Field
}

// RefProblem is an id a RefChecker refuses. Code is one of
// CodeUnknownReference, CodeNotAnOption, CodeFileType, CodeFileTooLarge,
// CodeRetired; any other code is reported as CodeUnknownReference.
type RefProblem struct {
	ID   string
	Code string
}

// ScriptCall is one run of a script hook.
type ScriptCall struct {
	// Script is the script's name.
	Script string
	// Field is the path of the computed field ("total", "items[2].net"),
	// empty for the form's validate script.
	Field string
	// Data is the clean form data (read only).
	Data map[string]any
	// Entry is the group entry a computed sub-field belongs to, else nil.
	Entry map[string]any
	// Lang is the language of the submission, for messages.
	Lang string
}

// Compiled is a form ready to validate and render submissions. It is
// immutable and safe for concurrent use.
type Compiled struct {
	def      *definition.Form
	cfg      Config
	loc      *time.Location
	fields   []*field          // top-level fields in form order
	byPath   map[string]*field // "summary", "items", "items.price"
	sections []*section
	order    map[string]int // field path → position in the form, for sorting errors
	schema   []byte
	compiled *jsonschema.Schema
}

// section is a form section; a form without sections has one implicit
// section with an empty id.
type section struct {
	def    *definition.Section // nil for the implicit section
	fields []*field
}

// field is a form field with what compiling found out about it.
type field struct {
	def     *definition.Field
	kind    *Kind // nil only while Compile reports an unknown type
	id      string
	path    string // "price" or "items.price"
	group   *field // the repeating group of a sub-field
	section *section
	sub     []*field // sub-fields of a group
	pattern *regexp.Regexp
	minDate dateBound
	maxDate dateBound
	// dec is the number of decimal places to show: a number's step, or
	// what a computed field's operands imply; -1 when not fixed.
	dec int
}

// Compile compiles a Form definition: it builds the JSON Schema of its data
// and compiles it once. It fails on definitions the loader would have refused
// (a bad pattern, an unknown field type, a computation over a missing field)
// and on date bounds it cannot read.
func Compile(def *definition.Form, cfg Config) (*Compiled, error) {
	if def == nil {
		return nil, errors.New("compile form: no definition")
	}
	c := &Compiled{
		def:    def,
		cfg:    cfg,
		loc:    cfg.Location,
		byPath: map[string]*field{},
		order:  map[string]int{},
	}
	if c.loc == nil {
		c.loc = defaultLocation()
	}
	var errs []error
	add := func(s *section, list []definition.Field) {
		for i := range list {
			f, err := c.newField(&list[i], nil, s)
			errs = append(errs, err)
			s.fields = append(s.fields, f)
			c.fields = append(c.fields, f)
		}
	}
	if len(def.Sections) == 0 {
		s := &section{}
		c.sections = append(c.sections, s)
		add(s, def.Fields)
	} else {
		for i := range def.Sections {
			s := &section{def: &def.Sections[i]}
			c.sections = append(c.sections, s)
			add(s, def.Sections[i].Fields)
		}
	}
	for _, f := range c.fields {
		errs = append(errs, c.checkCompute(f))
		for _, sub := range f.sub {
			errs = append(errs, c.checkCompute(sub))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("compile form %s: %w", def.ID.Value, err)
	}
	c.schema = c.buildSchema()
	compiler := jsonschema.NewCompiler()
	compiler.Draft = jsonschema.Draft2020
	compiler.AssertFormat = true
	url := "mem:///forms/" + def.ID.Value + ".schema.json"
	if err := compiler.AddResource(url, bytes.NewReader(c.schema)); err != nil {
		return nil, fmt.Errorf("compile form %s: %w", def.ID.Value, err)
	}
	sch, err := compiler.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("compile form %s: schema: %w", def.ID.Value, err)
	}
	c.compiled = sch
	return c, nil
}

func (c *Compiled) newField(def *definition.Field, group *field, s *section) (*field, error) {
	f := &field{def: def, id: def.ID.Value, group: group, section: s, dec: decimals(def.Step)}
	f.path = f.id
	if group != nil {
		f.path = group.id + "." + f.id
	}
	if _, dup := c.byPath[f.path]; dup {
		return f, fmt.Errorf("field %s: duplicate id", f.path)
	}
	c.byPath[f.path] = f
	c.order[f.path] = len(c.order)
	var errs []error
	f.kind = kinds[def.Type]
	switch {
	case f.kind == nil:
		errs = append(errs, fmt.Errorf("field %s: unknown type %q", f.path, def.Type))
	case f.isGroup() && group != nil:
		errs = append(errs, fmt.Errorf("field %s: groups cannot be nested", f.path))
	case f.isGroup():
		for i := range def.Fields {
			sub, err := c.newField(&def.Fields[i], f, s)
			errs = append(errs, err)
			f.sub = append(f.sub, sub)
		}
	}
	if def.Pattern.Value != "" {
		re, err := regexp.Compile(def.Pattern.Value)
		if err != nil {
			errs = append(errs, fmt.Errorf("field %s: pattern: %w", f.path, err))
		}
		f.pattern = re
	}
	var err error
	if f.minDate, err = parseDateBound(def.MinDate); err != nil {
		errs = append(errs, fmt.Errorf("field %s: min_date: %w", f.path, err))
	}
	if f.maxDate, err = parseDateBound(def.MaxDate); err != nil {
		errs = append(errs, fmt.Errorf("field %s: max_date: %w", f.path, err))
	}
	return f, errors.Join(errs...)
}

// checkCompute checks the operands of a computed field and works out how
// many decimal places its value shows.
func (c *Compiled) checkCompute(f *field) error {
	comp := f.def.Compute
	if !f.computed() {
		return nil
	}
	if comp == nil {
		return fmt.Errorf("field %s: a computed field needs 'compute'", f.path)
	}
	var paths []string
	switch {
	case !comp.Sum.IsZero():
		paths = []string{comp.Sum.Value}
	case len(comp.SumProduct) > 0:
		paths = definition.Refs(comp.SumProduct)
	case !comp.Script.IsZero():
		return nil
	default:
		return fmt.Errorf("field %s: 'compute' needs sum, sum_product or script", f.path)
	}
	dec := 0
	for _, p := range paths {
		target := c.byPath[p]
		if target == nil || target.group == nil {
			return fmt.Errorf("field %s: %s is not a field of a repeating group", f.path, p)
		}
		if f.group != nil && target.group != f.group {
			return fmt.Errorf("field %s: %s is not a field of its group %s", f.path, p, f.group.id)
		}
		if !target.def.Type.Number() {
			return fmt.Errorf("field %s: %s is a %s field, not a number", f.path, p, target.def.Type)
		}
		if target.computed() && target.group == f.group {
			return fmt.Errorf("field %s: %s is computed in the same entry", f.path, p)
		}
		if target.dec < 0 || dec < 0 {
			dec = -1
		} else {
			dec += target.dec
		}
		if comp.Sum.Value != "" {
			dec = target.dec
		}
	}
	f.dec = dec
	return nil
}

// Form returns the definition the form was compiled from.
func (c *Compiled) Form() *definition.Form { return c.def }

// Schema returns the JSON Schema (draft 2020-12) of the form's data. The
// caller must not modify it.
func (c *Compiled) Schema() []byte { return c.schema }

// Title returns the form's title in lang.
func (c *Compiled) Title(lang string) string { return c.def.Title.In(normLang(lang)) }

// normLang returns "en" for English and "de" for everything else.
func normLang(lang string) string {
	l := strings.ToLower(strings.TrimSpace(lang))
	if l == "en" || strings.HasPrefix(l, "en-") {
		return "en"
	}
	return "de"
}

func defaultLocation() *time.Location {
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return loc
	}
	return time.Local
}

func (c *Compiled) now() time.Time {
	if c.cfg.Now != nil {
		return c.cfg.Now().In(c.loc)
	}
	return time.Now().In(c.loc)
}

// computed reports whether the field's value is computed by the form
// rather than entered.
func (f *field) computed() bool { return f.kind != nil && f.kind.computed }

// isGroup reports whether the field is a repeating group of sub-fields.
func (f *field) isGroup() bool { return f.kind != nil && f.kind.shape == shapeGroup }

// isList reports whether the field's value is a list of values.
func (f *field) isList() bool { return f.kind.shape == shapeList }

// input reports whether the field's value comes from the client.
func (f *field) input() bool { return !f.computed() && !f.def.ReadOnly }
