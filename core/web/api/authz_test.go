package api_test

import (
	"fmt"
	"strings"
	"testing"

	"vorgang/core/auth"
)

// TestAPIAuthorizationMatrix runs every ticket route as every kind of
// caller, on a ticket the caller requested ("own") and on one of someone
// else ("foreign"): the requester, another requester, a first-level agent
// (the ticket's team), a second-level specialist (another team), the IT
// lead (ticket.read_all, no team), an admin and an anonymous caller. A
// ticket a caller may not see is answered 404, not 403, so its existence
// does not leak; a visible ticket the caller may not change is 403.
func TestAPIAuthorizationMatrix(t *testing.T) {
	env := newAPIEnv(t, extraUser{"dora", nil, nil}, extraUser{"lena", []string{"it-lead"}, nil})
	type route struct {
		name, method, path string
		body               map[string]any
	}
	routes := []route{
		{"read", "GET", "/api/v1/tickets/%s", nil},
		{"start", "POST", "/api/v1/tickets/%s/transitions/start", map[string]any{}},
		{"cancel", "POST", "/api/v1/tickets/%s/transitions/cancel", map[string]any{"comment": "Hat sich erledigt"}},
		{"public comment", "POST", "/api/v1/tickets/%s/comments", map[string]any{"text": "Rückfrage"}},
		{"internal comment", "POST", "/api/v1/tickets/%s/comments", map[string]any{"text": "intern", "internal": true}},
		{"assign", "POST", "/api/v1/tickets/%s/assign", map[string]any{"user": "ben"}},
		{"approve", "POST", "/api/v1/tickets/%s/approve", map[string]any{}},
	}
	// want[caller][route] for a ticket anna requested of the first-level team.
	want := map[string]map[string]int{
		"anna (requester)":    {"read": 200, "start": 403, "cancel": 200, "public comment": 201, "internal comment": 403, "assign": 403, "approve": 422},
		"dora (other person)": {"read": 404, "start": 404, "cancel": 404, "public comment": 404, "internal comment": 404, "assign": 404, "approve": 404},
		"ben (team agent)":    {"read": 200, "start": 200, "cancel": 200, "public comment": 201, "internal comment": 201, "assign": 200, "approve": 422},
		"carla (other team)":  {"read": 404, "start": 404, "cancel": 404, "public comment": 404, "internal comment": 404, "assign": 404, "approve": 404},
		"lena (read_all)":     {"read": 200, "start": 403, "cancel": 403, "public comment": 201, "internal comment": 201, "assign": 200, "approve": 422},
		"root (admin)":        {"read": 200, "start": 200, "cancel": 200, "public comment": 201, "internal comment": 201, "assign": 200, "approve": 422},
		"anonymous":           {"read": 401, "start": 401, "cancel": 401, "public comment": 401, "internal comment": 401, "assign": 401, "approve": 401},
	}
	users := map[string]string{"anna (requester)": "anna", "dora (other person)": "dora", "ben (team agent)": "ben",
		"carla (other team)": "carla", "lena (read_all)": "lena", "root (admin)": "root", "anonymous": ""}
	// A caller's own ticket: the same rights as anna's on hers, for those
	// who may open one; agents' own requests are still team tickets.
	for caller, user := range users {
		for _, r := range routes {
			for _, owner := range []string{"anna", "dora"} {
				if user == "" && owner == "dora" {
					continue
				}
				expect := want[caller][r.name]
				if owner == "dora" { // foreign for everyone but dora
					switch user {
					case "anna":
						expect = want["dora (other person)"][r.name]
					case "dora":
						expect = want["anna (requester)"][r.name]
					}
				}
				name := fmt.Sprintf("%s/%s/%s's ticket", caller, r.name, owner)
				t.Run(name, func(t *testing.T) {
					status, created := env.call(t, owner, "POST", "/api/v1/tickets", map[string]any{"process": "it-incident", "data": printer})
					if status != 201 {
						t.Fatalf("create: %d %v", status, created)
					}
					number := created["number"].(string)
					status, body := env.call(t, user, r.method, fmt.Sprintf(r.path, number), r.body)
					if status != expect {
						t.Fatalf("%s %s = %d, want %d: %v", r.method, r.path, status, expect, body)
					}
					if status >= 400 {
						// A refused change leaves the ticket as it was.
						_, after := env.call(t, "root", "GET", "/api/v1/tickets/"+number, nil)
						if after["version"] != float64(1) {
							t.Errorf("refused %s changed the ticket: %v", r.name, after)
						}
					}
				})
			}
		}
	}
}

