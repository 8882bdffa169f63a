package asset_test

import (
	"io"
	"log/slog"
	"slices"
	"testing"

	"vorgang/core/asset"
	"vorgang/core/definition"
)

// TestSearch runs every query through the in-memory index and through
// the MongoDB queries (answered by the embedded store, slowly but
// correctly) and wants the same, expected, rows from both.
func TestSearch(t *testing.T) {
	t.Parallel()
	f := fixtureOn(t, t.TempDir(), ptr(false))
	ctx := t.Context()
	b1 := f.mustCreate(t, asset.Input{Class: "building", Name: ptr("Rathaus"), Data: map[string]any{"street": "Markt 1", "postcode": "01067", "city": "Dresden"}})
	b2 := f.mustCreate(t, asset.Input{Class: "building", Name: ptr("Bürgerbüro Nord"), Data: map[string]any{"street": "Nordweg 2", "postcode": "01099", "city": "Dresden"}})
	for i, name := range []string{"Golf", "Passat", "Caddy", "Crafter", "Polo"} {
		in := vehicle(name, "")
		in.Relations = map[string][]string{"location": {[]string{b1.Number, b2.Number}[i%2]}}
		if i == 4 {
			in.Relations["keeper"] = []string{"keeper1"}
			in.Status = ptr("workshop")
			in.Data["licence_plate"] = "DD-VG 42"
		}
		f.mustCreate(t, in)
	}
	mem, err := asset.New(asset.Deps{Store: f.store, Catalog: func() *definition.Catalog { return f.cat }, MemoryIndex: ptr(true),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		q    asset.Query
		want []string
	}{
		{"everything in number order", asset.Query{}, []string{"GEB0001", "GEB0002", "KFZ0001", "KFZ0002", "KFZ0003", "KFZ0004", "KFZ0005"}},
		{"by class", asset.Query{Class: "building"}, []string{"GEB0001", "GEB0002"}},
		{"by class and status", asset.Query{Class: "vehicle", Status: "workshop"}, []string{"KFZ0005"}},
		{"text in the name, any case", asset.Query{Text: "bürgerBÜRO"}, []string{"GEB0002"}},
		{"text in the number", asset.Query{Text: "kfz000"}, []string{"KFZ0001", "KFZ0002", "KFZ0003", "KFZ0004", "KFZ0005"}},
		{"text is not a pattern", asset.Query{Text: "P.*"}, nil},
		{"relation target", asset.Query{Target: b2.Number}, []string{"KFZ0002", "KFZ0004"}},
		{"relation target through one relation", asset.Query{Target: "keeper1", Relation: "keeper"}, []string{"KFZ0005"}},
		{"another relation does not match", asset.Query{Target: "keeper1", Relation: "location"}, nil},
		{"paged", asset.Query{Class: "vehicle", After: "KFZ0002", Limit: 2}, []string{"KFZ0003", "KFZ0004"}},
		{"text in a text field of the data", asset.Query{Text: "dd-vg"}, []string{"KFZ0005"}},
		{"a location and a person", asset.Query{Target: b1.Number, AlsoTargets: []string{"keeper1"}}, []string{"KFZ0005"}},
		{"a person somewhere else", asset.Query{Target: b2.Number, AlsoTargets: []string{"keeper1"}}, nil},
		{"a person through one relation", asset.Query{AlsoTargets: []string{"keeper:keeper1"}}, []string{"KFZ0005"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for mode, svc := range map[string]*asset.Service{"mongodb": f.svc, "memory": mem} {
				rows, next, err := svc.Search(ctx, reader, tt.q)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, r := range rows {
					got = append(got, r.Number)
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("%s: got %v, want %v", mode, got, tt.want)
				}
				if tt.q.Limit > 0 && next != tt.want[len(tt.want)-1] {
					t.Errorf("%s: next = %q", mode, next)
				}
			}
		})
	}

	// A write through the indexed service is found at once.
	a, err := mem.Create(ctx, writer, vehicle("Zoe", ""))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mem.Update(ctx, writer, a.Number, 1, asset.Input{Relations: map[string][]string{"keeper": {"keeper2"}}}); err != nil {
		t.Fatal(err)
	}
	rows, _, err := mem.Search(ctx, reader, asset.Query{Target: "keeper2"})
	if err != nil || len(rows) != 1 || rows[0].Number != a.Number || rows[0].Version != 2 {
		t.Fatalf("after the write: %v, %v", rows, err)
	}
	if _, _, err := mem.Search(ctx, nobody, asset.Query{}); err == nil {
		t.Fatal("search without asset.read succeeded")
	}
}
