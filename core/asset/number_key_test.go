package asset_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang/core/asset"
	"vorgang/core/definition"
	"vorgang/core/form"
)

// TestNumbersIgnoreCase wants inventory numbers unique and found
// regardless of case, keeping the spelling they were created with, on
// both search paths.
func TestNumbersIgnoreCase(t *testing.T) {
	t.Parallel()
	for _, memory := range []bool{true, false} {
		t.Run(fmt.Sprintf("memory index %v", memory), func(t *testing.T) {
			t.Parallel()
			f := fixtureOn(t, t.TempDir(), ptr(memory))
			ctx := t.Context()
			bld := f.mustCreate(t, asset.Input{Class: "building", Number: "GEB-Alt-1", Name: ptr("Rathaus"), Data: map[string]any{"street": "Markt 1", "postcode": "01067", "city": "Dresden"}})
			f.mustCreate(t, asset.Input{Class: "vehicle", Number: "ALT-2010-00001", Name: ptr("Golf"), Data: map[string]any{"vehicle_type": "car"}})

			_, err := f.svc.Create(ctx, writer, asset.Input{Class: "vehicle", Number: "alt-2010-00001", Name: ptr("Doppelt"), Data: map[string]any{"vehicle_type": "car"}})
			if got := codes(err); !slices.Equal(got, []string{"number:number_taken"}) {
				t.Fatalf("a case variant of a taken number: %v (%v)", got, err)
			}
			for _, n := range []string{"alt-2010-00001", "Alt-2010-00001", "ALT-2010-00001"} {
				a, err := f.svc.Get(ctx, reader, n)
				if err != nil || a.Number != "ALT-2010-00001" {
					t.Fatalf("get %s: %+v, %v", n, a, err)
				}
			}
			a, err := f.svc.Update(ctx, writer, "alt-2010-00001", 1, asset.Input{Relations: map[string][]string{"location": {"geb-alt-1"}}})
			if err != nil || a.Number != "ALT-2010-00001" || !slices.Equal(a.Relations["location"], []string{bld.Number}) {
				t.Fatalf("a relation given in another case is stored as the number is: %+v, %v", a, err)
			}
			rows, _, err := f.svc.Search(ctx, reader, asset.Query{Target: bld.Number})
			if err != nil || len(rows) != 1 {
				t.Fatalf("search by the target: %v, %v", rows, err)
			}

			// The ticket form takes a number copied from a label in capitals.
			field := &definition.Field{ID: definition.Ref{Value: "affected"}, Type: definition.FieldAsset}
			problems, err := f.svc.RefChecker().CheckRefs(ctx, form.Ref{Path: "affected", Field: field}, []string{"ALT-2010-00001", "alt-2010-00001", "ALT-2010-00002"})
			if err != nil || len(problems) != 1 || problems[0].ID != "ALT-2010-00002" {
				t.Fatalf("form references: %+v, %v", problems, err)
			}

			// A file naming the asset in another case changes it; a file
			// naming one number twice in two cases is refused.
			rep, err := f.svc.Import(ctx, writer, strings.NewReader("inventory_number,name,vehicle_type\nalt-2010-00001,Golf GTI,car\n"), asset.ImportOptions{Class: "vehicle"})
			if err != nil || rep.Updated != 1 || rep.Created != 0 || !slices.Equal(rep.Numbers, []string{"ALT-2010-00001"}) {
				t.Fatalf("import of a case variant: %+v, %v", rep, err)
			}
			rep, err = f.svc.Import(ctx, writer, strings.NewReader("inventory_number,name,vehicle_type\nNEU-1,A,car\nneu-1,B,car\n"), asset.ImportOptions{Class: "vehicle"})
			if err != nil || len(rep.Errors) != 1 || rep.Errors[0].Line != 3 || rep.Errors[0].Code != asset.CodeDuplicateNumber {
				t.Fatalf("one number twice in two cases: %+v, %v", rep, err)
			}
		})
	}
}

// TestNumberKeyMigration stores assets as an older version did (without
// the number key) and wants the next start to fill it, twice without
// harm, leaving two numbers that differ only in case both readable.
func TestNumberKeyMigration(t *testing.T) {
	t.Parallel()
	for _, memory := range []bool{true, false} {
		t.Run(fmt.Sprintf("memory index %v", memory), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			f := fixtureOn(t, dir, ptr(memory))
			ctx := t.Context()
			for _, n := range []string{"OLD-1", "old-1", "OLD-2"} {
				doc := bson.D{{Key: "_id", Value: n}, {Key: "class", Value: "vehicle"}, {Key: "name", Value: "Alt " + n}, {Key: "status", Value: "in_service"},
					{Key: "data", Value: bson.D{{Key: "vehicle_type", Value: "car"}}}, {Key: "version", Value: int64(1)}}
				if err := f.store.Insert(ctx, asset.AssetsCollection, doc); err != nil {
					t.Fatal(err)
				}
			}
			for range 2 { // idempotent
				svc := f.newService(t, memory)
				if err := svc.Warm(ctx); err != nil {
					t.Fatal(err)
				}
			}
			svc := f.newService(t, memory)
			var got struct {
				Key     string `bson:"number_key"`
				Version int64  `bson:"version"`
			}
			if err := f.store.Get(ctx, asset.AssetsCollection, "OLD-2", &got); err != nil || got.Key != "old-2" || got.Version != 1 {
				t.Fatalf("OLD-2 after the migration: %+v, %v", got, err)
			}
			if a, err := svc.Get(ctx, reader, "old-2"); err != nil || a.Number != "OLD-2" {
				t.Fatalf("old-2: %+v, %v", a, err)
			}
			for _, n := range []string{"OLD-1", "old-1"} {
				if a, err := svc.Get(ctx, reader, n); err != nil || a.Number != n {
					t.Fatalf("%s: %+v, %v", n, a, err)
				}
			}
			if _, err := svc.Create(ctx, writer, asset.Input{Class: "vehicle", Number: "Old-2", Name: ptr("x"), Data: map[string]any{"vehicle_type": "car"}}); len(codes(err)) != 1 {
				t.Fatalf("a case variant of a migrated number: %v", err)
			}
		})
	}
}
