package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

// png is the start of a PNG file, enough for the type to be sniffed.
var png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

// upload posts content as the part "file" (named name) of a multipart
// body; part "" sends a body without that part.
func (e *apiEnv) upload(t *testing.T, user, number, part, name string, content []byte) (int, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if part != "" {
		fw, err := w.CreateFormFile(part, name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(content)
	}
	_ = w.Close()
	req := httptest.NewRequest("POST", "/api/v1/articles/"+number+"/files", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Accept-Language", "en")
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	}
	resp, err := e.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if data, _ := io.ReadAll(resp.Body); len(data) > 0 {
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatalf("upload: not JSON: %s", data)
		}
	}
	return resp.StatusCode, out
}

// TestArticleFilesAPIAuthorization: uploading and removing a file needs
// knowledge.write and an article the caller reads (else 404, as reading
// it); listing and reading follow the article's visibility.
func TestArticleFilesAPIAuthorization(t *testing.T) {
	env := newReviewEnv(t)
	create := func(visibility, team string) string {
		a := map[string]any{"texts": map[string]any{"de": map[string]any{"title": "Plan " + visibility, "body": "Text"}},
			"category": "IT", "visibility": visibility, "team": team}
		status, body := env.call(t, "root", "POST", "/api/v1/articles", a)
		if status != http.StatusCreated {
			t.Fatalf("create: %d %v", status, body)
		}
		return body["number"].(string)
	}
	articles := map[string]string{"public": create("public", ""), "team": create("team", "it-2nd-level")}
	// want[caller][route on article]: wen writes articles but is in no
	// team, ben is staff without knowledge.write.
	want := map[string]map[string]int{
		"anonymous": {"upload public": 401, "upload team": 401, "list public": 200, "list team": 404, "read public": 200, "read team": 404, "remove public": 401, "remove team": 401},
		"ben":       {"upload public": 403, "upload team": 403, "list public": 200, "list team": 404, "read public": 200, "read team": 404, "remove public": 403, "remove team": 403},
		"wen":       {"upload public": 201, "upload team": 404, "list public": 200, "list team": 404, "read public": 200, "read team": 404, "remove public": 204, "remove team": 404},
		"root":      {"upload public": 201, "upload team": 201, "list public": 200, "list team": 200, "read public": 200, "read team": 200, "remove public": 204, "remove team": 204},
	}
	for caller, routes := range want {
		user := caller
		if caller == "anonymous" {
			user = ""
		}
		for _, vis := range []string{"public", "team"} {
			number := articles[vis]
			t.Run(fmt.Sprintf("%s/%s", caller, vis), func(t *testing.T) {
				// root's file, there for the reads and the removal.
				if status, body := env.upload(t, "root", number, "file", "plan.png", png); status != http.StatusCreated {
					t.Fatalf("root uploads: %d %v", status, body)
				}
				checks := []struct {
					route string
					do    func() (int, map[string]any)
				}{
					{"list", func() (int, map[string]any) {
						return env.call(t, user, "GET", "/api/v1/articles/"+number+"/files", nil)
					}},
					{"read", func() (int, map[string]any) {
						status, _, _ := env.raw(t, user, "GET", "/api/v1/articles/"+number+"/files/plan.png", "", "")
						return status, nil
					}},
					{"upload", func() (int, map[string]any) { return env.upload(t, user, number, "file", "other.png", png) }},
					{"remove", func() (int, map[string]any) {
						return env.call(t, user, "DELETE", "/api/v1/articles/"+number+"/files/plan.png", nil)
					}},
				}
				for _, c := range checks {
					if status, body := c.do(); status != routes[c.route+" "+vis] {
						t.Errorf("%s: %d, want %d: %v", c.route, status, routes[c.route+" "+vis], body)
					}
				}
			})
		}
	}
}

// TestArticleFilesAPI: an upload answers with the file's address, lists
// and serves it; refusals name the field; a file a version shows cannot
// be removed; the OpenAPI document has the routes.
func TestArticleFilesAPI(t *testing.T) {
	env := newReviewEnv(t)
	a := map[string]any{"texts": map[string]any{"de": map[string]any{"title": "Lageplan", "body": "![Plan](plan.png)"}}, "category": "IT", "visibility": "public"}
	status, body := env.call(t, "wen", "POST", "/api/v1/articles", a)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, body)
	}
	number := body["number"].(string)
	status, body = env.upload(t, "wen", number, "file", "Lage plan.png", png)
	if status != http.StatusCreated || body["name"] != "Lage-plan.png" || body["content_type"] != "image/png" ||
		body["url"] != "/api/v1/articles/"+number+"/files/Lage-plan.png" {
		t.Errorf("upload: %d %v", status, body)
	}
	if status, body := env.upload(t, "wen", number, "file", "plan.png", png); status != http.StatusCreated {
		t.Fatalf("upload plan.png: %d %v", status, body)
	}
	if status, body := env.call(t, "", "GET", "/api/v1/articles/"+number+"/files", nil); status != http.StatusOK || len(body["files"].([]any)) != 2 {
		t.Errorf("list: %d %v", status, body)
	}
	refusals := []struct {
		name, part, file string
		content          []byte
		field, code      string
	}{
		{"no file part", "", "", nil, "file", "required"},
		{"another part", "upload", "x.png", png, "file", "required"},
		{"SVG", "file", "x.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "file", "file_type_not_allowed"},
		{"text said to be PNG", "file", "x.png", []byte("just text"), "file", "file_type_not_allowed"},
		{"name", "file", "..", png, "file", "invalid_file_name"},
	}
	for _, r := range refusals {
		status, body := env.upload(t, "wen", number, r.part, r.file, r.content)
		if status != http.StatusUnprocessableEntity || !slices.Contains(fieldsOf(body), r.field+":"+r.code) {
			t.Errorf("%s: %d %v, want 422 %s on %s", r.name, status, body, r.code, r.field)
		}
	}
	if status, body := env.call(t, "wen", "DELETE", "/api/v1/articles/"+number+"/files/plan.png", nil); status != http.StatusUnprocessableEntity ||
		!slices.Contains(fieldsOf(body), "name:file_in_use") {
		t.Errorf("remove a file the article shows: %d %v", status, body)
	}
	if status, body := env.call(t, "wen", "DELETE", "/api/v1/articles/"+number+"/files/Lage-plan.png", nil); status != http.StatusNoContent {
		t.Errorf("remove: %d %v", status, body)
	}
	if status, _, _ := env.raw(t, "", "GET", "/api/v1/articles/"+number+"/files/Lage-plan.png", "", ""); status != http.StatusNotFound {
		t.Errorf("a removed file is served: %d", status)
	}
	if status, _ := env.call(t, "wen", "DELETE", "/api/v1/articles/"+number+"/files/Lage-plan.png", nil); status != http.StatusNotFound {
		t.Errorf("remove again: %d", status)
	}
	_, doc := env.call(t, "", "GET", "/api/v1/openapi.json", nil)
	paths, _ := doc["paths"].(map[string]any)
	files, _ := paths["/api/v1/articles/{number}/files"].(map[string]any)
	file, _ := paths["/api/v1/articles/{number}/files/{name}"].(map[string]any)
	if files["get"] == nil || files["post"] == nil || file["get"] == nil || file["delete"] == nil {
		t.Errorf("OpenAPI lacks the file routes: %v %v", files, file)
	}
}
