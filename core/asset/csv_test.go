package asset_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"vorgang/core/asset"
)

const vehicleHeader = "inventory_number,name,status,licence_plate,vehicle_type,fuel,equipment,first_registration,mileage,pool,cost_centre,location,keeper\n"

// TestImportBadRows feeds a file with twenty kinds of bad rows and wants
// each reported with its line and column, and nothing written.
func TestImportBadRows(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	bld := f.mustCreate(t, asset.Input{Class: "building", Name: ptr("Rathaus"), Data: map[string]any{"street": "Markt 1", "postcode": "01067", "city": "Dresden"}})
	cc := f.mustCreate(t, asset.Input{Class: "cost-centre", Name: ptr("Ordnungsamt"), Data: map[string]any{"code": "4711"}})

	good := func(number string) []string {
		return []string{number, "Dienstwagen Bürgeramt", "in_service", "DD-AB 1234", "car", "petrol", "winter_tyres|child_seat", "2024-03-01", "12000", "ja", cc.Number, bld.Number, "keeper1"}
	}
	var lines []string
	type want struct {
		column, code string
	}
	var wants []want
	row := func(w want, edit func(r []string) []string) {
		lines = append(lines, strings.Join(edit(good(fmt.Sprintf("KFZ-T%02d", len(lines)))), ","))
		wants = append(wants, w)
	}
	set := func(col int, v string) func([]string) []string {
		return func(r []string) []string { r[col] = v; return r }
	}
	lines = append(lines, strings.Join(good("KFZ-OK"), ",")) // line 2, fine
	wants = append(wants, want{})
	row(want{"", "field_count"}, func(r []string) []string { return r[:5] })
	row(want{"", "csv_syntax"}, set(1, `Golf "GTI"x`+`"`))
	// A damaged cell in an otherwise UTF-8 file (the umlauts of the
	// other rows) is no other encoding: it is reported.
	row(want{"name", "invalid_encoding"}, set(1, "Golf \xff"))
	row(want{"inventory_number", "invalid_number"}, set(0, "KFZ/7"))
	row(want{"inventory_number", "duplicate_number"}, set(0, "KFZ-OK"))
	row(want{"inventory_number", "other_class"}, set(0, bld.Number))
	row(want{"name", "required"}, set(1, ""))
	row(want{"name", "too_long"}, set(1, strings.Repeat("x", asset.MaxNameLength+1)))
	row(want{"status", "unknown_status"}, set(2, "sunk"))
	row(want{"licence_plate", "pattern"}, set(3, "DD AB 1234"))
	row(want{"vehicle_type", "required"}, set(4, ""))
	row(want{"vehicle_type", "not_an_option"}, set(4, "boat"))
	row(want{"equipment", "duplicate"}, set(6, "child_seat|child_seat"))
	row(want{"first_registration", "invalid_date"}, set(7, "2024-02-30"))
	row(want{"mileage", "not_a_number"}, set(8, "viel"))
	row(want{"mileage", "too_small"}, set(8, "-5"))
	row(want{"mileage", "step_mismatch"}, set(8, "12.5"))
	row(want{"pool", "not_a_boolean"}, set(9, "vielleicht"))
	row(want{"cost_centre", "wrong_class"}, set(10, bld.Number))
	row(want{"location", "unknown_reference"}, set(11, "GEB0999"))
	row(want{"keeper", "too_many"}, set(12, "keeper1|keeper2"))
	row(want{"keeper", "unknown_reference"}, set(12, "ghost"))
	file := vehicleHeader + strings.Join(lines, "\n") + "\n"

	for _, dry := range []bool{true, false} {
		t.Run(fmt.Sprintf("dry run %v", dry), func(t *testing.T) {
			rep, err := f.svc.Import(ctx, writer, strings.NewReader(file), asset.ImportOptions{Class: "vehicle", DryRun: dry, Lang: "en"})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range rep.Errors {
				got = append(got, fmt.Sprintf("%d %s %s", e.Line, e.Column, e.Code))
				if e.Message == "" || e.Message == e.Code {
					t.Errorf("line %d: no message for %s", e.Line, e.Code)
				}
			}
			var expect []string
			for i, w := range wants {
				if w.code != "" {
					expect = append(expect, fmt.Sprintf("%d %s %s", i+2, w.column, w.code))
				}
			}
			if len(expect) < 20 {
				t.Fatalf("the file has only %d kinds of bad rows", len(expect))
			}
			if !slices.Equal(got, expect) {
				t.Fatalf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(expect, "\n"))
			}
			if rep.Created+rep.Updated+rep.Unchanged != 0 {
				t.Fatalf("a bad file reports work: %+v", rep)
			}
			rows, _, err := f.svc.Search(ctx, reader, asset.Query{Class: "vehicle"})
			if err != nil || len(rows) != 0 {
				t.Fatalf("a bad file wrote %d vehicles (%v)", len(rows), err)
			}
		})
	}

	t.Run("unknown and repeated columns", func(t *testing.T) {
		rep, err := f.svc.Import(ctx, writer, strings.NewReader("name,colour,name\nGolf,red,Golf\n"), asset.ImportOptions{Class: "vehicle"})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Errors) != 2 || rep.Errors[0].Line != 1 || rep.Errors[0].Column != "colour" || rep.Errors[1].Column != "name" {
			t.Fatalf("errors %+v", rep.Errors)
		}
	})

	t.Run("the good row alone imports", func(t *testing.T) {
		rep, err := f.svc.Import(ctx, writer, strings.NewReader(vehicleHeader+lines[0]+"\n"), asset.ImportOptions{Class: "vehicle"})
		if err != nil || len(rep.Errors) > 0 || rep.Created != 1 {
			t.Fatalf("%+v, %v", rep, err)
		}
		a, err := f.svc.Get(ctx, reader, "KFZ-OK")
		if err != nil {
			t.Fatal(err)
		}
		if a.Data["mileage"] != float64(12000) || a.Data["pool"] != true || !slices.Equal(a.Relations["keeper"], []string{"keeper1"}) ||
			a.History[0].Type != asset.ChangeImported {
			t.Fatalf("imported %+v", a)
		}
	})
}

