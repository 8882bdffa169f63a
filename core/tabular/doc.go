// Package tabular writes tables out for spreadsheets: CSV whose cells are
// neutralised against formulas (and the inverse for an import), and XLSX
// streamed row by row. A Writer takes one row at a time and holds none of
// them, so an export of any length needs the memory of a few rows (CSV)
// or of excelize's stream buffer, which spills to a temporary file (XLSX).
// It imports nothing of vorgang and is the only package that imports
// excelize.
package tabular
