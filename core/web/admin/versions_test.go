package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/store"
	"vorgang/core/web/internal/webtest"
)

// TestAdminVersions: the admin pages list every recorded version of the
// definitions, newest first, the one in service marked, and show what
// changed between two of them per definition and part, with where.
func TestAdminVersions(t *testing.T) {
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

	p := admin.Get("/admin/versions")
	first, second := strings.Index(p.Body, "bbbb33334444"), strings.Index(p.Body, "aaaa11112222")
	if p.Status != http.StatusOK || first < 0 || second < first ||
		!strings.Contains(p.Body, `href="/admin/versions/diff?from=aaaa11112222&amp;to=bbbb33334444"`) {
		t.Fatalf("versions page (%d) does not list the versions newest first with a link to their changes:\n%s", p.Status, p.Body)
	}

	p = admin.Get("/admin/versions/diff?from=aaaa11112222&to=bbbb33334444")
	for _, want := range []string{"state <code>eingang</code>", "entfernt", "state <code>neu</code>", "hinzugefügt", "processes/antrag.yaml:8:"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("diff page (%d) lacks %q", p.Status, want)
		}
	}

	if p := admin.Get("/admin/versions/diff?from=aaaa11112222"); p.Status != http.StatusBadRequest {
		t.Errorf("a diff without 'to': %d, want 400", p.Status)
	}
	if p := admin.Get("/admin/versions/diff?from=aaaa11112222&to=nothere"); p.Status != http.StatusNotFound {
		t.Errorf("a diff with an unknown version: %d, want 404", p.Status)
	}
	staff := env.Browser(t)
	staff.Login("ben")
	if p := staff.Get("/admin/versions"); p.Status != http.StatusForbidden {
		t.Errorf("versions page for staff: %d, want 403", p.Status)
	}
}

// TestAdminNamesRefusedDefinitions: after the server refused changed
// definitions for stranding open tickets, the admin page says so, with the
// tickets per process and state and where the removal is; once definitions
// are served again, it no longer does.
func TestAdminNamesRefusedDefinitions(t *testing.T) {
	env := webtest.NewUIEnv(t)
	admin := env.Browser(t)
	admin.Login("root")
	if p := admin.Get("/admin/"); strings.Contains(p.Body, `id="refused-definitions"`) {
		t.Fatal("the admin page names a refusal before any")
	}
	env.Eng.NoteRefused("cccc55556666aaaa", []engine.Stranded{{Process: "it-incident", State: "waiting", Tickets: 132,
		Change: definition.Change{Kind: "Process", ID: "it-incident", Part: "state", Item: "waiting", Op: definition.Removed, File: "processes/it/it-incident.yaml", Line: 26, Col: 9}}})
	p := admin.Get("/admin/")
	for _, want := range []string{`id="refused-definitions"`, "cccc55556666", "<td>waiting</td><td>132</td>", "processes/it/it-incident.yaml:26:9"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("admin page lacks %q", want)
		}
	}
	env.Eng.ClearRefused()
	if p := admin.Get("/admin/"); strings.Contains(p.Body, `id="refused-definitions"`) {
		t.Error("the admin page still names the refusal after definitions were served")
	}
}
