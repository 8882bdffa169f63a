package form

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Submission is a browser form post decoded by DecodeForm.
type Submission struct {
	// Data is the form data, ready for Validate.
	Data map[string]any
	// Add is the id of the group whose "add an entry" button was pressed
	// (_add=items). Show the form again with RenderOptions.Add set instead
	// of saving.
	Add string
	// Remove is the path of the entry whose remove button was pressed
	// (_remove=items[2]). The entry is already gone from Data; show the form
	// again instead of saving.
	Remove string
	// Entries gives, for each group of Data, the number each of its
	// entries had in the post (items[3][…] is 3): Data's entries are
	// renumbered from 0, without the empty ones.
	Entries map[string][]int
}

// Save reports whether the post is a submission to save, not a request to
// add or remove a group entry.
func (s Submission) Save() bool { return s.Add == "" && s.Remove == "" }

// groupName matches the name of a group sub-field control: items[0][price].
var groupName = regexp.MustCompile(`^([a-z][a-z0-9_]*)\[([0-9]{1,6})\]\[([a-z][a-z0-9_]*)\](\[\])?$`)

// DecodeForm turns the values of an HTML form post (application/x-www-form-
// urlencoded, or the text parts of multipart/form-data with uploaded files
// already replaced by their attachment ids) into form data, so browser and
// API submissions take the same path through Validate. lang is the page's
// language; it decides how ambiguous numbers like "1.234" are read.
//
// Conventions: a group sub-field is named items[0][price]; an empty value is
// absent; a checkbox is true when sent with any value ("on"); numbers are
// accepted in German (1.234,5) and English (1,234.5) notation; dates as
// 2026-12-24 or 24.12.2026; date-times as sent by <input
// type="datetime-local"> in Config.Location. A value that cannot be read is
// kept as text, so Validate reports it (not_a_number, invalid_date). Group
// entries are renumbered in order and entries without any value dropped —
// the empty entry the form always offers is not an error. Names starting
// with "_" belong to the web layer (_csrf, _token, _add, _remove) and are not
// data. Values sent for computed or read-only fields are ignored: a browser
// sends back what a read-only input shows.
func (c *Compiled) DecodeForm(values map[string][]string, lang string) Submission {
	lang = normLang(lang)
	sub := Submission{Data: map[string]any{}}
	rows := map[string]map[int]map[string][]string{} // group → entry → sub-field → values
	for _, name := range sortedNames(values) {
		vals := values[name]
		switch {
		case name == "_add":
			if g := c.byPath[firstValue(vals)]; g != nil && g.isGroup() && g.group == nil {
				sub.Add = g.id
			}
			continue
		case name == "_remove":
			sub.Remove = firstValue(vals)
			continue
		case strings.HasPrefix(name, "_"):
			continue
		}
		if m := groupName.FindStringSubmatch(name); m != nil {
			if g := c.byPath[m[1]]; g != nil && g.isGroup() && g.group == nil {
				i, _ := strconv.Atoi(m[2])
				if rows[g.id] == nil {
					rows[g.id] = map[int]map[string][]string{}
				}
				if rows[g.id][i] == nil {
					rows[g.id][i] = map[string][]string{}
				}
				rows[g.id][i][m[3]] = append(rows[g.id][i][m[3]], vals...)
				continue
			}
		}
		key := strings.TrimSuffix(name, "[]")
		f := c.byPath[key]
		if f == nil || f.group != nil {
			// Not a field: keep it, so Validate reports unknown_field.
			if v := firstValue(vals); v != "" {
				sub.Data[name] = v
			}
			continue
		}
		if !f.input() {
			continue
		}
		if v := f.kind.decode(c, f, vals, lang); v != nil {
			sub.Data[key] = v
		}
	}
	for _, g := range c.fields {
		entries := rows[g.id]
		if !g.isGroup() || len(entries) == 0 {
			continue
		}
		idx := make([]int, 0, len(entries))
		for i := range entries {
			idx = append(idx, i)
		}
		sort.Ints(idx)
		var list []any
		for _, i := range idx {
			if sub.Remove == g.id+"["+strconv.Itoa(i)+"]" {
				continue
			}
			entry := map[string]any{}
			blank := true
			for _, name := range sortedNames(entries[i]) {
				vals := entries[i][name]
				s := c.byPath[g.id+"."+name]
				if s == nil {
					if v := firstValue(vals); v != "" {
						entry[name] = v
						blank = false
					}
					continue
				}
				if !s.input() {
					continue
				}
				if v := s.kind.decode(c, s, vals, lang); v != nil {
					entry[name] = v
					if !isEmpty(v) {
						blank = false
					}
				}
			}
			if blank {
				continue
			}
			list = append(list, entry)
			if sub.Entries == nil {
				sub.Entries = map[string][]int{}
			}
			sub.Entries[g.id] = append(sub.Entries[g.id], i)
			if len(list) > g.maxItems() {
				break // enough for Validate to report too_many
			}
		}
		if len(list) > 0 {
			sub.Data[g.id] = list
		}
	}
	return sub
}

