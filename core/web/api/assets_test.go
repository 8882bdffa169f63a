package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"vorgang/core/app"
	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/internal/testkit"
	"vorgang/core/web"
)

// newAssetEnv is newAPIEnv with the assets wired in as `vorgang serve`
// does: the asset routes, asset fields of ticket forms checked against the
// store, and tickets created with an asset field listed on the asset.
// anna has no asset permissions, ben (it-agent) may read, carla
// (it-specialist) may write.
func newAssetEnv(t *testing.T) *apiEnv {
	t.Helper()
	return newAppEnv(t, false)
}

// newAppEnv is an apiEnv over a whole app; running also runs its
// background work (the search index's feeder among it) until the test ends.
func newAppEnv(t *testing.T, running bool) *apiEnv {
	t.Helper()
	a := testkit.NewApp(t, app.Config{})
	if running {
		go func() { _ = a.Run(t.Context()) }()
	}
	authn, assets, eng, catalog := a.Auth, a.Assets, a.Engine, a.Catalog
	quiet := a.Logger
	env := &apiEnv{tokens: map[string]string{}}
	for _, u := range []auth.NewUser{
		{Name: "anna"},
		{Name: "ben", Teams: []string{"it-1st-level"}},
		{Name: "carla", Teams: []string{"it-2nd-level"}},
		{Name: "root", Roles: []string{"admin"}},
	} {
		if _, err := authn.CreateUser(t.Context(), u); err != nil {
			t.Fatal(err)
		}
		secret, _, err := authn.CreateToken(t.Context(), u.Name, "test", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		env.tokens[u.Name] = secret
	}
	env.app = web.New(web.Deps{Logger: quiet, Store: a.Store, API: &web.APIDeps{Engine: eng, Auth: authn, Catalog: catalog, Assets: assets}})
	return env
}

// raw sends a request with a raw body and returns status, content type and
// body.
func (e *apiEnv) raw(t *testing.T, user, method, path, contentType, body string) (int, string, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	resp, err := e.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), data
}

func workstation(name string, rel map[string][]string) map[string]any {
	return map[string]any{"class": "workstation", "name": name, "data": map[string]any{"device_type": "laptop"}, "relations": rel}
}

func fieldsOf(b map[string]any) []string {
	e, _ := b["error"].(map[string]any)
	list, _ := e["fields"].([]any)
	var out []string
	for _, f := range list {
		m := f.(map[string]any)
		out = append(out, m["field"].(string)+":"+m["code"].(string))
	}
	return out
}

