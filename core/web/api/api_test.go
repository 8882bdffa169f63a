package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/app"
	"vorgang/core/auth"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/store"
	"vorgang/core/web"
)

// apiEnv is the real app over the shipped IT desk and a fresh embedded
// store, with tokens for three users.
type apiEnv struct {
	app    *fiber.App
	tokens map[string]string // user → API token
	st     *store.Store
}

// extraUser adds a user with roles and teams to an apiEnv.
type extraUser struct {
	name         string
	roles, teams []string
}

func newAPIEnv(t *testing.T, extra ...extraUser) *apiEnv {
	t.Helper()
	return newAPIEnvWith(t, apiOptions{users: defaultAPIUsers(extra)})
}

// defaultAPIUsers are anna (a requester with a password), ben and carla
// (agents of the first and second level), root (an administrator) and extra.
func defaultAPIUsers(extra []extraUser) []auth.NewUser {
	users := []auth.NewUser{
		{Name: "anna", Password: "Sommerfest-2026"},
		{Name: "ben", Teams: []string{"it-1st-level"}},
		{Name: "carla", Teams: []string{"it-2nd-level"}},
		{Name: "root", Roles: []string{"admin"}},
	}
	for _, x := range extra {
		users = append(users, auth.NewUser{Name: x.name, Roles: x.roles, Teams: x.teams})
	}
	return users
}

// newAPIEnvUsers is an apiEnv with exactly these users, in this order
// (a manager before those who report to them).
func newAPIEnvUsers(t *testing.T, users []auth.NewUser) *apiEnv {
	t.Helper()
	return newAPIEnvWith(t, apiOptions{users: users})
}

// apiOptions vary an apiEnv: its users (default: defaultAPIUsers), a fixed
// clock for the engine, a data folder of the test's choosing, a log to read.
type apiOptions struct {
	users   []auth.NewUser
	now     func() time.Time
	dataDir string
	logs    io.Writer // JSON records, INFO and above; default: discarded
}

