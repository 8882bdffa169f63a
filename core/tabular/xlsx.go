package tabular

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// xlsxWriter writes a workbook through excelize's StreamWriter, which
// keeps rows in memory only up to its chunk size and then in a temporary
// file, so a long export does not hold its rows. Every cell is a string
// cell: a spreadsheet shows it as text and never evaluates it, so no
// formula escaping is needed (or wanted: an apostrophe would show).
type xlsxWriter struct {
	w    io.Writer
	f    *excelize.File
	sw   *excelize.StreamWriter
	rows int
	buf  []any
}

func newXLSX(w io.Writer, sheet string) (*xlsxWriter, error) {
	if sheet == "" {
		sheet = "Sheet1"
	}
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("tabular: xlsx: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("tabular: xlsx: %w", err)
	}
	return &xlsxWriter{w: w, f: f, sw: sw}, nil
}

func (x *xlsxWriter) Row(cells ...string) error {
	x.rows++
	x.buf = x.buf[:0]
	for _, s := range cells {
		x.buf = append(x.buf, excelize.Cell{Value: s})
	}
	cell, err := excelize.CoordinatesToCellName(1, x.rows)
	if err == nil {
		err = x.sw.SetRow(cell, x.buf)
	}
	if err != nil {
		return fmt.Errorf("tabular: xlsx row %d: %w", x.rows, err)
	}
	return nil
}

func (x *xlsxWriter) Close() error {
	defer x.f.Close() // removes the temporary files
	if err := x.sw.Flush(); err != nil {
		return fmt.Errorf("tabular: xlsx: %w", err)
	}
	if err := x.f.Write(x.w); err != nil {
		return fmt.Errorf("tabular: xlsx: %w", err)
	}
	return nil
}
