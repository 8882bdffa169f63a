package form

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"vorgang/core/definition"
)

// Validate checks a submission — from the API as decoded JSON, or from a
// browser through DecodeForm — and returns the data to store. lang ("de",
// the default, or "en") is the language of the messages.
//
// It is the one path every submission takes, in this order:
//
//  1. Values are brought into the JSON data model (Go numbers become
//     float64); surrounding white space is removed from texts; empty
//     strings, empty lists and null count as absent; an absent visible
//     checkbox is false. Fields the form does not have are unknown_field,
//     values sent for computed or read-only fields are read_only.
//  2. sum and sum_product fields are computed, then visible_if of sections,
//     fields and group sub-fields is evaluated; hidden fields are dropped
//     from the data. Hiding can make further conditions fail, so this is
//     repeated until nothing changes (a field, once hidden, stays hidden).
//  3. required and required_if (evaluated on the visible data) and
//     min_items are checked.
//  4. The data is validated against the compiled JSON Schema; every schema
//     error is mapped to the field it concerns.
//  5. Date bounds (min_date, max_date, which may be relative to today) and
//     references (Config.Refs) are checked.
//  6. Every value that failed a check of steps 1–5 is dropped (sums are
//     worked out again without it); on what is left, script-computed fields
//     (Config.ComputeScript) and the form's validate script
//     (Config.ValidateScript) run. Their errors join those of steps 1–5, so
//     a submission shows all its errors at once.
//
// Each field gets at most one error, the first found: a hook's error at a
// field that failed before is left out (the hook did not see its value).
// With errors, clean is nil: nothing of an invalid submission is stored. A
// failing hook makes Validate refuse the submission with a form-level
// check_failed error besides the errors found before; use ValidateContext to
// tell such failures apart.
func (c *Compiled) Validate(data map[string]any, lang string) (clean map[string]any, errs []FieldError) {
	clean, errs, err := c.ValidateContext(context.Background(), data, lang)
	if err != nil {
		return nil, append(errs, c.fieldErrors([]problem{{code: CodeCheckFailed, row: -1}}, normLang(lang))...)
	}
	return clean, errs
}

// ValidateContext is Validate with a context for the hooks. err is set when a
// hook (reference check or script) failed; the submission must then be
// refused with a temporary error, not stored. errs then holds the errors
// found before the hook failed.
func (c *Compiled) ValidateContext(ctx context.Context, data map[string]any, lang string) (clean map[string]any, errs []FieldError, err error) {
	lang = normLang(lang)
	ck, err := c.check(ctx, data, lang, true)
	if !ck.ps.empty() {
		errs = c.fieldErrors(ck.ps.list, lang)
	}
	if err != nil || errs != nil {
		return nil, errs, err
	}
	return ck.work, nil, nil
}

// checked is what the checks of one submission found.
type checked struct {
	// work is the data after the checks: the visible values that passed
	// them, with the computed values. It is what the hooks saw.
	work   map[string]any
	hidden map[string]bool
	ps     problems
}

// check runs steps 1–6 of Validate; the form's validate script only with
// validate. On a hook's failure the checked data so far is returned with
// the error.
func (c *Compiled) check(ctx context.Context, data map[string]any, lang string, validate bool) (*checked, error) {
	ck := &checked{}
	ps := &ck.ps
	work := c.prepare(data, ps)
	ck.work = work
	ck.hidden = c.applyVisibility(work)
	c.checkRequired(work, ck.hidden, ps)
	if err := c.checkSchema(work, ps); err != nil {
		return ck, err
	}
	c.checkDates(work, ck.hidden, ps)
	if err := c.checkRefs(ctx, work, ck.hidden, ps); err != nil {
		return ck, err
	}
	if !ps.empty() {
		// Hooks never see a value that failed: they may rely on the
		// schema's types and bounds.
		c.dropFailed(work, ps)
		c.computeBuiltin(work, ck.hidden)
		c.dropFailed(work, ps)
	}
	if err := c.runScripts(ctx, work, ck.hidden, lang); err != nil {
		return ck, err
	}
	if validate && c.def.Validate.Value != "" && c.cfg.ValidateScript != nil {
		scriptErrs, err := c.cfg.ValidateScript(ctx, ScriptCall{Script: c.def.Validate.Value, Data: work, Lang: lang})
		if err != nil {
			return ck, fmt.Errorf("form %s: validate script %s: %w", c.def.ID.Value, c.def.Validate.Value, err)
		}
		for _, fe := range scriptErrs {
			ps.add(c.scriptProblem(fe))
		}
	}
	return ck, nil
}

