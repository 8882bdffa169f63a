package asset_test

import (
	"errors"
	"slices"
	"testing"

	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/fault"
)

func asErr(err error, target any) bool { return errors.As(err, target) }

func vehicle(name, plate string) asset.Input {
	return asset.Input{Class: "vehicle", Name: ptr(name), Data: map[string]any{"vehicle_type": "car", "licence_plate": plate}}
}

func TestCreate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	cc := f.mustCreate(t, asset.Input{Class: "cost-centre", Name: ptr("Ordnungsamt"), Data: map[string]any{"code": "4711"}})
	bld := f.mustCreate(t, asset.Input{Class: "building", Name: ptr("Rathaus"), Data: map[string]any{"street": "Markt 1", "postcode": "01067", "city": "Dresden"}})

	tests := []struct {
		name   string
		actor  *auth.Principal
		in     asset.Input
		number string   // wanted number
		codes  []string // wanted field errors
		err    error
	}{
		{name: "first vehicle gets the first number", in: vehicle("Golf", "DD-AB 1234"), number: "KFZ0001"},
		{name: "numbers are gap-free", in: vehicle("Passat", "DD-AB 1235"), number: "KFZ0002"},
		{name: "relations to assets, users and teams", in: asset.Input{Class: "vehicle", Name: ptr("Caddy"),
			Data:      map[string]any{"vehicle_type": "van", "equipment": []any{"winter_tyres", "trailer_hitch"}, "pool": true},
			Relations: map[string][]string{"cost_centre": {cc.Number}, "location": {bld.Number}, "keeper": {"keeper1"}}}, number: "KFZ0003"},
		{name: "a given number is kept", in: asset.Input{Class: "vehicle", Number: "ALT-0815", Name: ptr("Altbestand"), Data: map[string]any{"vehicle_type": "truck"}}, number: "ALT-0815"},
		{name: "a given number is unique", in: asset.Input{Class: "vehicle", Number: "ALT-0815", Name: ptr("Doppelt"), Data: map[string]any{"vehicle_type": "truck"}},
			codes: []string{"number:number_taken"}},
		{name: "malformed number", in: asset.Input{Class: "vehicle", Number: "A/B", Name: ptr("x")}, codes: []string{"number:invalid_number"}},
		{name: "unknown class", in: asset.Input{Class: "spaceship", Name: ptr("x")}, codes: []string{"class:unknown_class"}},
		{name: "name, required field, pattern", in: asset.Input{Class: "vehicle", Data: map[string]any{"licence_plate": "dd ab 12"}},
			codes: []string{"data.licence_plate:pattern", "data.vehicle_type:required", "name:required"}},
		{name: "unknown status", in: asset.Input{Class: "vehicle", Name: ptr("x"), Status: ptr("flying"), Data: map[string]any{"vehicle_type": "car"}},
			codes: []string{"status:unknown_status"}},
		{name: "relation problems", in: asset.Input{Class: "vehicle", Name: ptr("x"), Data: map[string]any{"vehicle_type": "car"},
			Relations: map[string][]string{"cost_centre": {bld.Number}, "location": {"GEB9999"}, "keeper": {"keeper1", "keeper2"}, "driver": {"keeper1"}}},
			codes: []string{"relations.cost_centre:wrong_class", "relations.driver:unknown_relation", "relations.keeper:too_many", "relations.location:unknown_reference"}},
		{name: "unknown user", in: asset.Input{Class: "vehicle", Name: ptr("x"), Data: map[string]any{"vehicle_type": "car"}, Relations: map[string][]string{"keeper": {"ghost"}}},
			codes: []string{"relations.keeper:unknown_reference"}},
		{name: "a reader may not create", actor: reader, in: vehicle("x", ""), err: fault.Forbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			actor := writer
			if tt.actor != nil {
				actor = tt.actor
			}
			a, err := f.svc.Create(ctx, actor, tt.in)
			switch {
			case tt.err != nil:
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			case tt.codes != nil:
				got := codes(err)
				slices.Sort(got)
				if !slices.Equal(got, tt.codes) {
					t.Fatalf("codes = %v, want %v (err %v)", got, tt.codes, err)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if a.Number != tt.number || a.Version != 1 || len(a.History) != 1 || a.History[0].Actor != "wanda" {
				t.Fatalf("got %s v%d history %v", a.Number, a.Version, a.History)
			}
			back, err := f.svc.Get(ctx, reader, a.Number)
			if err != nil {
				t.Fatal(err)
			}
			if back.Name != a.Name || back.Status != a.Status || !slices.Equal(back.Targets, a.Targets) {
				t.Fatalf("stored %+v, returned %+v", back, a)
			}
		})
	}
}

