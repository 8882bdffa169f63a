package asset_test

import (
	"slices"
	"strings"
	"testing"

	"vorgang/core/asset"
	"vorgang/core/definition"
	"vorgang/core/form"
)

// TestMessagesSayWhatHappened wants each refusal to carry the code of
// what happened, not a neighbour's (a taken number is no repeat in a file,
// a class change no number of another class, a retired asset not a missing
// one).
func TestMessagesSayWhatHappened(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	golf := f.mustCreate(t, vehicle("Golf", ""))
	old := f.mustCreate(t, vehicle("Käfer", ""))
	if _, err := f.svc.Retire(ctx, writer, old.Number, old.Version, "en"); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		run  func() error
		want []string
	}{
		{"a taken number on create", func() error {
			_, err := f.svc.Create(ctx, writer, asset.Input{Class: "vehicle", Number: golf.Number, Name: ptr("x"), Data: map[string]any{"vehicle_type": "car"}})
			return err
		}, []string{"number:number_taken"}},
		{"a class change", func() error {
			_, err := f.svc.Update(ctx, writer, golf.Number, golf.Version, asset.Input{Class: "building"})
			return err
		}, []string{"class:class_fixed"}},
		{"an edit without the version it read", func() error {
			_, err := f.svc.Update(ctx, writer, golf.Number, 0, asset.Input{Name: ptr("blind")})
			return err
		}, []string{"version:required"}},
		{"a retire without the version it read", func() error {
			_, err := f.svc.Retire(ctx, writer, golf.Number, 0, "en")
			return err
		}, []string{"version:required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codes(tt.run()); !slices.Equal(got, tt.want) {
				t.Fatalf("codes %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("a repeated column", func(t *testing.T) {
		rep, err := f.svc.Import(ctx, writer, strings.NewReader("name,vehicle_type,name\nGolf,car,Golf\n"), asset.ImportOptions{Class: "vehicle"})
		if err != nil || len(rep.Errors) != 1 || rep.Errors[0].Code != asset.CodeRepeatedColumn || rep.Errors[0].Line != 1 {
			t.Fatalf("%+v, %v", rep, err)
		}
	})
	t.Run("a retired asset chosen in a form", func(t *testing.T) {
		field := &definition.Field{ID: definition.Ref{Value: "affected"}, Type: definition.FieldAsset}
		problems, err := f.svc.RefChecker().CheckRefs(ctx, form.Ref{Path: "affected", Field: field}, []string{old.Number, "KFZ9999"})
		want := []form.RefProblem{{ID: old.Number, Code: form.CodeRetired}, {ID: "KFZ9999", Code: form.CodeUnknownReference}}
		if err != nil || !slices.Equal(problems, want) {
			t.Fatalf("%+v, %v", problems, err)
		}
	})
	if a, _ := f.svc.Get(ctx, reader, golf.Number); a.Version != golf.Version || a.Name != "Golf" {
		t.Fatalf("a refused edit wrote: %+v", a)
	}
}