// dropFailed removes from work every value a problem is about: a field, a
// group entry (left empty, so the other entries keep their places) or a
// sub-field of an entry. Form-level problems and unknown fields concern no
// value of work.
func (c *Compiled) dropFailed(work map[string]any, ps *problems) {
	for _, p := range ps.list {
		head, row, sub := splitPath(p.path)
		if head == "" {
			continue
		}
		if row < 0 {
			delete(work, head)
			continue
		}
		list, _ := work[head].([]any)
		if row >= len(list) {
			continue
		}
		if sub == "" {
			list[row] = map[string]any{}
			continue
		}
		if entry, ok := list[row].(map[string]any); ok {
			delete(entry, sub)
		}
	}
}

// scriptProblem is a validate script's error as a problem, at its field
// when the form has one, so it is sorted with the others.
func (c *Compiled) scriptProblem(fe FieldError) problem {
	p := problem{path: fe.Field, code: fe.Code, row: -1, msg: fe.Message}
	head, row, sub := splitPath(fe.Field)
	switch {
	case row >= 0 && sub != "":
		if g := c.byPath[head]; g != nil && g.isGroup() {
			p.f, p.row = c.byPath[head+"."+sub], row
		}
	case row < 0:
		if f := c.byPath[head]; f != nil && f.group == nil {
			p.f = f
		}
	}
	return p
}

// prepare copies data into the JSON data model and normalises it per field
// type (step 1 of Validate).
func (c *Compiled) prepare(data map[string]any, ps *problems) map[string]any {
	work := map[string]any{}
	for _, k := range sortedKeys(data) {
		f := c.byPath[k]
		if f == nil || f.group != nil {
			ps.add(problem{path: k, code: CodeUnknownField, row: -1})
			continue
		}
		v := canonReport(data[k], nil, func(at []string) { c.badValue(f, at, ps) })
		if v == nil {
			continue
		}
		if !f.input() {
			ps.add(problem{path: k, code: CodeReadOnly, f: f, row: -1})
			continue
		}
		if v = c.normValue(f, v, ps); v != nil {
			work[k] = v
		}
	}
	c.fillDefaults(work, c.fields)
	c.boundLists(work, ps)
	return work
}

// badValue reports a value without JSON meaning (NaN, a Go struct) at a
// position below field f.
func (c *Compiled) badValue(f *field, at []string, ps *problems) {
	p := problem{path: f.id, code: CodeInvalidType, f: f, row: -1}
	if f.isGroup() && len(at) > 0 {
		if row, err := strconv.Atoi(at[0]); err == nil {
			p.row, p.path = row, f.id+"["+at[0]+"]"
			if len(at) > 1 {
				p.path = entryPath(f.id, row, at[1])
				p.f = c.byPath[f.id+"."+at[1]]
			}
		}
	}
	ps.add(p)
}

// fillDefaults sets what the client does not send: false for an absent
// checkbox, the default of a read-only field.
func (c *Compiled) fillDefaults(m map[string]any, fields []*field) {
	for _, f := range fields {
		if _, ok := m[f.id]; ok {
			continue
		}
		switch {
		case f.kind.absent != nil && f.input():
			m[f.id] = f.kind.absent
		case f.def.ReadOnly && !f.computed() && f.def.Default != nil:
			if v, ok := canon(f.def.Default); ok && v != nil {
				m[f.id] = v
			}
		}
	}
}

