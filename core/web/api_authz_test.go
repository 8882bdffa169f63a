package web_test

import (
	"fmt"
	"testing"
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