func TestUpdateHistoryAndConflict(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	a := f.mustCreate(t, vehicle("Golf", "DD-AB 1234"))

	// An edit records every changed value, old and new.
	b, err := f.svc.Update(ctx, writer, a.Number, 1, asset.Input{Name: ptr("Golf Variant"), Data: map[string]any{"mileage": 12000, "licence_plate": nil},
		Relations: map[string][]string{"keeper": {"keeper1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if b.Version != 2 || len(b.History) != 2 {
		t.Fatalf("version %d, %d history entries", b.Version, len(b.History))
	}
	got := map[string][2]any{}
	for _, c := range b.History[1].Fields {
		got[c.Field] = [2]any{c.Old, c.New}
	}
	want := map[string][2]any{
		"name":               {"Golf", "Golf Variant"},
		"data.mileage":       {nil, float64(12000)},
		"data.licence_plate": {"DD-AB 1234", nil},
		"relations.keeper":   {nil, []any{"keeper1"}},
	}
	if len(got) != len(want) {
		t.Fatalf("changes %v, want %v", got, want)
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || !equalAny(g[0], w[0]) || !equalAny(g[1], w[1]) {
			t.Errorf("change %s = %v, want %v", k, got[k], w)
		}
	}

	// The stored history is what the edit returned.
	stored, err := f.svc.Get(ctx, reader, a.Number)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.History) != 2 || stored.History[1].Type != asset.ChangeUpdated || stored.Data["mileage"] != float64(12000) {
		t.Fatalf("stored %+v", stored)
	}

	// An edit that changes nothing is no new version.
	same, err := f.svc.Update(ctx, writer, a.Number, 2, asset.Input{Name: ptr("Golf Variant")})
	if err != nil || same.Version != 2 {
		t.Fatalf("no-op edit: version %v, %v", same, err)
	}

	// Editing an old version is a conflict, and so is losing a race.
	if _, err := f.svc.Update(ctx, writer, a.Number, 1, asset.Input{Name: ptr("late")}); !errors.Is(err, fault.Conflict) {
		t.Fatalf("stale edit: %v", err)
	}
	const racers = 8
	errs := make(chan error, racers)
	for i := range racers {
		go func() {
			_, err := f.svc.Update(ctx, writer, a.Number, 2, asset.Input{Data: map[string]any{"mileage": 13000 + i}})
			errs <- err
		}()
	}
	wins := 0
	for range racers {
		err := <-errs
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, fault.Conflict):
			t.Fatal(err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d concurrent edits of one version won, want 1", wins)
	}

	// Permissions.
	if _, err := f.svc.Update(ctx, reader, a.Number, 0, asset.Input{Name: ptr("x")}); !errors.Is(err, fault.Forbidden) {
		t.Fatalf("reader edit: %v", err)
	}
	if _, err := f.svc.Get(ctx, nobody, a.Number); !errors.Is(err, fault.Forbidden) {
		t.Fatalf("nobody get: %v", err)
	}
	if _, err := f.svc.Get(ctx, reader, "KFZ9999"); !errors.Is(err, fault.NotFound) {
		t.Fatalf("missing asset: %v", err)
	}

	// Retiring moves to the last status, once.
	cur, err := f.svc.Get(ctx, reader, a.Number)
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.svc.Retire(ctx, writer, a.Number, cur.Version, "de")
	if err != nil || r.Status != "retired" || r.History[len(r.History)-1].Type != asset.ChangeRetired {
		t.Fatalf("retire: %+v, %v", r, err)
	}
	again, err := f.svc.Retire(ctx, writer, a.Number, r.Version, "de")
	if err != nil || again.Version != r.Version {
		t.Fatalf("retire again: %+v, %v", again, err)
	}
}

func equalAny(a, b any) bool {
	as, aok := a.([]any)
	bs, bok := b.([]any)
	if aok || bok {
		return aok && bok && slices.Equal(as, bs)
	}
	return a == b
}
