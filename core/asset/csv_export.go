package asset

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/tabular"
)

// ExportOptions configures ExportWith.
type ExportOptions struct {
	// Excel writes what a spreadsheet in German opens as it is: a UTF-8
	// byte order mark (else Excel reads the file in the Windows code
	// page), ';' as separator, CRLF line ends and a decimal comma. Import
	// reads such a file back unchanged.
	Excel bool
	// Lang selects the language of messages ("de" or "en").
	Lang string
}

// Export formats for ParseExportFormat.
const (
	FormatCSV   = "csv"
	FormatExcel = "excel"
)

// CodeBadFormat is the code of a format ParseExportFormat does not know.
const CodeBadFormat = "bad_format"

// ParseExportFormat reads the format parameter of an export: "" or "csv"
// (plain CSV), "excel" (ExportOptions.Excel), in any case; anything else
// is an error of kind fault.Malformed (code bad_format).
func ParseExportFormat(v string) (excel bool, err error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", FormatCSV:
		return false, nil
	case FormatExcel:
		return true, nil
	}
	return false, fault.Coded(fault.Malformed, CodeBadFormat, fmt.Sprintf("format %q is neither csv nor excel", v), "value", v)
}

// Export writes the assets matching q as CSV in the format Import reads:
// the header names every column of the class, so a file exported, edited
// and imported again changes exactly what was edited. q.Class is required;
// q.After and q.Limit are ignored (every match is written).
func (s *Service) Export(ctx context.Context, actor *auth.Principal, w io.Writer, q Query, lang string) error {
	return s.ExportWith(ctx, actor, w, q, ExportOptions{Lang: lang})
}

// ExportWith is Export in the format opts ask for.
func (s *Service) ExportWith(ctx context.Context, actor *auth.Principal, w io.Writer, q Query, opts ExportOptions) error {
	if !MayRead(actor) {
		return fmt.Errorf("export assets: %w", fault.Forbidden)
	}
	c, err := s.class(s.catalog(), q.Class, "class", opts.Lang)
	if err != nil {
		return err
	}
	cols := csvColumns(c)
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	if opts.Excel {
		if _, err := bw.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
			return fmt.Errorf("asset: export: %w", err)
		}
		cw.Comma, cw.UseCRLF = ';', true
	}
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
			if err := cw.Write(rowOf(cols, a, opts.Excel)); err != nil {
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
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("asset: export: %w", err)
	}
	return nil
}

// rowOf is an asset's row; decimalComma writes numbers as a German
// spreadsheet does (1234,5).
func rowOf(cols []column, a *Asset, decimalComma bool) []string {
	row := make([]string, len(cols))
	for i, col := range cols {
		row[i] = plainCell(col, a)
		if decimalComma && col.field != nil && col.field.Type == definition.FieldNumber {
			row[i] = strings.Replace(row[i], ".", ",", 1)
		}
		row[i] = tabular.EscapeFormula(row[i])
	}
	return row
}

// plainCell is an asset's value in a column as the plain format writes it,
// before formula escaping.
func plainCell(col column, a *Asset) string {
	switch {
	case col.name == ColumnNumber:
		return a.Number
	case col.name == ColumnName:
		return a.Name
	case col.name == ColumnStatus:
		return a.Status
	case col.relation != nil:
		return strings.Join(a.Relations[col.name], listSep)
	default:
		return cellOf(col.field, a.Data[col.name])
	}
}
