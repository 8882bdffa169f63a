package tabular

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// Formats a Writer writes.
const (
	// FormatCSV is plain CSV: UTF-8, ',' and LF.
	FormatCSV = "csv"
	// FormatExcelCSV is CSV as a spreadsheet in German opens it as it is:
	// a UTF-8 byte order mark, ';' and CRLF.
	FormatExcelCSV = "excel"
	// FormatXLSX is an Office Open XML workbook of one sheet.
	FormatXLSX = "xlsx"
)

// ContentType is the media type of a format.
func ContentType(format string) string {
	switch format {
	case FormatXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	default:
		return "text/csv; charset=utf-8"
	}
}

// Extension is the file name extension of a format.
func Extension(format string) string {
	if format == FormatXLSX {
		return ".xlsx"
	}
	return ".csv"
}

// ParseFormat reads a format name in any case; "" is FormatCSV.
func ParseFormat(v string) (string, error) {
	switch f := strings.ToLower(strings.TrimSpace(v)); f {
	case "", FormatCSV:
		return FormatCSV, nil
	case FormatExcelCSV, FormatXLSX:
		return f, nil
	}
	return "", fmt.Errorf("format %q is none of csv, excel, xlsx", v)
}

// Writer writes a table one row at a time; Close ends the file (an XLSX
// is written out only then) and must be called once.
type Writer interface {
	Row(cells ...string) error
	Close() error
}

// New returns a Writer of the format onto w; sheet names the sheet of an
// XLSX.
func New(w io.Writer, format, sheet string) (Writer, error) {
	switch format {
	case FormatCSV, "":
		return newCSV(w, false)
	case FormatExcelCSV:
		return newCSV(w, true)
	case FormatXLSX:
		return newXLSX(w, sheet)
	}
	return nil, fmt.Errorf("tabular: unknown format %q", format)
}

type csvWriter struct {
	bw *bufio.Writer
	cw *csv.Writer
}

func newCSV(w io.Writer, excel bool) (*csvWriter, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	if excel {
		if _, err := bw.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
			return nil, fmt.Errorf("tabular: csv: %w", err)
		}
		cw.Comma, cw.UseCRLF = ';', true
	}
	return &csvWriter{bw: bw, cw: cw}, nil
}

// Row writes one line, every cell neutralised against formulas.
func (c *csvWriter) Row(cells ...string) error {
	row := make([]string, len(cells))
	for i, s := range cells {
		row[i] = EscapeFormula(s)
	}
	if err := c.cw.Write(row); err != nil {
		return fmt.Errorf("tabular: csv: %w", err)
	}
	return nil
}

func (c *csvWriter) Close() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return fmt.Errorf("tabular: csv: %w", err)
	}
	if err := c.bw.Flush(); err != nil {
		return fmt.Errorf("tabular: csv: %w", err)
	}
	return nil
}
