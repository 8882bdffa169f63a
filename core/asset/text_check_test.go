package asset_test

import (
	"slices"
	"strings"
	"testing"

	"vorgang/core/asset"
)

// TestControlCharacters wants NUL, ESC and friends refused everywhere, and
// line breaks refused in single-line text while a textarea keeps them.
func TestControlCharacters(t *testing.T) {
	t.Parallel()
	f := placesFixture(t)
	ctx := t.Context()
	tests := []struct {
		name      string
		assetName string
		data      map[string]any
		wantCodes []string
	}{
		{"NUL in the name", "Drucker\x00", nil, []string{"name:control_character"}},
		{"ESC in the name", "\x1b[31mDrucker", nil, []string{"name:control_character"}},
		{"a line break in the name", "Drucker\nzwei", nil, []string{"name:control_character"}},
		{"a line break in a single-line field", "Drucker", map[string]any{"serial": "SN\n42"}, []string{"data.serial:control_character"}},
		{"a tab in a single-line field", "Drucker", map[string]any{"serial": "SN\t42"}, []string{"data.serial:control_character"}},
		{"ESC in a textarea", "Drucker", map[string]any{"notes": "rot\x1b[0m"}, []string{"data.notes:control_character"}},
		{"a C1 control", "Drucker\u009b", nil, []string{"name:control_character"}},
		{"line breaks and tabs in a textarea", "Drucker", map[string]any{"notes": "Zeile 1\r\nZeile\t2"}, nil},
		{"umlauts and symbols", "Drucker Ü – №1 ✓", map[string]any{"serial": "SN-42 ß"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.Create(ctx, writer, asset.Input{Class: "device", Name: ptr(tt.assetName), Data: tt.data})
			if got := codes(err); !slices.Equal(got, tt.wantCodes) {
				t.Fatalf("codes %v, want %v (%v)", got, tt.wantCodes, err)
			}
		})
	}
	t.Run("import", func(t *testing.T) {
		file := "name,serial,notes\n\"A\x00\",1,\nB,\"2\n3\",\nC,4,\"x\ny\"\n"
		rep, err := f.svc.Import(ctx, writer, strings.NewReader(file), asset.ImportOptions{Class: "device", DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range rep.Errors {
			got = append(got, e.Column+":"+e.Code)
		}
		if !slices.Equal(got, []string{"name:control_character", "serial:control_character"}) {
			t.Fatalf("errors %+v", rep.Errors)
		}
	})
}
