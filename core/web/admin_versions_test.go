package web_test

import (
	"net/http"
	"strings"
	"testing"

	"vorgang/core/store"
)

const versionsV1 = `apiVersion: vorgang/v1
kind: Process
id: antrag
title: Antrag
form: antrag
audience: [staff]
states:
  - {id: eingang, category: open}
  - {id: erledigt, category: closed}
transitions:
  - {id: erledigen, from: [eingang], to: erledigt}
---
apiVersion: vorgang/v1
kind: Form
id: antrag
title: Antrag
fields:
  - {id: summary, type: text, label: Betreff}
`

// TestAdminVersions: the admin pages list every recorded version of the
// definitions, newest first, the one in service marked, and show what
// changed between two of them per definition and part, with where.
func TestAdminVersions(t *testing.T) {
	env := newUIEnv(t)
	ctx := t.Context()
	v2 := strings.ReplaceAll(versionsV1, "eingang", "neu")
	for _, v := range []struct{ hash, src string }{{"aaaa11112222", versionsV1}, {"bbbb33334444", v2}} {
		if _, err := env.st.SaveDefinitionVersion(ctx, &store.DefinitionVersion{Hash: v.hash,
			Files: []store.DefinitionFile{{Path: "processes/antrag.yaml", Data: []byte(v.src)}}}); err != nil {
			t.Fatal(err)
		}
	}
	admin := env.browser(t)
	admin.login("root")

	p := admin.get("/admin/versions")
	first, second := strings.Index(p.body, "bbbb33334444"), strings.Index(p.body, "aaaa11112222")
	if p.status != http.StatusOK || first < 0 || second < first ||
		!strings.Contains(p.body, `href="/admin/versions/diff?from=aaaa11112222&amp;to=bbbb33334444"`) {
		t.Fatalf("versions page (%d) does not list the versions newest first with a link to their changes:\n%s", p.status, p.body)
	}

	p = admin.get("/admin/versions/diff?from=aaaa11112222&to=bbbb33334444")
	for _, want := range []string{"state <code>eingang</code>", "entfernt", "state <code>neu</code>", "hinzugefügt", "processes/antrag.yaml:8:"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("diff page (%d) lacks %q", p.status, want)
		}
	}

	if p := admin.get("/admin/versions/diff?from=aaaa11112222"); p.status != http.StatusBadRequest {
		t.Errorf("a diff without 'to': %d, want 400", p.status)
	}
	if p := admin.get("/admin/versions/diff?from=aaaa11112222&to=nothere"); p.status != http.StatusNotFound {
		t.Errorf("a diff with an unknown version: %d, want 404", p.status)
	}
	staff := env.browser(t)
	staff.login("ben")
	if p := staff.get("/admin/versions"); p.status != http.StatusForbidden {
		t.Errorf("versions page for staff: %d, want 403", p.status)
	}
}
