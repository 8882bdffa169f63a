package app_test

import (
	"encoding/json"
	"strings"
	"testing"

	"vorgang/core/app"
	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
)

// TestSubjectExportAssets: a data subject's export lists the assets that
// name the person — by name, by a relation to their user — with the
// asset's own fields, and leaves out other people's assets and the
// personal fields (a phone number) that do not name them.
func TestSubjectExportAssets(t *testing.T) {
	a := testkit.NewApp(t, app.Config{})
	ctx := t.Context()
	for _, u := range []string{"erika", "max"} {
		if _, err := a.Auth.CreateUser(ctx, auth.NewUser{Name: u, Email: u + "@example.org"}); err != nil {
			t.Fatal(err)
		}
	}
	writer := &auth.Principal{User: "wanda", Permissions: map[string]bool{asset.PermWrite: true}}
	create := func(name string, data map[string]any, rel map[string][]string) string {
		t.Helper()
		as, err := a.Assets.Create(ctx, writer, asset.Input{Class: "phone", Name: &name, Data: data, Relations: rel})
		if err != nil {
			t.Fatal(err)
		}
		return as.Number
	}
	byName := create("Diensthandy Erika Mustermann", map[string]any{"phone_type": "mobile", "manufacturer": "Fairphone", "phone_number": "+49 711 5550101"}, nil)
	byUser := create("Tischtelefon 204", map[string]any{"phone_type": "desk", "model": "T46"}, map[string][]string{"user": {"erika"}})
	other := create("Diensthandy Max Meier", map[string]any{"phone_type": "mobile", "phone_number": "+49 711 5550202"}, map[string][]string{"user": {"max"}})

	officer := &auth.Principal{User: "dana", Permissions: map[string]bool{engine.PrivacyPermission: true}}
	rep, err := a.Engine.FindSubject(ctx, officer, engine.Subject{Name: "Erika Mustermann", User: "erika"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]any{}
	for _, r := range rep.Records {
		if r.Kind == "asset" {
			got[r.ID] = r.Fields
		}
	}
	if len(got) != 2 || got[byName] == nil || got[byUser] == nil {
		t.Fatalf("assets in the export = %v, want %s and %s", got, byName, byUser)
	}
	if got[byName]["data.manufacturer"] != "Fairphone" || got[byName]["name"] != "Diensthandy Erika Mustermann" || got[byUser]["data.model"] != "T46" {
		t.Errorf("the assets' own fields are missing: %v", got)
	}
	if rel, _ := got[byUser]["relations.user"].([]string); len(rel) != 1 || rel[0] != "erika" {
		t.Errorf("the relation to her is missing: %v", got[byUser])
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	for _, not := range []string{other, "Max", "max", "5550202", "5550101"} {
		if strings.Contains(string(b), not) {
			t.Errorf("the export holds %q (another person's asset, or a phone number not naming her): %s", not, b)
		}
	}
}
