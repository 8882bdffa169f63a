package asset_test

import (
	"testing"

	"vorgang/core/script"
)

// TestFindAssetsForScripts: assets.find in a script filters by class,
// status and field values and returns plain tables.
func TestFindAssetsForScripts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for i, plate := range []string{"C-VG 101", "C-VG 102", "C-VG 103"} {
		in := vehicle([]string{"Golf", "Caddy", "Golf"}[i], plate)
		if i == 2 {
			in.Status = ptr("workshop")
		}
		f.mustCreate(t, in)
	}
	tests := []struct {
		name string
		q    script.AssetQuery
		want []string // licence plates
	}{
		{"a class", script.AssetQuery{Class: "vehicle"}, []string{"C-VG 101", "C-VG 102", "C-VG 103"}},
		{"a field value", script.AssetQuery{Class: "vehicle", Fields: map[string]any{"licence_plate": "C-VG 102"}}, []string{"C-VG 102"}},
		{"the name", script.AssetQuery{Class: "vehicle", Fields: map[string]any{"name": "Golf"}}, []string{"C-VG 101", "C-VG 103"}},
		{"status and name", script.AssetQuery{Class: "vehicle", Status: "workshop", Fields: map[string]any{"name": "Golf"}}, []string{"C-VG 103"}},
		{"limit", script.AssetQuery{Class: "vehicle", Limit: 1}, []string{"C-VG 101"}},
		{"no match", script.AssetQuery{Class: "building"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := f.svc.FindAssets(t.Context(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, r["fields"].(map[string]any)["licence_plate"].(string))
				if r["class"] != "vehicle" || r["number"] == "" {
					t.Errorf("row %v", r)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}
