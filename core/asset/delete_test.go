package asset_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/internal/testkit"
)

var admin = &auth.Principal{User: "ada", Admin: true, Permissions: map[string]bool{}}

// TestDeleteForDataProtection: only an administrator deletes an asset,
// not while other assets point at it; afterwards it is gone from every
// lookup and search, its number may be given again, and the admin audit
// log records that a deletion happened without saying which asset.
func TestDeleteForDataProtection(t *testing.T) {
	t.Parallel()
	for _, memory := range []bool{false, true} {
		t.Run(map[bool]string{false: "mongodb", true: "memory"}[memory], func(t *testing.T) {
			f := fixtureOn(t, t.TempDir(), ptr(memory))
			ctx := t.Context()
			svc, err := asset.New(asset.Deps{Store: f.store, Catalog: func() *definition.Catalog { return f.cat }, Users: f.users, Deletions: f.users,
				Logger: testkit.Quiet, Now: func() time.Time { return clock }, MemoryIndex: ptr(memory)})
			if err != nil {
				t.Fatal(err)
			}
			bld, err := svc.Create(ctx, writer, asset.Input{Class: "building", Name: ptr("Altbau Keller"), Data: map[string]any{"street": "Gasse 1", "postcode": "01067", "city": "Dresden"}})
			if err != nil {
				t.Fatal(err)
			}
			in := vehicle("Dienstwagen Müller", "")
			in.Relations = map[string][]string{"location": {bld.Number}, "keeper": {"keeper1"}}
			car, err := svc.Create(ctx, writer, in)
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.Delete(ctx, writer, car.Number); !errors.Is(err, fault.Forbidden) {
				t.Fatalf("asset.write deleted: %v", err)
			}
			if err := svc.Delete(ctx, admin, bld.Number); fault.Code(err) != asset.CodeStillReferenced || !errors.Is(err, fault.Conflict) {
				t.Fatalf("deleting a building a car is in: %v", err)
			}
			if err := svc.Delete(ctx, admin, strings.ToLower(car.Number)); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Get(ctx, reader, car.Number); !errors.Is(err, fault.NotFound) {
				t.Errorf("the deleted asset is still found: %v", err)
			}
			if rows, _, _ := svc.Search(ctx, reader, asset.Query{Target: "keeper1"}); len(rows) != 0 {
				t.Errorf("the deleted asset is still searched: %v", rows)
			}
			if err := svc.Delete(ctx, admin, bld.Number); err != nil {
				t.Fatalf("the building, no longer referenced: %v", err)
			}
			again, err := svc.Create(ctx, writer, asset.Input{Class: "vehicle", Number: car.Number, Name: ptr("Neu"), Data: map[string]any{"vehicle_type": "car"}})
			if err != nil || again.Version != 1 {
				t.Fatalf("the number given again: %v, %v", again, err)
			}
			log, _, err := f.users.AuditLog(ctx, auth.CommandLine(), 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(log) != 2 {
				t.Fatalf("audit log %+v, want two deletions", log)
			}
			for _, e := range log {
				if e.Action != auth.AuditAssetDeleted || e.Actor != "ada" || e.User != "" || e.Detail != "" || len(e.Changes) != 0 {
					t.Errorf("audit entry %+v says more than that a deletion happened", e)
				}
			}
		})
	}
}

// TestAssignedToDisabled lists the assets still assigned to people whose
// accounts were disabled, and not the retired ones.
func TestAssignedToDisabled(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	for i, keeper := range []string{"keeper1", "keeper2", "keeper1"} {
		in := vehicle([]string{"Golf", "Polo", "Passat"}[i], "")
		in.Relations = map[string][]string{"keeper": {keeper}}
		f.mustCreate(t, in)
	}
	u, err := f.users.User(ctx, "keeper1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.users.UpdateUser(ctx, "keeper1", u.Version, auth.UserChange{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Retire(ctx, writer, "KFZ0003", 1, "de"); err != nil {
		t.Fatal(err)
	}
	rows, err := f.svc.AssignedToDisabled(ctx, reader)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Asset.Number != "KFZ0001" || rows[0].Relation != "keeper" || rows[0].User != "keeper1" {
		t.Fatalf("rows %+v, want KFZ0001 of keeper1", rows)
	}
	if _, err := f.svc.AssignedToDisabled(ctx, nobody); !errors.Is(err, fault.Forbidden) {
		t.Fatalf("without asset.read: %v", err)
	}
}