// TestAPIListAuthorization: who may list which inbox.
func TestAPIListAuthorization(t *testing.T) {
	env := newAPIEnv(t, extraUser{"lena", []string{"it-lead"}, nil})
	tests := []struct {
		user, query string
		status      int
	}{
		{"anna", "team=it-1st-level", 403},
		{"anna", "requester=me", 200},
		{"anna", "requester=ben", 403},
		{"anna", "assignee=ben", 403},
		{"ben", "team=it-1st-level", 200},
		{"ben", "team=it-2nd-level", 403},
		{"ben", "assignee=me", 200},
		{"carla", "team=it-1st-level", 403},
		{"lena", "team=it-1st-level", 200},
		{"lena", "requester=anna", 200},
		{"root", "team=it-2nd-level&status=closed", 200},
		{"", "requester=me", 401},
	}
	for _, tt := range tests {
		t.Run(tt.user+"?"+tt.query, func(t *testing.T) {
			status, body := env.call(t, tt.user, "GET", "/api/v1/tickets?"+tt.query, nil)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %v", status, tt.status, body)
			}
		})
	}
}

// TestAPIApprovalAuthorizationMatrix: who may decide a pending approval.
// Only those the step names: the requester's manager for a "manager" step,
// a holder of the role otherwise — not an administrator (the process
// declares no override), and never the requester, whatever their roles.
// A refusal names its reason; whoever decided keeps seeing the ticket.
func TestAPIApprovalAuthorizationMatrix(t *testing.T) {
	env := newAPIEnvUsers(t, []auth.NewUser{
		{Name: "mara"},                                 // anna's manager, nothing else
		{Name: "anna", Manager: "mara"},                // staff without roles
		{Name: "ben", Teams: []string{"it-1st-level"}}, // IT first level
		{Name: "tim", Roles: []string{"team-lead"}},    // approves small purchases
		{Name: "root", Roles: []string{"admin"}},
		{Name: "rita", Roles: []string{"admin", "team-lead"}, Manager: "mara"}, // an admin who is a team lead too
	})
	laptop := map[string]any{"summary": "Notebook für Außentermine", "item": "laptop", "laptop_model": "mobile",
		"justification": "Zwei Tage pro Woche Ortstermine."}
	headsets := map[string]any{"summary": "Headsets", "purpose": "Telefonberatung.", "cost_centre": "KST-4711",
		"items": []any{map[string]any{"article": "Headset", "quantity": 2, "unit_price": 90}}}
	type ticket struct{ requester, process, submit string }
	tickets := map[string]ticket{
		"anna's laptop (manager step)":     {"anna", "it-request", "submit"},
		"anna's headsets (team lead step)": {"anna", "procurement-order", "submit"},
		"rita's laptop (manager step)":     {"rita", "it-request", "submit"},
		"rita's headsets (team lead step)": {"rita", "procurement-order", "submit"},
	}
	tests := []struct {
		caller, ticket string
		status         int
		code           string
	}{
		{"anna", "anna's laptop (manager step)", 403, "self_approval"},
		{"mara", "anna's laptop (manager step)", 200, ""},
		{"root", "anna's laptop (manager step)", 403, "role_required"}, // an admin decides no step
		{"tim", "anna's laptop (manager step)", 403, "role_required"},
		{"ben", "anna's laptop (manager step)", 403, "role_required"},
		{"anna", "anna's headsets (team lead step)", 403, "self_approval"},
		{"tim", "anna's headsets (team lead step)", 200, ""},
		{"root", "anna's headsets (team lead step)", 403, "role_required"},
		{"rita", "anna's headsets (team lead step)", 200, ""},              // as a team lead, not as an admin
		{"rita", "rita's headsets (team lead step)", 403, "self_approval"}, // an admin's own request
		{"tim", "rita's headsets (team lead step)", 200, ""},
		{"rita", "rita's laptop (manager step)", 403, "self_approval"},
		{"mara", "rita's laptop (manager step)", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.caller+" approves "+tt.ticket, func(t *testing.T) {
			tk := tickets[tt.ticket]
			data := laptop
			if tk.process == "procurement-order" {
				data = headsets
			}
			status, created := env.call(t, tk.requester, "POST", "/api/v1/tickets", map[string]any{"process": tk.process, "data": data})
			if status != 201 {
				t.Fatalf("create: %d %v", status, created)
			}
			number := created["number"].(string)
			if status, body := env.call(t, tk.requester, "POST", "/api/v1/tickets/"+number+"/transitions/"+tk.submit, map[string]any{}); status != 200 || body["approval"] == nil {
				t.Fatalf("submit: %d %v", status, body)
			}
			status, body := env.call(t, tt.caller, "POST", "/api/v1/tickets/"+number+"/approve", map[string]any{"comment": "passt"})
			if status != tt.status {
				t.Fatalf("approve = %d, want %d: %v", status, tt.status, body)
			}
			if tt.code != "" {
				e, _ := body["error"].(map[string]any)
				if e["code"] != tt.code || e["message"] == "" {
					t.Fatalf("error = %v, want code %s with a message", e, tt.code)
				}
				_, after := env.call(t, "root", "GET", "/api/v1/tickets/"+number, nil)
				if after["version"] != float64(2) {
					t.Errorf("a refused approval changed the ticket: %v", after)
				}
				return
			}
			if body["state"] != "approved" {
				t.Errorf("after the approval: %v", body)
			}
			if status, _ := env.call(t, tt.caller, "GET", "/api/v1/tickets/"+number, nil); status != 200 {
				t.Errorf("the approver lost sight of the ticket: %d", status)
			}
		})
	}
}