// TestImport10000 imports 10,000 generated rows and imports the file
// again, which changes nothing.
func TestImport10000(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 10,000 rows")
	}
	f := newFixture(t)
	ctx := t.Context()
	const n = 10_000
	file := vehicleFile(n, 0)
	rep, err := f.svc.Import(ctx, writer, strings.NewReader(file), asset.ImportOptions{Class: "vehicle"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) > 0 || rep.Created != n || rep.Rows != n || len(rep.Numbers) != n {
		t.Fatalf("first import: %+v", rep.Errors[:min(5, len(rep.Errors))])
	}
	// "Fahrzeug 0999" is in the names 09990 to 09999.
	rows, _, err := f.svc.Search(ctx, reader, asset.Query{Class: "vehicle", Text: "Fahrzeug 0999"})
	if err != nil || len(rows) != 10 || rows[0].Number != "INV-009990" {
		t.Fatalf("search after import: %v, %v", rows, err)
	}
	again, err := f.svc.Import(ctx, writer, strings.NewReader(file), asset.ImportOptions{Class: "vehicle"})
	if err != nil || again.Unchanged != n || again.Created+again.Updated != 0 {
		t.Fatalf("re-import: %+v, %v", again, err)
	}
	a, err := f.svc.Get(ctx, reader, "INV-000007")
	if err != nil || a.Version != 1 {
		t.Fatalf("after the re-import: %+v, %v", a, err)
	}
}

// TestImportChangesAndExport imports a file, then a copy with some rows
// changed (only those change), and reads an export back as unchanged.
func TestImportChangesAndExport(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	const n = 300
	if _, err := f.svc.Import(ctx, writer, strings.NewReader(vehicleFile(n, 0)), asset.ImportOptions{Class: "vehicle"}); err != nil {
		t.Fatal(err)
	}
	dry, err := f.svc.Import(ctx, writer, strings.NewReader(vehicleFile(n, 7)), asset.ImportOptions{Class: "vehicle", DryRun: true})
	if err != nil || dry.Updated != (n+6)/7 {
		t.Fatalf("dry run: %+v, %v", dry, err)
	}
	if a, _ := f.svc.Get(ctx, reader, "INV-000007"); a.Version != 1 {
		t.Fatal("a dry run wrote")
	}
	changed, err := f.svc.Import(ctx, writer, strings.NewReader(vehicleFile(n, 7)), asset.ImportOptions{Class: "vehicle"})
	if err != nil || changed.Updated != (n+6)/7 || changed.Unchanged != n-(n+6)/7 {
		t.Fatalf("changed import: %+v, %v", changed, err)
	}
	a, err := f.svc.Get(ctx, reader, "INV-000007")
	if err != nil || a.Version != 2 || a.History[1].Type != asset.ChangeImported || a.Data["mileage"] != float64(7+1) ||
		len(a.History[1].Fields) != 1 || a.History[1].Fields[0].Field != "data.mileage" {
		t.Fatalf("changed asset: %+v, %v", a, err)
	}

	var out bytes.Buffer
	if err := f.svc.Export(ctx, reader, &out, asset.Query{Class: "vehicle"}, "de"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(out.String(), "\n"); got != n+1 {
		t.Fatalf("export has %d lines", got)
	}
	round, err := f.svc.Import(ctx, writer, bytes.NewReader(out.Bytes()), asset.ImportOptions{Class: "vehicle"})
	if err != nil || round.Unchanged != n {
		t.Fatalf("importing the export: %+v, %v", round, err)
	}

	// Rows without a number get the class's next numbers.
	fresh, err := f.svc.Import(ctx, writer, strings.NewReader("name,vehicle_type\nNeu 1,car\nNeu 2,van\n"), asset.ImportOptions{Class: "vehicle"})
	if err != nil || !slices.Equal(fresh.Numbers, []string{"KFZ0001", "KFZ0002"}) {
		t.Fatalf("numbered import: %+v, %v", fresh, err)
	}
	if err := f.svc.Export(ctx, nobody, &out, asset.Query{Class: "vehicle"}, "de"); err == nil {
		t.Fatal("export without asset.read")
	}
}

// vehicleFile generates n vehicle rows with given numbers; every
// changeEvery-th row (0: none) has another mileage.
func vehicleFile(n, changeEvery int) string {
	var b strings.Builder
	b.WriteString("inventory_number;name;vehicle_type;fuel;equipment;mileage;pool;first_registration;keeper\n")
	fuels := []string{"petrol", "diesel", "electric", "hybrid"}
	for i := range n {
		mileage := i
		if changeEvery > 0 && i%changeEvery == 0 {
			mileage++
		}
		pool := "nein"
		if i%3 == 0 {
			pool = "ja"
		}
		fmt.Fprintf(&b, "INV-%06d;Fahrzeug %05d;car;%s;winter_tyres|trailer_hitch;%d;%s;2020-01-%02d;keeper%d\n",
			i, i, fuels[i%4], mileage, pool, i%28+1, i%2+1)
	}
	return b.String()
}
