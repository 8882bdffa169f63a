package asset

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"vorgang/core/auth"
	"vorgang/core/fault"
)

// Export writes the assets matching q as CSV in the format Import reads:
// the header names every column of the class, so a file exported, edited
// and imported again changes exactly what was edited. q.Class is required;
// q.After and q.Limit are ignored (every match is written).
func (s *Service) Export(ctx context.Context, actor *auth.Principal, w io.Writer, q Query, lang string) error {
	if !MayRead(actor) {
		return fmt.Errorf("export assets: %w", fault.Forbidden)
	}
	c, err := s.class(s.catalog(), q.Class, "class", lang)
	if err != nil {
		return err
	}
	cols := csvColumns(c)
	cw := csv.NewWriter(w)
	header := make([]string, len(cols))
	for i, col := range cols {
		header[i] = col.name
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("asset: export: %w", err)
	}
	q.After, q.Limit = "", MaxPage
	for {
		list, next, err := s.Find(ctx, q)
		if err != nil {
			return err
		}
		for _, a := range list {
			if err := cw.Write(rowOf(cols, a)); err != nil {
				return fmt.Errorf("asset: export: %w", err)
			}
		}
		if next == "" {
			break
		}
		q.After = next
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("asset: export: %w", err)
	}
	return nil
}

func rowOf(cols []column, a *Asset) []string {
	row := make([]string, len(cols))
	for i, col := range cols {
		switch {
		case col.name == ColumnNumber:
			row[i] = a.Number
		case col.name == ColumnName:
			row[i] = a.Name
		case col.name == ColumnStatus:
			row[i] = a.Status
		case col.relation != nil:
			row[i] = strings.Join(a.Relations[col.name], listSep)
		default:
			row[i] = cellOf(col.field, a.Data[col.name])
		}
		row[i] = escapeFormula(row[i])
	}
	return row
}