// TestAPIRefusalsSayWhy: a refusal answers its status, its reason code,
// the parameters and a sentence in the caller's language that names the
// roles, states and fields by their titles.
func TestAPIRefusalsSayWhy(t *testing.T) {
	env := newAPIEnvUsers(t, []auth.NewUser{
		{Name: "anna"},
		{Name: "tim", Roles: []string{"team-lead"}},
	})
	headsets := map[string]any{"summary": "Headsets", "purpose": "Telefonberatung.", "cost_centre": "KST-4711",
		"items": []any{map[string]any{"article": "Headset", "quantity": 2, "unit_price": 90}}}
	_, created := env.call(t, "anna", "POST", "/api/v1/tickets", map[string]any{"process": "procurement-order", "data": headsets})
	order := "/api/v1/tickets/" + created["number"].(string)
	_, created = env.call(t, "anna", "POST", "/api/v1/tickets", map[string]any{"process": "it-request", "data": map[string]any{
		"summary": "Zugang", "item": "account", "application": "vois", "justification": "Vertretung."}})
	request := "/api/v1/tickets/" + created["number"].(string)
	if status, body := env.call(t, "anna", "POST", order+"/transitions/submit", map[string]any{}); status != 200 {
		t.Fatalf("submit: %d %v", status, body)
	}
	tests := []struct {
		name, user, path string
		body             map[string]any
		lang             string
		status           int
		code             string
		params           string // fmt of the params
		words            string // a title the message names
	}{
		{"approval pending", "anna", order + "/transitions/submit", map[string]any{}, "de", 422, "approval_pending",
			"map[step:team-lead transition:submit]", "Sachgebietsleitung"},
		{"approval pending, English", "anna", order + "/transitions/submit", map[string]any{}, "en", 422, "approval_pending",
			"map[step:team-lead transition:submit]", "Team lead"},
		{"role required", "tim", order + "/transitions/order", map[string]any{"data": map[string]any{"order_number": "1"}}, "de", 403, "role_required",
			"map[roles:[procurement-officer]]", "Zentrale Vergabestelle"},
		{"state mismatch", "anna", order + "/transitions/receive", map[string]any{}, "de", 422, "state_mismatch",
			"map[from:[ordered partly_delivered] state:draft]", "Teilweise geliefert"},
		{"no manager", "anna", request + "/transitions/submit", map[string]any{}, "de", 422, "no_manager",
			"map[requester:anna]", "Führungskraft"},
		{"self approval", "anna", order + "/approve", map[string]any{}, "en", 403, "self_approval", "map[]", ""},
		{"no approval pending", "tim", request + "/approve", map[string]any{}, "de", 422, "no_approval_pending", "map[]", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := env.call(t, tt.user, "POST", tt.path, tt.body, "Accept-Language", tt.lang)
			e, _ := body["error"].(map[string]any)
			if status != tt.status || e["code"] != tt.code {
				t.Fatalf("%d %v, want %d %s", status, e, tt.status, tt.code)
			}
			params, _ := e["params"].(map[string]any)
			if got := fmt.Sprint(params); got != tt.params && !(tt.params == "map[]" && params == nil) {
				t.Errorf("params = %s, want %s", got, tt.params)
			}
			if msg, _ := e["message"].(string); msg == "" || !strings.Contains(msg, tt.words) {
				t.Errorf("message %q does not name %q", msg, tt.words)
			}
		})
	}
}

