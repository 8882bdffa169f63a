package admin_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"vorgang/core/engine"
	"vorgang/core/store"
	"vorgang/core/web/internal/webtest"
)

// TestAdminOlderVersion: a recorded version lists its processes, each
// with its diagram as that version had it, and the versions page offers
// to compare any two and counts the open tickets started on each.
func TestAdminOlderVersion(t *testing.T) {
	env := webtest.NewUIEnv(t)
	ctx := t.Context()
	v2 := strings.ReplaceAll(webtest.SmallVersion, "eingang", "neu")
	for _, v := range []struct{ hash, src string }{{"aaaa11112222", webtest.SmallVersion}, {"bbbb33334444", v2}} {
		if _, err := env.St.SaveDefinitionVersion(ctx, &store.DefinitionVersion{Hash: v.hash,
			Files: []store.DefinitionFile{{Path: "processes/antrag.yaml", Data: []byte(v.src)}}}); err != nil {
			t.Fatal(err)
		}
	}
	admin := env.Browser(t)
	admin.Login("root")
	for _, tc := range []struct {
		path   string
		status int
		want   []string
	}{
		{"/admin/versions", http.StatusOK, []string{`href="/admin/versions/aaaa11112222"`, `<form method="get" action="/admin/versions/diff"`,
			`<select id="compare-from" name="from">`, `<option value="aaaa11112222" selected>`}},
		{"/admin/versions/aaaa11112222", http.StatusOK, []string{`href="/admin/processes/antrag?version=aaaa11112222"`}},
		{"/admin/processes/antrag?version=aaaa11112222", http.StatusOK, []string{`id="older-version"`, "eingang"}},
		{"/admin/processes/antrag?version=bbbb33334444", http.StatusOK, []string{`id="older-version"`, ">neu<"}},
		{"/admin/versions/nothere", http.StatusNotFound, nil},
		{"/admin/processes/antrag?version=nothere", http.StatusNotFound, nil},
		{"/admin/processes/it-incident?version=aaaa11112222", http.StatusNotFound, nil},
	} {
		p := admin.Get(tc.path)
		if p.Status != tc.status {
			t.Errorf("%s: %d, want %d", tc.path, p.Status, tc.status)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(p.Body, w) {
				t.Errorf("%s lacks %q", tc.path, w)
			}
		}
	}
	if p := admin.Get("/admin/processes/it-incident"); strings.Contains(p.Body, `id="older-version"`) {
		t.Error("the process in service is marked as an older version")
	}
	staff := env.Browser(t)
	staff.Login("ben")
	for _, path := range []string{"/admin/versions/aaaa11112222", "/admin/processes/antrag?version=aaaa11112222", "/admin/migrations"} {
		if p := staff.Get(path); p.Status != http.StatusForbidden {
			t.Errorf("%s for staff: %d, want 403", path, p.Status)
		}
	}
}

// TestAdminMigrations: the migrations page says when no migration ran,
// and after a run names the tickets migrated per migration and each
// ticket left as it was with the reason.
func TestAdminMigrations(t *testing.T) {
	env := webtest.NewUIEnv(t)
	admin := env.Browser(t)
	admin.Login("root")
	for _, lang := range []string{"de", "en"} {
		if p := admin.Get("/admin/migrations?lang=" + lang); p.Status != http.StatusOK || strings.Contains(p.Body, `id="migration-run"`) {
			t.Fatalf("%s: before any run (%d):\n%s", lang, p.Status, p.Body)
		}
	}
	env.Eng.NoteMigrationRun(engine.MigrationRun{At: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), Catalog: "cccc55556666aaaa", Replaced: "aaaa11112222",
		Result: engine.MigrationResult{Migrated: map[string]int{"antrag-2027": 41}, Failed: 2, NotApplied: []string{"antrag-2026"},
			Failures: []engine.MigrationFailure{{Ticket: "AN-2026-00017", Migration: "antrag-2027", Error: "script antrag-2027:4: etage fehlt"},
				{Ticket: "AN-2026-00018", Migration: "antrag-2027", Error: "field etage: required"}}}})
	p := admin.Get("/admin/migrations")
	for _, want := range []string{`id="migration-run"`, "cccc55556666", "<td>antrag-2027</td><td>41</td>", `id="migration-failures"`,
		`<a href="/app/tickets/AN-2026-00017">AN-2026-00017</a></td><td>antrag-2027</td><td>script antrag-2027:4: etage fehlt</td>`,
		"AN-2026-00018", "<code>antrag-2026</code>"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("migrations page lacks %q", want)
		}
	}
}