// boundLists reports lists longer than their field allows and cuts them
// short, so the work done on a submission does not grow with what a client
// sends (JSON Schema's uniqueItems compares every pair).
func (c *Compiled) boundLists(work map[string]any, ps *problems) {
	cut := func(f *field, m map[string]any, path string, row int) {
		list, ok := m[f.id].([]any)
		if !ok || len(list) <= f.maxItems() {
			return
		}
		ps.add(problem{path: path, code: CodeTooMany, f: f, row: row, param: f.maxItems()})
		m[f.id] = list[:f.maxItems()+1]
	}
	for _, f := range c.fields {
		switch f.kind.shape {
		case shapeList:
			cut(f, work, f.path, -1)
		case shapeGroup:
			cut(f, work, f.path, -1)
			f.eachSubField(work, func(i int, entry map[string]any, s *field, path string) error {
				if s.isList() {
					cut(s, entry, path, i)
				}
				return nil
			})
		}
	}
}

// normValue normalises one value of field f; nil means absent.
func (c *Compiled) normValue(f *field, v any, ps *problems) any {
	switch f.kind.shape {
	case shapeValue:
		if s, ok := v.(string); ok {
			return f.kind.norm(f, s)
		}
	case shapeList:
		list, ok := v.([]any)
		if !ok {
			return v
		}
		out := make([]any, 0, len(list))
		for _, e := range list {
			if s, ok := e.(string); ok {
				e = f.kind.norm(f, s)
			}
			if e != nil {
				out = append(out, e)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case shapeGroup:
		list, ok := v.([]any)
		if !ok {
			return v
		}
		if len(list) == 0 {
			return nil
		}
		for i, e := range list {
			entry, ok := e.(map[string]any)
			if !ok {
				ps.add(problem{path: f.id + "[" + strconv.Itoa(i) + "]", code: CodeInvalidType, f: f, row: i})
				continue
			}
			clean := map[string]any{}
			for _, k := range sortedKeys(entry) {
				path := entryPath(f.id, i, k)
				sub := c.byPath[f.id+"."+k]
				if sub == nil {
					ps.add(problem{path: path, code: CodeUnknownField, row: i})
					continue
				}
				sv := entry[k]
				if sv == nil {
					continue
				}
				if !sub.input() {
					ps.add(problem{path: path, code: CodeReadOnly, f: sub, row: i})
					continue
				}
				if sv = c.normValue(sub, sv, ps); sv != nil {
					clean[k] = sv
				}
			}
			c.fillDefaults(clean, f.sub)
			list[i] = clean
		}
		return list
	}
	return v
}

// Kind.norm of texts: trimmed, a textarea's line breaks as "\n", a fixed
// option's text as the option's value, a number or checkbox as sent (the
// schema refuses a string).
func normTrim(_ *field, s string) any  { return normText(s, false) }
func normLines(_ *field, s string) any { return normText(s, true) }
func normKeep(_ *field, s string) any  { return s }
func normOption(f *field, s string) any {
	if t := normText(s, false); t != nil {
		return f.matchOption(t.(string))
	}
	return nil
}

// normText trims a text; textarea line breaks become "\n". A blank text is
// absent (nil).
func normText(s string, multiline bool) any {
	if multiline {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	return s
}

// matchOption returns the option value whose text is s, so "1" sent by a
// browser becomes the number 1 of `value: 1`; other strings are kept as they
// are (and fail the schema's enum).
func (f *field) matchOption(s string) any {
	for _, o := range f.def.Options {
		if valueString(o.Value) == s {
			v, _ := canon(o.Value)
			return v
		}
	}
	return s
}

// applyVisibility computes sum fields and drops hidden fields from work
// until nothing changes (step 2 of Validate). It returns the hidden paths:
// "field", "group[2].sub".
func (c *Compiled) applyVisibility(work map[string]any) map[string]bool {
	hidden := map[string]bool{}
	hiddenSections := map[*section]bool{}
	hide := func(m map[string]any, key, path string) {
		hidden[path] = true
		delete(m, key)
	}
	for {
		c.computeBuiltin(work, hidden)
		changed := false
		for _, s := range c.sections {
			if s.def == nil || s.def.VisibleIf == nil || hiddenSections[s] {
				continue
			}
			if !EvalCondition(s.def.VisibleIf, work) {
				hiddenSections[s] = true
				changed = true
				for _, f := range s.fields {
					hide(work, f.id, f.path)
				}
			}
		}
		for _, f := range c.fields {
			if hidden[f.path] {
				continue
			}
			if f.def.VisibleIf != nil && !EvalCondition(f.def.VisibleIf, work) {
				hide(work, f.id, f.path)
				changed = true
				continue
			}
			if !f.isGroup() {
				continue
			}
			f.eachSubField(work, func(i int, entry map[string]any, s *field, p string) error {
				if !hidden[p] && s.def.VisibleIf != nil && !EvalConditionEntry(s.def.VisibleIf, work, f.id, i) {
					hide(entry, s.id, p)
					changed = true
				}
				return nil
			})
		}
		if !changed {
			return hidden
		}
	}
}

// checkRequired checks required, required_if and min_items of the visible
// fields (step 3 of Validate).
func (c *Compiled) checkRequired(work map[string]any, hidden map[string]bool, ps *problems) {
	for _, f := range c.fields {
		if hidden[f.path] || !f.input() {
			continue
		}
		req := f.def.Required || (f.def.RequiredIf != nil && EvalCondition(f.def.RequiredIf, work))
		c.checkPresent(f, work[f.id], req, f.path, -1, ps)
		if !f.isGroup() {
			continue
		}
		f.eachSubField(work, func(i int, entry map[string]any, s *field, p string) error {
			if !hidden[p] && s.input() {
				req := s.def.Required || (s.def.RequiredIf != nil && EvalConditionEntry(s.def.RequiredIf, work, f.id, i))
				c.checkPresent(s, entry[s.id], req, p, i, ps)
			}
			return nil
		})
	}
}

func (c *Compiled) checkPresent(f *field, v any, required bool, path string, row int, ps *problems) {
	if !isEmpty(v) {
		return
	}
	switch {
	case required:
		ps.add(problem{path: path, code: CodeRequired, f: f, row: row})
	case f.minItems() > 0:
		ps.add(problem{path: path, code: CodeTooFew, f: f, row: row, param: f.minItems()})
	}
}

// checkSchema validates work against the compiled schema and maps each error
// to its field (step 4 of Validate).
func (c *Compiled) checkSchema(work map[string]any, ps *problems) error {
	err := c.compiled.Validate(work)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("form %s: validate: %w", c.def.ID.Value, err)
	}
	var leaves []*jsonschema.ValidationError
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			leaves = append(leaves, e)
			return
		}
		for _, sub := range e.Causes {
			walk(sub)
		}
	}
	walk(ve)
	for _, e := range leaves {
		c.mapSchemaError(e, ps)
	}
	return nil
}