// TestAPIUserAdministrationMatrix runs every route of the user
// administration and of the own account as every kind of caller: only an
// administrator manages users and reads the audit log (everyone else
// signed in gets 403, whatever their other rights; anonymous callers 401);
// every signed-in caller has an own account.
func TestAPIUserAdministrationMatrix(t *testing.T) {
	env := newAPIEnv(t, extraUser{"dora", nil, nil}, extraUser{"lena", []string{"it-lead"}, nil})
	callers := []string{"anna", "dora", "ben", "carla", "lena", "root", ""}
	type route struct {
		name, method, path string
		body               func(caller string) map[string]any
		admin              int // the administrator's status; others: 403 (401 anonymous)
		own                bool
		staff              int // for own-account routes: any signed-in caller's status
	}
	none := func(string) map[string]any { return nil }
	routes := []route{
		{name: "list users", method: "GET", path: "/api/v1/users", body: none, admin: 200},
		{name: "create user", method: "POST", path: "/api/v1/users", body: func(c string) map[string]any { return map[string]any{"name": "neu-" + c} }, admin: 201},
		{name: "get user", method: "GET", path: "/api/v1/users/dora", body: none, admin: 200},
		{name: "edit user", method: "PATCH", path: "/api/v1/users/dora", body: func(string) map[string]any {
			_, u := env.call(t, "root", "GET", "/api/v1/users/dora", nil)
			return map[string]any{"version": u["version"], "display_name": "Dora D."}
		}, admin: 200},
		{name: "reset link", method: "POST", path: "/api/v1/users/dora/password-reset", body: none, admin: 201},
		{name: "revoke sessions", method: "DELETE", path: "/api/v1/users/dora/sessions", body: none, admin: 204},
		{name: "reset two-factor", method: "DELETE", path: "/api/v1/users/dora/two-factor", body: none, admin: 204},
		{name: "list tokens", method: "GET", path: "/api/v1/users/dora/tokens", body: none, admin: 200},
		{name: "revoke token", method: "DELETE", path: "/api/v1/users/dora/tokens/unknown", body: none, admin: 404},
		{name: "audit log", method: "GET", path: "/api/v1/audit-log", body: none, admin: 200},
		{name: "own password", method: "POST", path: "/api/v1/me/password", body: func(string) map[string]any {
			return map[string]any{"current_password": "falsch", "new_password": "Neujahr-Morgen-2027"}
		}, own: true, staff: 422},
		{name: "own tokens", method: "GET", path: "/api/v1/me/tokens", body: none, own: true, staff: 200},
		{name: "revoke own token", method: "DELETE", path: "/api/v1/me/tokens/unknown", body: none, own: true, staff: 404},
	}
	for _, r := range routes {
		for _, caller := range callers {
			name := caller
			if name == "" {
				name = "anonymous"
			}
			t.Run(r.name+"/"+name, func(t *testing.T) {
				want := 403
				switch {
				case caller == "":
					want = 401
				case r.own:
					want = r.staff
				case caller == "root":
					want = r.admin
				}
				status, body := env.call(t, caller, r.method, r.path, r.body(caller))
				if status != want {
					t.Fatalf("%s %s = %d, want %d: %v", r.method, r.path, status, want, body)
				}
			})
		}
	}
}
