package api_test

import (
	"net/http"
	"testing"
	"time"

	"vorgang/core/app"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/internal/testkit"
	"vorgang/core/web"
)

// newReviewEnv is the API over the shipped desks plus a category "Gebühren"
// reviewed by the role kb-review: wen writes, rev and ria review, ben is
// staff, root administers.
func newReviewEnv(t *testing.T) *apiEnv {
	t.Helper()
	files := append(testkit.DeskFiles(t),
		definition.File{Path: "roles/kb.yaml", Data: []byte(`apiVersion: vorgang/v1
kind: Role
id: kb-editor
title: Redaktion
permissions: [knowledge.write]
---
apiVersion: vorgang/v1
kind: Role
id: kb-review
title: Freigabe
permissions: [knowledge.write]
---
apiVersion: vorgang/v1
kind: KnowledgeCategory
id: gebuehren
title: {de: Gebühren, en: Fees}
review: {role: kb-review}
`)})
	a := testkit.NewApp(t, app.Config{Catalog: testkit.Fixed(testkit.Compile(t, files))})
	env := &apiEnv{tokens: map[string]string{}, st: a.Store}
	for _, u := range []auth.NewUser{{Name: "wen", Roles: []string{"kb-editor"}}, {Name: "rev", Roles: []string{"kb-review"}},
		{Name: "ria", Roles: []string{"kb-review"}}, {Name: "ben", Teams: []string{"it-1st-level"}}, {Name: "root", Roles: []string{"admin"}}} {
		if _, err := a.Auth.CreateUser(t.Context(), u); err != nil {
			t.Fatal(err)
		}
		secret, _, err := a.Auth.CreateToken(t.Context(), u.Name, "test", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		env.tokens[u.Name] = secret
	}
	env.app = web.New(web.Deps{Logger: a.Logger, Store: a.Store,
		API: &web.APIDeps{Engine: a.Engine, Auth: a.Auth, Catalog: a.Catalog, Knowledge: a.Knowledge}})
	return env
}

func fee(title string) map[string]any {
	return map[string]any{"texts": map[string]any{"de": map[string]any{"title": title, "body": "37 Euro"}}, "category": "Fees", "visibility": "public"}
}

// TestArticleApprovalAPI: a version in a reviewed category waits; readers
// get the published text and never the waiting one; the author cannot
// approve their own version; a stale version is refused.
func TestArticleApprovalAPI(t *testing.T) {
	env := newReviewEnv(t)
	status, body := env.call(t, "wen", "POST", "/api/v1/articles", fee("Ausweis"))
	if status != http.StatusCreated || body["unpublished"] != true || body["pending"] == nil {
		t.Fatalf("create: %d %v", status, body)
	}
	number := body["number"].(string)
	if status, _ := env.call(t, "", "GET", "/api/v1/articles/"+number, nil); status != http.StatusNotFound {
		t.Errorf("anonymous reads an unpublished article: %d", status)
	}
	if status, body := env.call(t, "rev", "GET", "/api/v1/articles/pending", nil); status != http.StatusOK || body["total"] != float64(1) {
		t.Errorf("pending for the reviewer: %d %v", status, body)
	}
	if status, body := env.call(t, "wen", "GET", "/api/v1/articles/pending", nil); status != http.StatusOK || body["total"] != float64(0) {
		t.Errorf("pending for the author: %d %v", status, body)
	}
	if status, body := env.call(t, "rev", "POST", "/api/v1/articles/"+number+"/approve", map[string]any{"version": 1}); status != http.StatusOK || body["pending"] != nil {
		t.Fatalf("approve: %d %v", status, body)
	}
	up := fee("Ausweis beantragen")
	up["version"] = 2
	if status, body := env.call(t, "wen", "PUT", "/api/v1/articles/"+number, up); status != http.StatusOK || body["published"] != float64(2) {
		t.Fatalf("update: %d %v", status, body)
	}
	status, body = env.call(t, "", "GET", "/api/v1/articles/"+number, nil)
	if texts, _ := body["texts"].(map[string]any); status != http.StatusOK || body["pending"] != nil || texts["de"].(map[string]any)["title"] != "Ausweis" {
		t.Errorf("anonymous reader while an edit waits: %d %v", status, body)
	}
	if status, body := env.call(t, "ben", "GET", "/api/v1/articles/"+number, nil); status != http.StatusOK || body["pending"] != nil {
		t.Errorf("staff who may not write get the waiting version: %v", body)
	}
	if status, body := env.call(t, "rev", "POST", "/api/v1/articles/"+number+"/approve", map[string]any{"version": 2}); status != http.StatusConflict {
		t.Errorf("approve a version that does not wait: %d %v", status, body)
	}
	status, body = env.call(t, "rev", "GET", "/api/v1/articles/"+number+"/versions", nil)
	if vs, _ := body["versions"].([]any); status != http.StatusOK || len(vs) != 3 || vs[1].(map[string]any)["decision"] != "approved" {
		t.Errorf("versions: %d %v", status, body)
	}
	if status, body := env.call(t, "rev", "POST", "/api/v1/articles/"+number+"/reject", map[string]any{"version": 3}); status != http.StatusOK {
		t.Fatalf("reject: %d %v", status, body)
	}
	if status, body := env.call(t, "rev", "POST", "/api/v1/articles/"+number+"/reject", map[string]any{"version": 4}); status != http.StatusUnprocessableEntity || errCode(body) != "no_article_version_pending" {
		t.Errorf("reject with nothing waiting: %d %v", status, body)
	}
}

// TestArticleApprovalAPIAuthorization: who may approve a waiting version.
func TestArticleApprovalAPIAuthorization(t *testing.T) {
	env := newReviewEnv(t)
	cases := []struct {
		user   string
		status int
		code   string
	}{
		{"wen", http.StatusForbidden, "own_article_version"},
		{"ben", http.StatusForbidden, "forbidden"},
		{"", http.StatusUnauthorized, ""},
		{"ria", http.StatusOK, ""},
		{"root", http.StatusOK, ""},
	}
	for _, c := range cases {
		t.Run(c.user, func(t *testing.T) {
			_, body := env.call(t, "wen", "POST", "/api/v1/articles", fee("Gebühr "+c.user))
			number := body["number"].(string)
			status, body := env.call(t, c.user, "POST", "/api/v1/articles/"+number+"/approve", map[string]any{"version": 1})
			if status != c.status || (c.code != "" && errCode(body) != c.code) {
				t.Errorf("approve as %q: %d %v, want %d %s", c.user, status, body, c.status, c.code)
			}
		})
	}
	// A writer without the reviewer role, on a version someone else wrote.
	_, body := env.call(t, "rev", "POST", "/api/v1/articles", fee("Gebühr von rev"))
	if status, body := env.call(t, "wen", "POST", "/api/v1/articles/"+body["number"].(string)+"/approve", map[string]any{"version": 1}); status != http.StatusForbidden || errCode(body) != "article_reviewer_role" {
		t.Errorf("approve without the reviewer role: %d %v", status, body)
	}
}