var quotedName = regexp.MustCompile(`'([^']*)'`)

// mapSchemaError turns one schema error into a problem of the field at its
// instance location.
func (c *Compiled) mapSchemaError(e *jsonschema.ValidationError, ps *problems) {
	kw := e.KeywordLocation[strings.LastIndexByte(e.KeywordLocation, '/')+1:]
	segs := pointerSegments(e.InstanceLocation)
	f, row, path, element := c.locate(segs)
	switch kw {
	case "required", "additionalProperties":
		code := CodeRequired
		if kw == "additionalProperties" {
			code = CodeUnknownField
		}
		for _, m := range quotedName.FindAllStringSubmatch(e.Message, -1) {
			sf, srow, spath, _ := c.locate(append(append([]string(nil), segs...), m[1]))
			if code == CodeUnknownField {
				sf = nil
			}
			ps.add(problem{path: spath, code: code, f: sf, row: srow})
		}
		return
	}
	p := problem{path: path, f: f, row: row}
	switch {
	case element && kw == "enum":
		p.code = CodeNotAnOption
	case element:
		p.code = CodeInvalidType
	case kw == "type":
		p.code = CodeInvalidType
		if f != nil {
			p.code = f.kind.typeCode
		}
	case kw == "format":
		p.code = CodeInvalidDate
		if f != nil && f.kind.formatCode != "" {
			p.code = f.kind.formatCode
		}
	case kw == "enum":
		p.code = CodeNotAnOption
	case kw == "const":
		p.code = CodeRequired
	case kw == "minLength" && f != nil && f.def.MinLength != nil:
		p.code, p.param = CodeTooShort, *f.def.MinLength
	case kw == "maxLength" && f != nil:
		p.code, p.param = CodeTooLong, f.maxLength()
	case kw == "pattern":
		p.code = CodePattern
	case kw == "minimum" && f != nil && f.def.Min != nil:
		p.code, p.param = CodeTooSmall, *f.def.Min
	case kw == "maximum" && f != nil && f.def.Max != nil:
		p.code, p.param = CodeTooLarge, *f.def.Max
	case kw == "multipleOf" && f != nil && f.def.Step != nil:
		p.code, p.param = CodeStepMismatch, *f.def.Step
	case kw == "minItems" && f != nil:
		p.code, p.param = CodeTooFew, max(f.minItems(), 1)
	case kw == "maxItems" && f != nil:
		p.code, p.param = CodeTooMany, f.maxItems()
	case kw == "uniqueItems":
		p.code = CodeDuplicate
	default:
		p.code = CodeInvalidType
	}
	ps.add(p)
}

