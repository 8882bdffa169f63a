package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// openapiURL is where the tests place the document for the schema
// compiler, so "#/components/…" references resolve within it.
const openapiURL = "https://vorgang.test/api/v1/openapi.json"

// getOpenAPI fetches the document anonymously and returns its bytes.
func getOpenAPI(t *testing.T, env *apiEnv) []byte {
	t.Helper()
	body, err := fetchOpenAPI(env)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func fetchOpenAPI(env *apiEnv) ([]byte, error) {
	resp, err := env.app.Test(httptest.NewRequest("GET", "/api/v1/openapi.json", nil), -1)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /api/v1/openapi.json = %d: %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return nil, fmt.Errorf("Content-Type = %q", ct)
	}
	return body, nil
}

// jsonAt follows keys through nested JSON objects; nil when one is missing.
func jsonAt(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func jsonStrings(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}

// pathParamRE matches a path parameter, named as in OpenAPI ({id}) or in the
// router (:id).
var pathParamRE = regexp.MustCompile(`\{[^}]*\}|:[a-z_]+`)

// normPath names every path parameter alike: docs/api.md, the router and
// the document may name them differently.
func normPath(p string) string { return pathParamRE.ReplaceAllString(p, "{}") }

func TestOpenAPIDocument(t *testing.T) {
	env := newAPIEnv(t)
	body := getOpenAPI(t, env)
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v", doc["openapi"])
	}

	ops := documentedOps(doc)

	t.Run("every endpoint of docs/api.md", func(t *testing.T) {
		md, err := os.ReadFile("../../../docs/api.md")
		if err != nil {
			t.Fatal(err)
		}
		found := regexp.MustCompile("`(GET|POST|PUT|PATCH|DELETE) (/[^`?\\s]*)").FindAllStringSubmatch(string(md), -1)
		if len(found) < 12 {
			t.Fatalf("only %d endpoints found in docs/api.md", len(found))
		}
		for _, m := range found {
			if !ops[m[1]+" "+normPath(m[2])] {
				t.Errorf("%s %s of docs/api.md is not in the document", m[1], m[2])
			}
		}
	})

	t.Run("every route of the app", func(t *testing.T) {
		for _, r := range env.app.GetRoutes(true) {
			if r.Method == "HEAD" {
				continue // fiber's automatic HEAD for GET
			}
			if !ops[r.Method+" "+normPath(r.Path)] {
				t.Errorf("route %s %s is not in the document", r.Method, r.Path)
			}
		}
	})

	t.Run("security and errors", func(t *testing.T) {
		if jsonAt(doc, "components", "securitySchemes", "bearerAuth", "scheme") != "bearer" ||
			jsonAt(doc, "components", "securitySchemes", "cookieAuth", "name") != "vorgang_session" {
			t.Errorf("securitySchemes = %v", jsonAt(doc, "components", "securitySchemes"))
		}
		if s := jsonAt(doc, "paths", "/api/v1/openapi.json", "get", "security"); s == nil || len(s.([]any)) != 0 {
			t.Errorf("openapi.json security = %v, want public", s)
		}
		fields := jsonAt(doc, "components", "schemas", "Error", "properties", "error", "properties")
		for _, k := range []string{"status", "code", "message", "fields"} {
			if jsonAt(fields, k) == nil {
				t.Errorf("error envelope lacks %s", k)
			}
		}
		create := jsonAt(doc, "paths", "/api/v1/tickets", "post", "responses").(map[string]any)
		for _, status := range []string{"201", "400", "401", "403", "404", "409", "415", "422"} {
			if create[status] == nil {
				t.Errorf("POST /api/v1/tickets lacks response %s", status)
			}
		}
		if jsonAt(create, "422", "content", "application/json", "schema", "$ref") != "#/components/schemas/Error" {
			t.Errorf("422 = %v", create["422"])
		}
	})

	t.Run("typed create request per process", func(t *testing.T) {
		create := jsonAt(doc, "components", "schemas", "it-incident-create")
		if create == nil {
			t.Fatal("no it-incident-create")
		}
		if jsonAt(create, "properties", "process", "const") != "it-incident" {
			t.Errorf("process = %v", jsonAt(create, "properties", "process"))
		}
		data := jsonAt(create, "properties", "data").(map[string]any)
		for _, k := range []string{"$schema", "$id"} {
			if _, ok := data[k]; ok {
				t.Errorf("embedded form schema keeps %s", k)
			}
		}
		req := jsonStrings(data["required"])
		for _, f := range []string{"summary", "category", "impact", "urgency", "location"} {
			if !slices.Contains(req, f) {
				t.Errorf("data.required = %v, lacks %s", req, f)
			}
		}
		body := jsonAt(doc, "paths", "/api/v1/tickets", "post", "requestBody", "content", "application/json", "schema")
		if !slices.ContainsFunc(jsonAt(body, "oneOf").([]any), func(v any) bool {
			return jsonAt(v, "$ref") == "#/components/schemas/it-incident-create"
		}) {
			t.Errorf("create body oneOf = %v", jsonAt(body, "oneOf"))
		}
		if jsonAt(body, "discriminator", "propertyName") != "process" ||
			jsonAt(body, "discriminator", "mapping", "it-incident") != "#/components/schemas/it-incident-create" {
			t.Errorf("discriminator = %v", jsonAt(body, "discriminator"))
		}
	})

	t.Run("typed transition body", func(t *testing.T) {
		resolve := jsonAt(doc, "components", "schemas", "it-incident.resolve-transition")
		if jsonAt(resolve, "properties", "data", "properties", "solution") == nil ||
			!slices.Contains(jsonStrings(jsonAt(resolve, "properties", "data", "required")), "solution") {
			t.Errorf("it-incident.resolve-transition = %v", resolve)
		}
		body := jsonAt(doc, "paths", "/api/v1/tickets/{number}/transitions/{transition}", "post", "requestBody", "content", "application/json", "schema")
		if !slices.ContainsFunc(jsonAt(body, "anyOf").([]any), func(v any) bool {
			return jsonAt(v, "$ref") == "#/components/schemas/it-incident.resolve-transition"
		}) {
			t.Errorf("transition body = %v", body)
		}
		// Transitions without a form have no typed body.
		if jsonAt(doc, "components", "schemas", "it-incident.start-transition") != nil {
			t.Error("it-incident.start-transition exists")
		}
	})

	t.Run("every component schema compiles", func(t *testing.T) {
		c := compilerFor(t, body)
		for name := range jsonAt(doc, "components", "schemas").(map[string]any) {
			if _, err := c.Compile(openapiURL + "#/components/schemas/" + name); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}

// documentedOps lists the document's operations as "METHOD /normalised/path".
func documentedOps(doc map[string]any) map[string]bool {
	ops := map[string]bool{}
	for path, item := range doc["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			if method != "parameters" {
				ops[strings.ToUpper(method)+" "+normPath(path)] = true
			}
		}
	}
	return ops
}

// With the asset register, its routes and those of docs/assets.md are in
// the document, and its schemas compile.
func TestOpenAPIDocumentWithAssets(t *testing.T) {
	env := newAssetEnv(t)
	body := getOpenAPI(t, env)
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	ops := documentedOps(doc)
	for _, r := range env.app.GetRoutes(true) {
		if r.Method != "HEAD" && !ops[r.Method+" "+normPath(r.Path)] {
			t.Errorf("route %s %s is not in the document", r.Method, r.Path)
		}
	}
	md, err := os.ReadFile("../../../docs/assets.md")
	if err != nil {
		t.Fatal(err)
	}
	found := regexp.MustCompile("`(GET|POST|PUT|PATCH|DELETE) (/[^`?\\s]*)").FindAllStringSubmatch(string(md), -1)
	if len(found) < 8 {
		t.Fatalf("only %d endpoints found in docs/assets.md", len(found))
	}
	for _, m := range found {
		path := m[2]
		if !strings.HasPrefix(path, "/api/") {
			path = "/api/v1" + path // the doc writes paths below /api/v1
		}
		if !ops[m[1]+" "+normPath(path)] {
			t.Errorf("%s %s of docs/assets.md is not in the document", m[1], m[2])
		}
	}
	c := compilerFor(t, body)
	for _, name := range []string{"Asset", "AssetList", "AssetRequest", "ImportReport"} {
		if _, err := c.Compile(openapiURL + "#/components/schemas/" + name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// compilerFor returns a draft 2020-12 compiler that knows the document.
func compilerFor(t *testing.T, doc []byte) *jsonschema.Compiler {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	if err := c.AddResource(openapiURL, bytes.NewReader(doc)); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestOpenAPIValidatesRequests checks request bodies against the schemas of
// the document, and that the server agrees with them.
func TestOpenAPIValidatesRequests(t *testing.T) {
	env := newAPIEnv(t)
	c := compilerFor(t, getOpenAPI(t, env))
	compile := func(ptr string) *jsonschema.Schema {
		s, err := c.Compile(openapiURL + "#" + ptr)
		if err != nil {
			t.Fatalf("compile %s: %v", ptr, err)
		}
		return s
	}
	create := compile("/components/schemas/it-incident-create")
	createBody := compile("/paths/~1api~1v1~1tickets/post/requestBody/content/application~1json/schema")
	resolve := compile("/components/schemas/it-incident.resolve-transition")

	without := func(m map[string]any, key string) map[string]any {
		out := maps.Clone(m)
		delete(out, key)
		return out
	}
	// Round-trip through JSON, as a client would send it.
	asJSON := func(v any) any {
		b, _ := json.Marshal(v)
		var out any
		_ = json.Unmarshal(b, &out)
		return out
	}
	for _, tc := range []struct {
		name   string
		schema *jsonschema.Schema
		body   map[string]any
		valid  bool
	}{
		{"create", create, map[string]any{"process": "it-incident", "data": printer}, true},
		{"create with title", createBody, map[string]any{"process": "it-incident", "title": "Drucker", "data": printer}, true},
		{"create without location", create, map[string]any{"process": "it-incident", "data": without(printer, "location")}, false},
		{"create body without location", createBody, map[string]any{"process": "it-incident", "data": without(printer, "location")}, false},
		{"create with an unknown field", create, map[string]any{"process": "it-incident", "data": map[string]any{"colour": "red"}}, false},
		{"create for another process", create, map[string]any{"process": "hr-leave", "data": printer}, false},
		{"create body for an unknown process", createBody, map[string]any{"process": "hr-leave", "data": printer}, false},
		{"create without data", create, map[string]any{"process": "it-incident"}, false},
		{"resolve", resolve, map[string]any{"version": 2, "data": map[string]any{"solution": "Treiber neu installiert", "cause": "software"}}, true},
		{"resolve without solution", resolve, map[string]any{"data": map[string]any{"cause": "software"}}, false},
		{"resolve with a bad cause", resolve, map[string]any{"data": map[string]any{"solution": "Treiber neu installiert", "cause": "gremlins"}}, false},
	} {
		err := tc.schema.Validate(asJSON(tc.body))
		if tc.valid && err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if !tc.valid && err == nil {
			t.Errorf("%s: valid, want invalid", tc.name)
		}
	}

	// The server takes what the schema takes and refuses what it refuses.
	if status, body := env.call(t, "ben", "POST", "/api/v1/tickets", map[string]any{"process": "it-incident", "data": printer}); status != http.StatusCreated {
		t.Errorf("valid create = %d %v", status, body)
	}
	status, body := env.call(t, "ben", "POST", "/api/v1/tickets", map[string]any{"process": "it-incident", "data": without(printer, "location")})
	if status != http.StatusUnprocessableEntity || errCode(body) != "validation_failed" {
		t.Errorf("create without location = %d %v", status, body)
	}
}

func TestOpenAPICache(t *testing.T) {
	env := newAPIEnv(t)
	first := getOpenAPI(t, env)
	if second := getOpenAPI(t, env); !bytes.Equal(first, second) {
		t.Error("two requests with the same catalog differ")
	}

	// Concurrent requests share the one document.
	var wg sync.WaitGroup
	bodies := make([][]byte, 8)
	errs := make([]error, len(bodies))
	for i := range bodies {
		wg.Go(func() { bodies[i], errs[i] = fetchOpenAPI(env) })
	}
	wg.Wait()
	for i, b := range bodies {
		if errs[i] != nil {
			t.Errorf("concurrent request %d: %v", i, errs[i])
		} else if !bytes.Equal(first, b) {
			t.Errorf("concurrent request %d differs", i)
		}
	}
}

func TestOpenAPIPublic(t *testing.T) {
	env := newAPIEnv(t)
	anonymous := getOpenAPI(t, env)
	status, body := env.call(t, "ben", "GET", "/api/v1/openapi.json", nil)
	if status != http.StatusOK || body["openapi"] != "3.1.0" {
		t.Fatalf("as ben = %d", status)
	}
	// It describes the catalog, not the caller.
	b, _ := json.Marshal(body)
	var want map[string]any
	_ = json.Unmarshal(anonymous, &want)
	w, _ := json.Marshal(want)
	if !bytes.Equal(b, w) {
		t.Error("the document depends on the caller")
	}
}
