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

func findColumn(cols []column, name string) (column, bool) {
	i := slices.IndexFunc(cols, func(c column) bool { return c.name == name })
	if i < 0 {
		return column{}, false
	}
	return cols[i], true
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