// locate finds the field at a JSON pointer into the data. element is true
// for a value inside a multiselect or file list (its error belongs to the
// field).
func (c *Compiled) locate(segs []string) (f *field, row int, path string, element bool) {
	row = -1
	if len(segs) == 0 {
		return nil, -1, "", false
	}
	f = c.byPath[segs[0]]
	if f != nil && f.group != nil {
		f = nil
	}
	path = segs[0]
	if f == nil || len(segs) == 1 {
		return f, row, path, false
	}
	switch f.kind.shape {
	case shapeGroup:
		n, err := strconv.Atoi(segs[1])
		if err != nil {
			return f, row, path, false
		}
		row = n
		path = f.id + "[" + segs[1] + "]"
		if len(segs) == 2 {
			return f, row, path, false
		}
		path = entryPath(f.id, n, segs[2])
		sub := c.byPath[f.id+"."+segs[2]]
		element = sub != nil && len(segs) > 3
		return sub, row, path, element
	case shapeList:
		return f, row, path, true
	}
	return f, row, path, false
}

// pointerSegments splits a JSON pointer ("/items/2/price") into unescaped
// segments.
func pointerSegments(ptr string) []string {
	if ptr == "" || ptr == "/" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return parts
}

// checkDates checks min_date and max_date of visible, well-formed dates.
func (c *Compiled) checkDates(work map[string]any, hidden map[string]bool, ps *problems) {
	now := c.now()
	check := func(f *field, v any, path string, row int) {
		if f.kind.day == dayNone || ps.has(path) || (!f.minDate.set && !f.maxDate.set) {
			return
		}
		s, ok := v.(string)
		if !ok {
			return
		}
		day, ok := valueDay(s, f.kind.day == dayInstant, c.loc)
		if !ok {
			return
		}
		if f.minDate.set {
			if b := f.minDate.day(now); day.Before(b) {
				ps.add(problem{path: path, code: CodeTooEarly, f: f, row: row, param: b})
				return
			}
		}
		if f.maxDate.set {
			if b := f.maxDate.day(now); day.After(b) {
				ps.add(problem{path: path, code: CodeTooLate, f: f, row: row, param: b})
			}
		}
	}
	c.eachValue(work, hidden, check)
}

// eachValue calls fn for every visible field value in work, sub-fields of
// group entries included.
func (c *Compiled) eachValue(work map[string]any, hidden map[string]bool, fn func(f *field, v any, path string, row int)) {
	for _, f := range c.fields {
		v, ok := work[f.id]
		if !ok || hidden[f.path] {
			continue
		}
		fn(f, v, f.path, -1)
		if !f.isGroup() {
			continue
		}
		list, _ := v.([]any)
		for i, e := range list {
			entry, ok := e.(map[string]any)
			if !ok {
				continue
			}
			for _, s := range f.sub {
				p := entryPath(f.id, i, s.id)
				if sv, ok := entry[s.id]; ok && !hidden[p] {
					fn(s, sv, p, i)
				}
			}
		}
	}
}

