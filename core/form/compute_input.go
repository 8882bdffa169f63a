package form

import (
	"context"
	"strconv"
)

// Computed is the value of one computed field for an input being filled in.
type Computed struct {
	// Field is the field's path as errors name it: "fee", "items[2].total".
	Field string `json:"field"`
	// Value is the computed value; nil when there is none (the field is
	// hidden, a script left it out, or a value it needs failed a check).
	Value any `json:"value"`
	// Text is the value as the form shows it, in the language asked for:
	// numbers with the field's decimals, "59,97" on a German page.
	Text string `json:"text"`
}

// Computes reports whether the form has computed fields (in groups too).
func (c *Compiled) Computes() bool {
	for _, f := range c.fields {
		if f.computed() {
			return true
		}
		for _, s := range f.sub {
			if s.computed() {
				return true
			}
		}
	}
	return false
}

// Compute returns the values of the form's computed fields for data — an
// input still being filled in — as a submission of it would get them: sums
// first, then the compute scripts (Config.ComputeScript), which see only
// the visible values that pass the form's checks (Validate, step 6). The
// form's validate script does not run and nothing is refused: the errors
// of the input are for its submission to report. Every computed field is
// listed, with the sub-fields of each entry of data's groups, in the order
// of the form. err is set when a script failed.
func (c *Compiled) Compute(ctx context.Context, data map[string]any, lang string) ([]Computed, error) {
	lang = normLang(lang)
	ck, err := c.check(ctx, data, lang, false)
	if err != nil {
		return nil, err
	}
	var out []Computed
	add := func(f *field, path string, from map[string]any) {
		v := from[f.id]
		text := ""
		if n, ok := v.(float64); ok {
			text = formatNumber(n, f.dec, lang)
		} else {
			text = valueString(v)
		}
		out = append(out, Computed{Field: path, Value: v, Text: text})
	}
	for _, f := range c.fields {
		if f.computed() {
			add(f, f.path, ck.work)
		}
		if !f.isGroup() {
			continue
		}
		list, _ := ck.work[f.id].([]any)
		for i, e := range list {
			entry, _ := e.(map[string]any)
			for _, s := range f.sub {
				if s.computed() {
					add(s, entryPath(f.id, i, s.id), entry)
				}
			}
		}
	}
	return out, nil
}

// Passed returns the data hooks see for a submission (Validate, step 6):
// its visible values that pass the form's checks, with the computed
// values; the form's validate script does not run. Hooks outside the form
// (a process's validate hook) use it to check a refused submission too.
func (c *Compiled) Passed(ctx context.Context, data map[string]any, lang string) (map[string]any, error) {
	ck, err := c.check(ctx, data, normLang(lang), false)
	if err != nil {
		return nil, err
	}
	return ck.work, nil
}

// WithComputed returns a copy of data with the values Compute finds set in
// its computed fields, for showing an input again (a refused submission)
// with what it computes. Group entries keep their places.
func (c *Compiled) WithComputed(ctx context.Context, data map[string]any, lang string) (map[string]any, error) {
	values, err := c.Compute(ctx, data, lang)
	if err != nil {
		return nil, err
	}
	cp, ok := canon(data)
	out, _ := cp.(map[string]any)
	if !ok || out == nil {
		out = map[string]any{}
	}
	for _, v := range values {
		target, key := out, v.Field
		if head, row, sub := splitPath(v.Field); row >= 0 {
			list, _ := out[head].([]any)
			if row >= len(list) {
				continue
			}
			entry, ok := list[row].(map[string]any)
			if !ok {
				continue
			}
			target, key = entry, sub
		}
		if v.Value == nil {
			delete(target, key)
		} else {
			target[key] = v.Value
		}
	}
	return out, nil
}

// ControlName returns the name of the control a field path of this post's
// Data stands for, with the entry's number as the browser sent it:
// "items[1].total" is "items[4][total]" when the browser's entries 0 to 3
// were empty. Compute's answers go back to the page under these names.
func (s Submission) ControlName(path string) string {
	head, row, sub := splitPath(path)
	if row < 0 {
		return path
	}
	if rows := s.Entries[head]; row < len(rows) {
		row = rows[row]
	}
	return head + "[" + strconv.Itoa(row) + "][" + sub + "]"
}