func newAPIEnvWith(t *testing.T, o apiOptions) *apiEnv {
	t.Helper()
	users := o.users
	if users == nil {
		users = defaultAPIUsers(nil)
	}
	quiet := testkit.Quiet
	if o.logs != nil {
		quiet = slog.New(slog.NewJSONHandler(o.logs, nil))
	}
	a := testkit.NewApp(t, app.Config{DataDir: o.dataDir, Logger: quiet, Now: o.now})
	st, authn, catalog := a.Store, a.Auth, a.Catalog
	// The API tests write asset fields without creating the assets they
	// name: their engine checks such fields by shape only (newAssetEnv has
	// the app's engine, which looks them up).
	eng, err := engine.New(engine.Deps{Store: st, Users: authn, Catalog: catalog, Logger: quiet, Now: o.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(eng.Close)
	env := &apiEnv{tokens: map[string]string{}, st: st}
	for _, u := range users {
		if _, err := authn.CreateUser(t.Context(), u); err != nil {
			t.Fatal(err)
		}
		secret, _, err := authn.CreateToken(t.Context(), u.Name, "test", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		env.tokens[u.Name] = secret
	}
	env.app = web.New(web.Deps{Logger: quiet, Store: st, API: &web.APIDeps{Engine: eng, Auth: authn, Catalog: catalog}})
	return env
}

// call sends one request as user ("" = anonymous) and decodes the JSON reply.
func (e *apiEnv) call(t *testing.T, user, method, path string, body any, headers ...string) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := e.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	data, _ := io.ReadAll(resp.Body)
	if len(data) > 0 {
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatalf("%s %s: not JSON: %s", method, path, data)
		}
	}
	return resp.StatusCode, out
}

func errCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

var printer = map[string]any{"summary": "Drucker im Raum 204 druckt nicht", "category": "printer", "impact": "some", "urgency": "high", "location": "rathaus"}

func TestAPIScenario(t *testing.T) {
	env := newAPIEnv(t)
	steps := []struct {
		name   string
		user   string
		method string
		path   string
		body   any
		header []string
		status int
		code   string                                  // error code, when status ≥ 400
		check  func(t *testing.T, body map[string]any) // more assertions
	}{
		{"anonymous may not open a staff ticket", "", "POST", "/api/v1/tickets", map[string]any{"process": "it-incident", "data": printer}, nil, 401, "unauthorized", nil},
		{"bad token", "nobody", "GET", "/api/v1/me", nil, nil, 401, "unauthorized", nil},
		{"who am I", "ben", "GET", "/api/v1/me", nil, nil, 200, "", func(t *testing.T, b map[string]any) {
			if b["user"] != "ben" {
				t.Errorf("me = %v", b)
			}
		}},
		{"processes with form schemas", "anna", "GET", "/api/v1/processes", nil, nil, 200, "", func(t *testing.T, b map[string]any) {
			list := b["processes"].([]any)
			found := false
			for _, p := range list {
				m := p.(map[string]any)
				if m["schema"] == nil {
					t.Errorf("process %v has no schema", m["id"])
				}
				found = found || m["id"] == "it-incident"
			}
			if !found {
				t.Errorf("processes = %v", list)
			}
		}},
		{"missing process", "anna", "POST", "/api/v1/tickets", map[string]any{"data": printer}, nil, 400, "bad_request", nil},
		{"unknown process", "anna", "POST", "/api/v1/tickets", map[string]any{"process": "nope", "data": printer}, nil, 404, "not_found", nil},
		{"invalid form data", "anna", "POST", "/api/v1/tickets", map[string]any{"process": "it-incident", "data": map[string]any{"summary": "x"}}, nil, 422, "validation_failed", func(t *testing.T, b map[string]any) {
			fields := b["error"].(map[string]any)["fields"].([]any)
			if len(fields) < 2 || fields[0].(map[string]any)["field"] == "" {
				t.Errorf("fields = %v", fields)
			}
		}},
		{"not JSON", "anna", "POST", "/api/v1/tickets", nil, []string{"Content-Type", "text/plain"}, 400, "bad_request", nil},
		{"create", "anna", "POST", "/api/v1/tickets", map[string]any{"process": "it-incident", "data": printer}, []string{"Idempotency-Key", "k-1"}, 201, "", func(t *testing.T, b map[string]any) {
			if b["number"] != "INC-2026-000001" || b["priority"] != "high" || b["state"] != "new" {
				t.Errorf("created %v", b)
			}
		}},
		{"retried create returns the same ticket", "anna", "POST", "/api/v1/tickets", map[string]any{"process": "it-incident", "data": printer}, []string{"Idempotency-Key", "k-1"}, 201, "", func(t *testing.T, b map[string]any) {
			if b["number"] != "INC-2026-000001" {
				t.Errorf("retry created %v", b["number"])
			}
		}},
		{"requester sees the ticket with history", "anna", "GET", "/api/v1/tickets/INC-2026-000001", nil, nil, 200, "", func(t *testing.T, b map[string]any) {
			if len(b["history"].([]any)) != 1 {
				t.Errorf("history = %v", b["history"])
			}
		}},
		{"other team does not see it", "carla", "GET", "/api/v1/tickets/INC-2026-000001", nil, nil, 404, "not_found", nil},
		{"team inbox", "ben", "GET", "/api/v1/tickets?team=it-1st-level", nil, nil, 200, "", func(t *testing.T, b map[string]any) {
			if len(b["tickets"].([]any)) != 1 {
				t.Errorf("inbox = %v", b)
			}
		}},
		{"another team's inbox", "carla", "GET", "/api/v1/tickets?team=it-1st-level", nil, nil, 403, "forbidden", nil},
		{"my requests", "anna", "GET", "/api/v1/tickets", nil, nil, 200, "", func(t *testing.T, b map[string]any) {
			if len(b["tickets"].([]any)) != 1 {
				t.Errorf("my requests = %v", b)
			}
		}},
		{"requester may not start", "anna", "POST", "/api/v1/tickets/INC-2026-000001/transitions/start", map[string]any{"version": 1}, nil, 403, "role_required", nil},
		{"not from this state", "ben", "POST", "/api/v1/tickets/INC-2026-000001/transitions/close", map[string]any{}, nil, 422, "state_mismatch", nil},
		{"agent starts", "ben", "POST", "/api/v1/tickets/INC-2026-000001/transitions/start", map[string]any{"version": 1}, nil, 200, "", func(t *testing.T, b map[string]any) {
			if b["state"] != "in_progress" || b["assignee"] != "ben" || b["version"] != float64(2) {
				t.Errorf("after start: %v", b)
			}
		}},
		{"stale version", "ben", "POST", "/api/v1/tickets/INC-2026-000001/transitions/ask_requester", map[string]any{"version": 1, "comment": "?"}, nil, 409, "conflict", nil},
		{"internal comment by the agent", "ben", "POST", "/api/v1/tickets/INC-2026-000001/comments", map[string]any{"text": "Toner leer?", "internal": true}, nil, 201, "", nil},
		{"empty comment", "ben", "POST", "/api/v1/tickets/INC-2026-000001/comments", map[string]any{"text": " "}, nil, 422, "validation_failed", nil},
		{"requester does not see internal comments", "anna", "GET", "/api/v1/tickets/INC-2026-000001", nil, nil, 200, "", func(t *testing.T, b map[string]any) {
			if len(b["history"].([]any)) != 2 {
				t.Errorf("requester history = %v", b["history"])
			}
		}},
		{"resolve form is validated", "ben", "POST", "/api/v1/tickets/INC-2026-000001/transitions/resolve", map[string]any{"data": map[string]any{"solution": "kurz"}}, nil, 422, "validation_failed", nil},
		{"resolve", "ben", "POST", "/api/v1/tickets/INC-2026-000001/transitions/resolve", map[string]any{"data": map[string]any{"solution": "Toner getauscht und Testseite gedruckt", "cause": "hardware"}}, nil, 200, "", func(t *testing.T, b map[string]any) {
			if b["state"] != "resolved" {
				t.Errorf("after resolve: %v", b)
			}
		}},
		{"resolved ticket leaves the open inbox", "ben", "GET", "/api/v1/tickets?team=it-1st-level", nil, nil, 200, "", func(t *testing.T, b map[string]any) {
			if len(b["tickets"].([]any)) != 0 {
				t.Errorf("open inbox = %v", b)
			}
		}},
		{"finished tickets by title", "ben", "GET", "/api/v1/tickets?team=it-1st-level&status=closed&q=DRUCKER", nil, nil, 200, "", func(t *testing.T, b map[string]any) {
			list := b["tickets"].([]any)
			if len(list) != 1 || list[0].(map[string]any)["number"] != "INC-2026-000001" {
				t.Errorf("closed list = %v", b)
			}
		}},
		{"title text that matches nothing", "ben", "GET", "/api/v1/tickets?team=it-1st-level&status=closed&q=Scanner", nil, nil, 200, "", func(t *testing.T, b map[string]any) {
			if len(b["tickets"].([]any)) != 0 {
				t.Errorf("closed list = %v", b)
			}
		}},
		{"unknown status", "ben", "GET", "/api/v1/tickets?status=all", nil, nil, 400, "bad_request", func(t *testing.T, b map[string]any) {
			if f := b["error"].(map[string]any)["fields"].([]any); f[0].(map[string]any)["field"] != "status" {
				t.Errorf("fields = %v", f)
			}
		}},
		{"admin assigns", "root", "POST", "/api/v1/tickets/INC-2026-000001/assign", map[string]any{"user": "carla"}, nil, 200, "", nil},
		{"requester may not assign", "anna", "POST", "/api/v1/tickets/INC-2026-000001/assign", map[string]any{"user": "anna"}, nil, 403, "forbidden", nil},
		{"first level agent may reassign", "ben", "POST", "/api/v1/tickets/INC-2026-000001/assign", map[string]any{"user": "ben"}, nil, 200, "", func(t *testing.T, b map[string]any) {
			if b["assignee"] != "ben" {
				t.Errorf("after assign: %v", b)
			}
		}},
		{"unknown route", "anna", "GET", "/api/v1/nope", nil, nil, 404, "not_found", nil},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			status, body := env.call(t, s.user, s.method, s.path, s.body, s.header...)
			if status != s.status {
				t.Fatalf("status %d, want %d: %v", status, s.status, body)
			}
			if s.code != "" && errCode(body) != s.code {
				t.Fatalf("code %q, want %q: %v", errCode(body), s.code, body)
			}
			if s.check != nil {
				s.check(t, body)
			}
		})
	}
}

// Two agents transition one ticket version at once over HTTP: one 200, one 409.
func TestAPIConcurrentTransitions(t *testing.T) {
	env := newAPIEnv(t)
	status, created := env.call(t, "anna", "POST", "/api/v1/tickets", map[string]any{"process": "it-incident", "data": printer})
	if status != 201 {
		t.Fatal(created)
	}
	path := "/api/v1/tickets/" + created["number"].(string) + "/transitions/start"
	var wg sync.WaitGroup
	statuses := make([]int, 8)
	for i := range statuses {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			statuses[i], _ = env.call(t, "ben", "POST", path, map[string]any{"version": 1})
		}(i)
	}
	wg.Wait()
	ok, conflict := 0, 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusConflict, http.StatusUnprocessableEntity:
			conflict++
		}
	}
	if ok != 1 || conflict != 7 {
		t.Fatalf("statuses %v: want one 200 and seven 409/422", statuses)
	}
}
