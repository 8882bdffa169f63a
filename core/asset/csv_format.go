package asset

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"vorgang/core/definition"
	"vorgang/core/form"
)

// CSV conventions, shared by import and export (docs/assets.md):
// UTF-8 (a leading byte order mark is ignored), a header row of column
// names, ',' or ';' as separator (whichever the header uses), several
// values in one cell (multiselect fields, relations with many targets)
// separated by '|', checkboxes as ja/nein (also yes/no, true/false, 1/0,
// x). Group fields are not part of the format: import keeps them as
// stored, export leaves them out.
const (
	ColumnNumber = "inventory_number"
	ColumnName   = "name"
	ColumnStatus = "status"
	listSep      = "|"
)

// column is one CSV column of a class.
type column struct {
	name     string
	field    *definition.Field         // a data field, or nil
	cell     form.Cell                 // how the field's value sits in a cell
	relation *definition.AssetRelation // a relation, or nil
}

// csvColumns are a class's columns in export order.
func csvColumns(c *definition.AssetClass) []column {
	cols := []column{{name: ColumnNumber}, {name: ColumnName}, {name: ColumnStatus}}
	for i := range c.Fields {
		f := &c.Fields[i]
		cell := form.KindOf(f.Type).Cell()
		if cell == form.CellNone {
			continue
		}
		cols = append(cols, column{name: f.ID.Value, field: f, cell: cell})
	}
	for i := range c.Relations {
		cols = append(cols, column{name: c.Relations[i].ID.Value, relation: &c.Relations[i]})
	}
	return cols
}

// builtinLabels are the headers, besides the ids, that name the columns
// every class has (German and English, as a spreadsheet user writes them).
var builtinLabels = map[string][]string{
	ColumnNumber: {"Inventarnummer", "Inventar-Nr.", "Inventory number"},
	ColumnName:   {"Name", "Bezeichnung"},
	ColumnStatus: {"Status"},
}

// findColumn returns the column a header names: by id (exactly, then in
// any case), else by the German or English label of the field or the
// title of the relation, in any case.
func findColumn(cols []column, header string) (column, bool) {
	if i := slices.IndexFunc(cols, func(c column) bool { return c.name == header }); i >= 0 {
		return cols[i], true
	}
	for _, c := range cols {
		if strings.EqualFold(c.name, header) || slices.ContainsFunc(c.labels(), func(l string) bool { return strings.EqualFold(l, header) }) {
			return c, true
		}
	}
	return column{}, false
}

// labels are the other headers that name the column.
func (c column) labels() []string {
	var l definition.Label
	switch {
	case c.field != nil:
		l = c.field.Label
	case c.relation != nil:
		l = c.relation.Title
	default:
		return builtinLabels[c.name]
	}
	var out []string
	for _, s := range []string{l.De, l.En} {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// statusID returns the status a cell names, by id or by its German or
// English title in any case; a cell naming none is returned as it is (and
// refused as unknown_status).
func statusID(c *definition.AssetClass, cell string) string {
	for _, st := range c.Statuses {
		if st.ID.Value == cell {
			return cell
		}
	}
	for _, st := range c.Statuses {
		if strings.EqualFold(st.ID.Value, cell) || strings.EqualFold(st.Title.De, cell) || strings.EqualFold(st.Title.En, cell) {
			return st.ID.Value
		}
	}
	return cell
}

// optionValue returns the option value a cell of a select or multiselect
// field names, by value or by its German or English label in any case; a
// cell naming none is returned as it is (and refused as not_an_option).
func optionValue(f *definition.Field, cell string) string {
	if f == nil || len(f.Options) == 0 {
		return cell
	}
	for _, o := range f.Options {
		if fmt.Sprint(o.Value) == cell {
			return cell
		}
	}
	for _, o := range f.Options {
		if v := fmt.Sprint(o.Value); strings.EqualFold(v, cell) || strings.EqualFold(o.Label.De, cell) || strings.EqualFold(o.Label.En, cell) {
			return v
		}
	}
	return cell
}

// parseBool reads a checkbox cell; ok is false for anything else.
func parseBool(s string) (v, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "ja", "yes", "true", "wahr", "1", "x":
		return true, true
	case "", "nein", "no", "false", "falsch", "0":
		return false, true
	}
	return false, false
}

func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, listSep)
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// cellOf renders a stored value as a cell.
func cellOf(f *definition.Field, v any) string {
	switch x := plain(v).(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "ja"
		}
		return "nein"
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = cellOf(f, e)
		}
		return strings.Join(parts, listSep)
	default:
		return fmt.Sprint(x)
	}
}