func TestAssetAPIScenario(t *testing.T) {
	env := newAssetEnv(t)
	vars := map[string]string{}
	incident := func(assetNo string) map[string]any {
		d := map[string]any{"summary": "Notebook startet nicht", "category": "workstation", "impact": "single", "urgency": "high", "location": "rathaus", "affected_asset": assetNo}
		return map[string]any{"process": "it-incident", "data": d}
	}
	steps := []struct {
		name   string
		user   string
		method string
		path   string
		body   any
		status int
		code   string
		check  func(t *testing.T, b map[string]any)
	}{
		{"anonymous", "", "GET", "/api/v1/assets", nil, 401, "unauthorized", nil},
		{"no asset permission: list", "anna", "GET", "/api/v1/assets", nil, 403, "forbidden", nil},
		{"no asset permission: get", "anna", "GET", "/api/v1/assets/IT000001", nil, 403, "forbidden", nil},
		{"read permission does not create", "ben", "POST", "/api/v1/assets", workstation("x", nil), 403, "forbidden", nil},
		{"classes", "ben", "GET", "/api/v1/asset-classes", nil, 200, "", func(t *testing.T, b map[string]any) {
			if n := len(b["asset_classes"].([]any)); n != 7 {
				t.Errorf("%d asset classes", n)
			}
		}},
		{"create a building", "carla", "POST", "/api/v1/assets", map[string]any{"class": "building", "name": "Rathaus",
			"data": map[string]any{"street": "Markt 1", "postcode": "01067", "city": "Dresden", "accessible": true}}, 201, "", func(t *testing.T, b map[string]any) {
			if b["number"] != "GEB0001" || b["status"] != "in_use" || b["version"] != float64(1) {
				t.Errorf("building %v", b)
			}
		}},
		{"create a room in it", "carla", "POST", "/api/v1/assets", map[string]any{"class": "room", "name": "Raum 204",
			"data": map[string]any{"room_number": "204", "usage": "office"}, "relations": map[string]any{"building": []string{"GEB0001"}}}, 201, "", func(t *testing.T, b map[string]any) {
			if b["number"] != "RAUM00001" {
				t.Errorf("room %v", b["number"])
			}
		}},
		{"create a computer in the room", "carla", "POST", "/api/v1/assets", workstation("Notebook Meier", map[string][]string{"location": {"RAUM00001"}, "user": {"anna"}}), 201, "", func(t *testing.T, b map[string]any) {
			if b["number"] != "IT000001" || len(b["history"].([]any)) != 1 {
				t.Errorf("computer %v", b)
			}
		}},
		{"relation to the wrong class", "carla", "POST", "/api/v1/assets", workstation("x", map[string][]string{"location": {"GEB0001"}}), 422, "validation_failed", func(t *testing.T, b map[string]any) {
			if f := fieldsOf(b); len(f) != 1 || f[0] != "relations.location:wrong_class" {
				t.Errorf("fields %v", f)
			}
		}},
		{"field errors", "carla", "POST", "/api/v1/assets", map[string]any{"class": "workstation", "data": map[string]any{"device_type": "toaster"}}, 422, "validation_failed", func(t *testing.T, b map[string]any) {
			if f := fieldsOf(b); len(f) != 2 || f[0] != "name:required" || f[1] != "data.device_type:not_an_option" {
				t.Errorf("fields %v", f)
			}
		}},
		{"read it", "ben", "GET", "/api/v1/assets/IT000001", nil, 200, "", func(t *testing.T, b map[string]any) {
			rel := b["relations"].(map[string]any)
			if b["name"] != "Notebook Meier" || rel["location"].([]any)[0] != "RAUM00001" {
				t.Errorf("asset %v", b)
			}
		}},
		{"filter by class", "ben", "GET", "/api/v1/assets?class=room", nil, 200, "", func(t *testing.T, b map[string]any) {
			if l := b["assets"].([]any); len(l) != 1 || l[0].(map[string]any)["number"] != "RAUM00001" {
				t.Errorf("rooms %v", l)
			}
		}},
		{"filter by relation target", "ben", "GET", "/api/v1/assets?target=RAUM00001", nil, 200, "", func(t *testing.T, b map[string]any) {
			if l := b["assets"].([]any); len(l) != 1 || l[0].(map[string]any)["number"] != "IT000001" {
				t.Errorf("in the room %v", l)
			}
		}},
		{"search text", "ben", "GET", "/api/v1/assets?q=meier", nil, 200, "", func(t *testing.T, b map[string]any) {
			if l := b["assets"].([]any); len(l) != 1 {
				t.Errorf("search %v", l)
			}
		}},
		{"edit", "carla", "PATCH", "/api/v1/assets/IT000001", map[string]any{"version": 1, "data": map[string]any{"serial_number": "SN-42"}}, 200, "", func(t *testing.T, b map[string]any) {
			h := b["history"].([]any)
			last := h[len(h)-1].(map[string]any)["fields"].([]any)[0].(map[string]any)
			if b["version"] != float64(2) || last["field"] != "data.serial_number" || last["old"] != nil || last["new"] != "SN-42" {
				t.Errorf("after edit %v", b)
			}
		}},
		{"edit of a stale version", "carla", "PATCH", "/api/v1/assets/IT000001", map[string]any{"version": 1, "name": "late"}, 409, "conflict", nil},
		{"an edit with a misspelt key", "carla", "PATCH", "/api/v1/assets/IT000001", map[string]any{"version": 2, "nmae": "Tippfehler"}, 422, "validation_failed", func(t *testing.T, b map[string]any) {
			if f := fieldsOf(b); len(f) != 1 || f[0] != "nmae:unknown_field" {
				t.Errorf("fields %v", f)
			}
		}},
		{"an edit without the version it read", "carla", "PATCH", "/api/v1/assets/IT000001", map[string]any{"name": "blind"}, 422, "validation_failed", func(t *testing.T, b map[string]any) {
			if f := fieldsOf(b); len(f) != 1 || f[0] != "version:required" {
				t.Errorf("fields %v", f)
			}
		}},
		{"a create with a misspelt key", "carla", "POST", "/api/v1/assets", map[string]any{"class": "workstation", "name": "x", "daten": map[string]any{}}, 422, "validation_failed", func(t *testing.T, b map[string]any) {
			if f := fieldsOf(b); len(f) != 1 || f[0] != "daten:unknown_field" {
				t.Errorf("fields %v", f)
			}
		}},
		{"read permission does not edit", "ben", "PATCH", "/api/v1/assets/IT000001", map[string]any{"name": "x"}, 403, "forbidden", nil},
		{"missing asset", "ben", "GET", "/api/v1/assets/IT999999", nil, 404, "not_found", nil},
		{"a ticket names the computer", "anna", "POST", "/api/v1/tickets", incident("IT000001"), 201, "", func(t *testing.T, b map[string]any) {
			vars["t1"] = b["number"].(string)
			links, _ := b["links"].([]any)
			if len(links) != 1 || links[0].(map[string]any)["target"] != "IT000001" {
				t.Errorf("ticket links %v", b["links"])
			}
		}},
		{"a ticket naming a missing asset", "anna", "POST", "/api/v1/tickets", incident("IT000999"), 422, "validation_failed", func(t *testing.T, b map[string]any) {
			if f := fieldsOf(b); len(f) != 1 || f[0] != "affected_asset:unknown_reference" {
				t.Errorf("fields %v", f)
			}
		}},
		{"a ticket naming a room as computer", "anna", "POST", "/api/v1/tickets", incident("RAUM00001"), 422, "validation_failed", nil},
		{"the computer lists its ticket", "ben", "GET", "/api/v1/assets/IT000001/tickets", nil, 200, "", func(t *testing.T, b map[string]any) {
			l := b["tickets"].([]any)
			if len(l) != 1 || l[0].(map[string]any)["number"] != vars["t1"] {
				t.Errorf("tickets %v", l)
			}
		}},
		{"but not to someone who may not see the ticket", "carla", "GET", "/api/v1/assets/IT000001/tickets", nil, 200, "", func(t *testing.T, b map[string]any) {
			if l := b["tickets"].([]any); len(l) != 0 {
				t.Errorf("carla sees %v", l)
			}
		}},
		{"a second computer", "carla", "POST", "/api/v1/assets", workstation("Drucker 2. OG", nil), 201, "", nil},
		{"link the ticket to it by hand", "ben", "POST", "/api/v1/assets/IT000002/tickets", map[string]any{"ticket": "{t1}"}, 201, "", func(t *testing.T, b map[string]any) {
			if links := b["links"].([]any); len(links) != 2 {
				t.Errorf("links %v", links)
			}
		}},
		{"linking again changes nothing", "ben", "POST", "/api/v1/assets/IT000002/tickets", map[string]any{"ticket": "{t1}"}, 201, "", func(t *testing.T, b map[string]any) {
			if links := b["links"].([]any); len(links) != 2 {
				t.Errorf("links %v", links)
			}
		}},
		{"the ticket's history has the link", "ben", "GET", "/api/v1/tickets/{t1}", nil, 200, "", func(t *testing.T, b map[string]any) {
			h := b["history"].([]any)
			if last := h[len(h)-1].(map[string]any); last["type"] != "linked" || len(h) != 2 {
				t.Errorf("history %v", h)
			}
		}},
		{"linking needs asset permission", "anna", "POST", "/api/v1/assets/IT000002/tickets", map[string]any{"ticket": "{t1}"}, 403, "forbidden", nil},
		{"linking an unseen ticket", "carla", "POST", "/api/v1/assets/IT000002/tickets", map[string]any{"ticket": "{t1}"}, 404, "not_found", nil},
		{"retire", "carla", "POST", "/api/v1/assets/IT000002/retire", map[string]any{"version": 1}, 200, "", func(t *testing.T, b map[string]any) {
			if b["status"] != "retired" || b["version"] != float64(2) {
				t.Errorf("retired %v", b)
			}
		}},
		{"a retired asset is no longer offered to tickets", "anna", "POST", "/api/v1/tickets", incident("IT000002"), 422, "validation_failed", nil},
		{"retired assets are found by status", "ben", "GET", "/api/v1/assets?class=workstation&status=retired", nil, 200, "", func(t *testing.T, b map[string]any) {
			if l := b["assets"].([]any); len(l) != 1 || l[0].(map[string]any)["number"] != "IT000002" {
				t.Errorf("retired %v", l)
			}
		}},
		{"assets of disabled users", "ben", "GET", "/api/v1/asset-reports/disabled-users", nil, 200, "", func(t *testing.T, b map[string]any) {
			if l, ok := b["assignments"].([]any); !ok || len(l) != 0 {
				t.Errorf("assignments %v", b)
			}
		}},
		{"end dates due", "ben", "GET", "/api/v1/asset-reports/reminders", nil, 200, "", func(t *testing.T, b map[string]any) {
			if l, ok := b["reminders"].([]any); !ok || len(l) != 0 {
				t.Errorf("reminders %v", b)
			}
		}},
		{"end dates need asset.read", "anna", "GET", "/api/v1/asset-reports/reminders", nil, 403, "forbidden", nil},
		{"deleting needs an administrator", "carla", "DELETE", "/api/v1/assets/IT000002", nil, 403, "forbidden", nil},
		{"a room something is in is not deleted", "root", "DELETE", "/api/v1/assets/RAUM00001", nil, 409, "still_referenced", nil},
		{"an administrator deletes", "root", "DELETE", "/api/v1/assets/IT000002", nil, 204, "", nil},
		{"the deleted asset is gone", "ben", "GET", "/api/v1/assets/IT000002", nil, 404, "not_found", nil},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			path := s.path
			body := s.body
			for k, v := range vars {
				path = strings.ReplaceAll(path, "{"+k+"}", v)
				if m, ok := body.(map[string]any); ok {
					for mk, mv := range m {
						if mv == "{"+k+"}" {
							m[mk] = v
						}
					}
				}
			}
			status, b := env.call(t, s.user, s.method, path, body)
			if status != s.status {
				t.Fatalf("status %d, want %d: %v", status, s.status, b)
			}
			if s.code != "" && errCode(b) != s.code {
				t.Fatalf("code %q, want %q: %v", errCode(b), s.code, b)
			}
			if s.check != nil {
				s.check(t, b)
			}
		})
	}
}

