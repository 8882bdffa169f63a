package app_test

import (
	"os"
	"testing"
	"time"

	"vorgang/core/app"
	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/internal/testkit"
)

// TestRemindAssetsUnderLease: the reminder job runs at the app's clock on
// the instance that takes its lease; another instance on the same
// database leaves it to that one.
func TestRemindAssetsUnderLease(t *testing.T) {
	clock := time.Date(2027, 3, 15, 7, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	// The driver lower-cases socket paths: the folder must not have
	// upper-case letters, as t.TempDir's (named after the test) has.
	dir, err := os.MkdirTemp("", "vorgang-app-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	first := testkit.NewApp(t, app.Config{Holder: "first", DataDir: dir, Now: now})
	writer := &auth.Principal{User: "wanda", Permissions: map[string]bool{asset.PermWrite: true}}
	name := "Diensthandy Pforte"
	if _, err := first.Assets.Create(t.Context(), writer, asset.Input{Class: "phone", Name: &name,
		Data: map[string]any{"phone_type": "mobile", "contract_end": "2027-05-31"}}); err != nil {
		t.Fatal(err)
	}
	second := testkit.NewApp(t, app.Config{Holder: "second", MongoURI: first.Store.EmbeddedURI(), Now: now})
	ran, n, err := first.RemindAssets(t.Context())
	if err != nil || !ran || n != 1 {
		t.Fatalf("first instance: ran %v, %d reminders, %v; want one", ran, n, err)
	}
	if ran, _, err := second.RemindAssets(t.Context()); err != nil || ran {
		t.Fatalf("second instance ran beside the lease holder: %v, %v", ran, err)
	}
	list, err := first.Assets.Reminders(t.Context(), writer)
	if err != nil || len(list) != 1 || list[0].Field != "contract_end" {
		t.Fatalf("reminders %+v, %v", list, err)
	}
}
