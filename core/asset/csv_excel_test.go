package asset_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"vorgang/core/asset"
)

// TestExcelFiles reads files as a spreadsheet user writes them — headers
// and options by their German or English labels, ';' or ',', Windows-1252
// — and writes an Excel export that reads back unchanged.
func TestExcelFiles(t *testing.T) {
	t.Parallel()
	f := placesFixture(t)
	ctx := t.Context()
	f.mustCreate(t, place("R1"))

	cp1252 := func(s string) string {
		b, err := charmap.Windows1252.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name     string
		file     string
		encoding string
		want     map[string]any // data of the first row
		status   string
	}{
		{"German labels, ';', decimal comma", "Inventarnummer;Bezeichnung;Status;Seriennummer;Art;Ausstattung;Gewicht;Standort\r\n" +
			"D-1;Drucker Flur;Im Einsatz;SN-1;Laserdrucker;Beidseitig|WLAN;2,5;R1\r\n", asset.EncodingUTF8,
			map[string]any{"serial": "SN-1", "kind": "laser", "extras": []any{"duplex", "wifi"}, "weight": 2.5}, "in_use"},
		{"English labels, ','", "Inventory number,Name,Status,Serial number,Kind,Extras,Weight\n" +
			"D-2,Printer,IN_USE,SN-2,inkjet printer,duplex,1234.5\n", asset.EncodingUTF8,
			map[string]any{"serial": "SN-2", "kind": "inkjet", "extras": []any{"duplex"}, "weight": 1234.5}, "in_use"},
		{"ids in any case", "INVENTORY_NUMBER,NAME,KIND\nD-3,Drucker,LASER\n", asset.EncodingUTF8,
			map[string]any{"kind": "laser"}, "in_use"},
		{"Windows-1252", cp1252("Inventarnummer;Bezeichnung;Notizen\r\nD-4;Drucker Büro;für Zimmer 3 – Süd\r\n"), asset.EncodingWindows1252,
			map[string]any{"notes": "für Zimmer 3 – Süd"}, "in_use"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := f.svc.Import(ctx, writer, strings.NewReader(tt.file), asset.ImportOptions{Class: "device"})
			if err != nil || len(rep.Errors) > 0 || rep.Created != 1 || rep.Encoding != tt.encoding {
				t.Fatalf("import: %+v, %v", rep, err)
			}
			a, err := f.svc.Get(ctx, reader, rep.Numbers[0])
			if err != nil {
				t.Fatal(err)
			}
			if a.Status != tt.status || len(a.Data) != len(tt.want) {
				t.Fatalf("imported %+v", a)
			}
			for k, v := range tt.want {
				if !equalValue(a.Data[k], v) {
					t.Errorf("data.%s = %#v, want %#v", k, a.Data[k], v)
				}
			}
		})
	}
	if a, _ := f.svc.Get(ctx, reader, "D-4"); a == nil || a.Name != "Drucker Büro" {
		t.Fatalf("Windows-1252 name: %+v", a)
	}

	t.Run("a column named by id and by label is repeated", func(t *testing.T) {
		rep, err := f.svc.Import(ctx, writer, strings.NewReader("name,serial,Seriennummer\nA,1,2\n"), asset.ImportOptions{Class: "device"})
		if err != nil || len(rep.Errors) != 1 || rep.Errors[0].Code != asset.CodeRepeatedColumn || rep.Errors[0].Column != "Seriennummer" {
			t.Fatalf("%+v, %v", rep, err)
		}
	})
	t.Run("errors name the column as the file does", func(t *testing.T) {
		rep, err := f.svc.Import(ctx, writer, strings.NewReader("Bezeichnung;Art\nA;Nadeldrucker\n"), asset.ImportOptions{Class: "device"})
		if err != nil || len(rep.Errors) != 1 || rep.Errors[0].Column != "Art" || rep.Errors[0].Code != "not_an_option" {
			t.Fatalf("%+v, %v", rep, err)
		}
	})

	t.Run("excel export", func(t *testing.T) {
		var out bytes.Buffer
		if err := f.svc.ExportWith(ctx, reader, &out, asset.Query{Class: "device"}, asset.ExportOptions{Excel: true}); err != nil {
			t.Fatal(err)
		}
		s := out.String()
		if !strings.HasPrefix(s, "\ufeffinventory_number;name;status;") || !strings.Contains(s, "\r\n") || !strings.Contains(s, ";2,5;") || !strings.Contains(s, ";1234,5;") {
			t.Fatalf("excel export:\n%q", s)
		}
		rep, err := f.svc.Import(ctx, writer, bytes.NewReader(out.Bytes()), asset.ImportOptions{Class: "device"})
		if err != nil || len(rep.Errors) > 0 || rep.Unchanged != len(tests) || rep.Separator != ";" {
			t.Fatalf("importing the excel export: %+v, %v", rep, err)
		}
	})
	t.Run("format parameter", func(t *testing.T) {
		for in, want := range map[string]bool{"": false, "csv": false, "EXCEL": true, "excel": true} {
			if got, err := asset.ParseExportFormat(in); err != nil || got != want {
				t.Errorf("ParseExportFormat(%q) = %v, %v", in, got, err)
			}
		}
		if _, err := asset.ParseExportFormat("xlsx"); err == nil {
			t.Error("xlsx accepted")
		}
	})
}

func equalValue(a, b any) bool {
	as, aok := a.([]any)
	bs, bok := b.([]any)
	if aok || bok {
		return aok && bok && slices.Equal(as, bs)
	}
	return a == b
}