// isReference reports whether the field's values are ids of stored records.
func (f *field) isReference() bool { return f.kind.ref(f.def) }

// Kind.ref: user, asset and file values are ids; select values are when
// they come from a lookup.
func refAlways(*definition.Field) bool   { return true }
func refNever(*definition.Field) bool    { return false }
func refLookup(d *definition.Field) bool { return d.Lookup != nil }

// checkRefs asks Config.Refs about the ids of reference fields (step 5).
func (c *Compiled) checkRefs(ctx context.Context, work map[string]any, hidden map[string]bool, ps *problems) error {
	if c.cfg.Refs == nil {
		return nil
	}
	type use struct {
		path string
		row  int
	}
	type refs struct {
		f    *field
		ids  []string
		uses map[string][]use
	}
	var order []*refs
	byField := map[*field]*refs{}
	c.eachValue(work, hidden, func(f *field, v any, path string, row int) {
		if !f.isReference() || ps.has(path) {
			return
		}
		r := byField[f]
		if r == nil {
			r = &refs{f: f, uses: map[string][]use{}}
			byField[f] = r
			order = append(order, r)
		}
		add := func(id string) {
			if _, seen := r.uses[id]; !seen {
				r.ids = append(r.ids, id)
			}
			r.uses[id] = append(r.uses[id], use{path, row})
		}
		switch x := v.(type) {
		case string:
			add(x)
		case []any:
			for _, e := range x {
				if s, ok := e.(string); ok {
					add(s)
				}
			}
		}
	})
	for _, r := range order {
		found, err := c.cfg.Refs.CheckRefs(ctx, Ref{Path: r.f.path, Field: r.f.def}, r.ids)
		if err != nil {
			return fmt.Errorf("form %s: check references of %s: %w", c.def.ID.Value, r.f.path, err)
		}
		for _, p := range found {
			code := p.Code
			switch code {
			case CodeUnknownReference, CodeNotAnOption, CodeFileType, CodeFileTooLarge, CodeRetired:
			default:
				code = CodeUnknownReference
			}
			for _, u := range r.uses[p.ID] {
				ps.add(problem{path: u.path, code: code, f: r.f, row: u.row})
			}
		}
	}
	return nil
}

// runScripts computes the visible script-computed fields (step 6).
func (c *Compiled) runScripts(ctx context.Context, work map[string]any, hidden map[string]bool, lang string) error {
	if c.cfg.ComputeScript == nil {
		return nil
	}
	run := func(f *field, path string, entry map[string]any) error {
		v, err := c.cfg.ComputeScript(ctx, ScriptCall{Script: f.def.Compute.Script.Value, Field: path, Data: work, Entry: entry, Lang: lang})
		if err != nil {
			return fmt.Errorf("form %s: compute %s with script %s: %w", c.def.ID.Value, path, f.def.Compute.Script.Value, err)
		}
		cv, ok := canon(v)
		if !ok {
			return fmt.Errorf("form %s: compute %s with script %s: result %T is not JSON data", c.def.ID.Value, path, f.def.Compute.Script.Value, v)
		}
		target := work
		if entry != nil {
			target = entry
		}
		if cv == nil {
			delete(target, f.id)
		} else {
			target[f.id] = cv
		}
		return nil
	}
	isScript := func(f *field) bool {
		return f.computed() && f.def.Compute != nil && !f.def.Compute.Script.IsZero()
	}
	for _, f := range c.fields {
		if hidden[f.path] {
			continue
		}
		if f.isGroup() {
			err := f.eachSubField(work, func(_ int, entry map[string]any, s *field, p string) error {
				if isScript(s) && !hidden[p] {
					return run(s, p, entry)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	for _, f := range c.fields {
		if isScript(f) && !hidden[f.path] {
			if err := run(f, f.path, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
