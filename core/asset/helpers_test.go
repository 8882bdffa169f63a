package asset_test

import (
	"testing"
	"time"

	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/internal/testkit"
	"vorgang/core/store"
)

var clock = time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)

// Principals: a writer, a reader and someone without asset permissions.
var (
	writer = &auth.Principal{User: "wanda", Permissions: map[string]bool{asset.PermWrite: true}}
	reader = &auth.Principal{User: "rolf", Permissions: map[string]bool{asset.PermRead: true}}
	nobody = &auth.Principal{User: "nina", Permissions: map[string]bool{}}
)

// fixture is a service over the shipped definitions and a fresh embedded
// store, with users "keeper1" and "keeper2".
type fixture struct {
	svc   *asset.Service
	store *store.Store
	cat   *definition.Catalog
	users *auth.Service
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return fixtureOn(t, t.TempDir(), nil)
}

// fixtureOn opens dir; memory selects the search path (nil: the default).
func fixtureOn(t testing.TB, dir string, memory *bool) *fixture {
	t.Helper()
	return fixtureWith(t, dir, memory, testkit.Desks(t))
}

// fixtureWith is fixtureOn with other definitions.
func fixtureWith(t testing.TB, dir string, memory *bool, cat *definition.Catalog) *fixture {
	t.Helper()
	quiet := testkit.Quiet
	st := testkit.OpenStore(t, testkit.StoreOptions{DataDir: dir, Collections: append(auth.Schema(), asset.Schema()...)})
	catalog := func() *definition.Catalog { return cat }
	users, err := auth.New(auth.Config{Store: st, Catalog: catalog, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"keeper1", "keeper2"} {
		if _, err := users.User(t.Context(), name); err == nil {
			continue
		}
		if _, err := users.CreateUser(t.Context(), auth.NewUser{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	svc, err := asset.New(asset.Deps{Store: st, Catalog: catalog, Users: users, Logger: quiet, Now: func() time.Time { return clock }, MemoryIndex: memory})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{svc: svc, store: st, cat: cat, users: users}
}

func ptr[T any](v T) *T { return &v }

// mustCreate creates an asset as writer.
func (f *fixture) mustCreate(t testing.TB, in asset.Input) *asset.Asset {
	t.Helper()
	a, err := f.svc.Create(t.Context(), writer, in)
	if err != nil {
		t.Fatalf("create %s %v: %v", in.Class, in.Name, err)
	}
	return a
}

// codes lists the field codes of a validation error as "field:code".
func codes(err error) []string {
	var verr *fault.Error
	if !asErr(err, &verr) {
		return nil
	}
	var out []string
	for _, f := range verr.Fields {
		out = append(out, f.Field+":"+f.Code)
	}
	return out
}

// newService is another service over the fixture's store, as after a
// restart.
func (f *fixture) newService(t testing.TB, memory bool) *asset.Service {
	t.Helper()
	svc, err := asset.New(asset.Deps{Store: f.store, Catalog: func() *definition.Catalog { return f.cat }, Users: f.users, Logger: testkit.Quiet,
		Now: func() time.Time { return clock }, MemoryIndex: &memory})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}