// decodeText is Kind.decode of texts: the first value, normalised as in
// Validate.
func decodeText(_ *Compiled, f *field, vals []string, _ string) any {
	return f.kind.norm(f, firstValue(vals))
}

// decodeParsed is Kind.decode of values typed as text: the first value,
// trimmed and read by parse; kept as text when parse cannot read it.
func decodeParsed(parse func(c *Compiled, s, lang string) (any, bool)) func(c *Compiled, f *field, vals []string, lang string) any {
	return func(c *Compiled, _ *field, vals []string, lang string) any {
		t := normText(firstValue(vals), false)
		if t == nil {
			return nil
		}
		s := t.(string)
		if v, ok := parse(c, s, lang); ok {
			return v
		}
		return s
	}
}

// parseNumber, parseDate and parseDateTime are what decodeParsed reads
// numbers, dates and date-times with.
func parseNumber(_ *Compiled, s, lang string) (any, bool) { return parseLocaleNumber(s, lang) }
func parseDate(_ *Compiled, s, _ string) (any, bool)      { return parseDateInput(s) }
func parseDateTime(c *Compiled, s, _ string) (any, bool)  { return parseDateTimeInput(s, c.loc) }

// decodeList is Kind.decode of lists: every value, normalised as in
// Validate, the blank ones left out.
func decodeList(_ *Compiled, f *field, vals []string, _ string) any {
	var out []any
	for _, v := range vals {
		if len(out) > f.maxItems() {
			break // enough for Validate to report too_many
		}
		if e := f.kind.norm(f, v); e != nil {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// decodeCheckbox is Kind.decode of a checkbox: true when sent with any
// value.
func decodeCheckbox(_ *Compiled, _ *field, vals []string, _ string) any {
	for _, v := range vals {
		if v != "" {
			return true
		}
	}
	return nil
}

// decodeRaw is Kind.decode of a group: its entries come as items[0][price];
// a plain value is kept as sent so Validate reports invalid_type.
func decodeRaw(_ *Compiled, _ *field, vals []string, _ string) any {
	if v := firstValue(vals); v != "" {
		return v
	}
	return nil
}

// parseLocaleNumber reads a number as people type it. Spaces are ignored. A
// string with both "." and "," uses the last of them as decimal separator
// and the other for grouping. Several of the same separator are grouping. A
// single separator is a decimal separator, except when it is the page
// language's grouping separator ("." in German, "," in English) and followed
// by exactly three digits after one to three leading digits: "1.234" is 1234
// on a German page and 1.234 on an English one; "12,5" and "12.5" are 12.5 on
// both. Grouping must be in threes ("1.23.4" is not a number).
func parseLocaleNumber(s, lang string) (float64, bool) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f', '\t':
			return -1
		case '\u2212': // minus sign
			return '-'
		}
		return r
	}, s)
	sign := ""
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		sign, s = s[:1], s[1:]
	}
	if s == "" || strings.Trim(s, "0123456789.,") != "" {
		return 0, false
	}
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	group, dec := byte(0), byte(0)
	switch {
	case dots > 0 && commas > 0:
		if strings.LastIndexByte(s, '.') > strings.LastIndexByte(s, ',') {
			group, dec = ',', '.'
		} else {
			group, dec = '.', ','
		}
	case dots > 1:
		group = '.'
	case commas > 1:
		group = ','
	case dots == 1 || commas == 1:
		sep := byte('.')
		if commas == 1 {
			sep = ','
		}
		langGroup := byte('.')
		if lang == "en" {
			langGroup = ','
		}
		if sep == langGroup && groupedInThrees(s, sep) {
			group = sep
		} else {
			dec = sep
		}
	}
	if dec != 0 && strings.Count(s, string(dec)) > 1 {
		return 0, false
	}
	intPart, frac := s, ""
	if dec != 0 {
		i := strings.IndexByte(s, dec)
		intPart, frac = s[:i], s[i+1:]
		if frac == "" || strings.ContainsAny(frac, ".,") {
			return 0, false
		}
	}
	if group != 0 {
		if !groupedInThrees(intPart, group) {
			return 0, false
		}
		intPart = strings.ReplaceAll(intPart, string(group), "")
	}
	if intPart == "" {
		intPart = "0" // ",5"
	}
	num := sign + intPart
	if frac != "" {
		num += "." + frac
	}
	if !plainNumber.MatchString(num) {
		return 0, false
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, false
	}
	if f == 0 {
		f = 0 // no negative zero
	}
	return f, true
}

// groupedInThrees reports whether s is digits grouped by sep: one to three
// leading digits (not a leading zero unless alone), then groups of three.
func groupedInThrees(s string, sep byte) bool {
	parts := strings.Split(s, string(sep))
	if len(parts) < 2 {
		return false
	}
	first := parts[0]
	if len(first) < 1 || len(first) > 3 || (first[0] == '0') {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

func firstValue(vals []string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

func sortedNames[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