func TestAssetAPIImportExport(t *testing.T) {
	env := newAssetEnv(t)
	if status, b := env.call(t, "carla", "POST", "/api/v1/assets", map[string]any{"class": "building", "name": "Rathaus",
		"data": map[string]any{"street": "Markt 1", "postcode": "01067", "city": "Dresden"}}); status != 201 {
		t.Fatal(b)
	}
	bad := "name;room_number;usage;building\nRaum 1;1;office;GEB0001\nRaum 2;2;kitchen;GEB0001\nRaum 3;;office;GEB0002\n"
	good := "name;room_number;usage;building;seats\nRaum 1;1;office;GEB0001;4\nRaum 2;2;meeting;GEB0001;12\n"
	tests := []struct {
		name   string
		user   string
		path   string
		body   string
		status int
		check  func(t *testing.T, body []byte)
	}{
		{"bad rows are reported with line and column", "carla", "/api/v1/assets/import?class=room&dry_run=true", bad, 422, func(t *testing.T, body []byte) {
			var b map[string]any
			_ = json.Unmarshal(body, &b)
			want := []string{"3:usage:not_an_option", "4:room_number:required", "4:building:unknown_reference"}
			if f := fieldsOf(b); strings.Join(f, " ") != strings.Join(want, " ") || errCode(b) != "import_failed" {
				t.Errorf("fields %v, want %v", f, want)
			}
		}},
		{"a bad file imports nothing", "carla", "/api/v1/assets/import?class=room", bad, 422, nil},
		{"read permission does not import", "ben", "/api/v1/assets/import?class=room", good, 403, nil},
		{"dry run of a good file", "carla", "/api/v1/assets/import?class=room&dry_run=true", good, 200, func(t *testing.T, body []byte) {
			var rep asset.ImportReport
			_ = json.Unmarshal(body, &rep)
			if rep.Created != 2 || !rep.DryRun {
				t.Errorf("report %+v", rep)
			}
		}},
		{"import", "carla", "/api/v1/assets/import?class=room", good, 200, func(t *testing.T, body []byte) {
			var rep asset.ImportReport
			_ = json.Unmarshal(body, &rep)
			if rep.Created != 2 || strings.Join(rep.Numbers, ",") != "RAUM00001,RAUM00002" {
				t.Errorf("report %+v", rep)
			}
		}},
		{"unknown class", "carla", "/api/v1/assets/import?class=spaceship", good, 422, nil},
		// Only true/1/t counted as a dry run; any other word imported for
		// real. Now the documented words work and others are refused.
		{"a dry run said in German", "carla", "/api/v1/assets/import?class=room&dry_run=ja", good, 200, func(t *testing.T, body []byte) {
			var rep asset.ImportReport
			_ = json.Unmarshal(body, &rep)
			if !rep.DryRun || rep.Created != 2 {
				t.Errorf("report %+v, want a dry run", rep)
			}
		}},
		{"an unknown dry_run word is refused", "carla", "/api/v1/assets/import?class=room&dry_run=vielleicht", good, 400, func(t *testing.T, body []byte) {
			var b map[string]any
			_ = json.Unmarshal(body, &b)
			if errCode(b) != asset.CodeBadDryRun {
				t.Errorf("error %s", body)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := env.raw(t, tt.user, "POST", tt.path, "text/csv", tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			if tt.check != nil {
				tt.check(t, body)
			}
		})
	}

	status, ctype, body := env.raw(t, "ben", "GET", "/api/v1/assets/export?class=room", "", "")
	if status != 200 || !strings.HasPrefix(ctype, "text/csv") {
		t.Fatalf("export: %d %s %s", status, ctype, body)
	}
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	if len(lines) != 3 || lines[0] != "inventory_number,name,status,room_number,floor,usage,seats,building" || lines[2] != "RAUM00002,Raum 2,in_use,2,,meeting,12,GEB0001" {
		t.Fatalf("export:\n%s", body)
	}
	// The export imports back unchanged.
	status, _, body = env.raw(t, "carla", "POST", "/api/v1/assets/import?class=room", "text/csv", string(body))
	var rep asset.ImportReport
	if err := json.Unmarshal(body, &rep); status != 200 || err != nil || rep.Unchanged != 2 {
		t.Fatalf("re-import: %d %s", status, body)
	}
	// Excel: a byte order mark, ';' and CRLF, and it imports back unchanged.
	status, _, body = env.raw(t, "ben", "GET", "/api/v1/assets/export?class=room&format=excel", "", "")
	if status != 200 || !strings.HasPrefix(string(body), "\ufeffinventory_number;name;") || !strings.Contains(string(body), "\r\n") {
		t.Fatalf("excel export: %d %q", status, body)
	}
	status, _, body = env.raw(t, "carla", "POST", "/api/v1/assets/import?class=room", "text/csv", string(body))
	if err := json.Unmarshal(body, &rep); status != 200 || err != nil || rep.Unchanged != 2 {
		t.Fatalf("re-import of the excel export: %d %s", status, body)
	}
	if status, _, _ := env.raw(t, "ben", "GET", "/api/v1/assets/export?class=room&format=xls", "", ""); status != http.StatusBadRequest {
		t.Fatalf("unknown format: %d", status)
	}
	if status, _, _ := env.raw(t, "anna", "GET", "/api/v1/assets/export?class=room", "", ""); status != http.StatusForbidden {
		t.Fatalf("export without permission: %d", status)
	}
}
