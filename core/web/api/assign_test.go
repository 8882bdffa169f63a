package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// fieldCodes lists an error answer's fields as "field:code".
func fieldCodes(body map[string]any) []string {
	e, _ := body["error"].(map[string]any)
	fields, _ := e["fields"].([]any)
	var out []string
	for _, f := range fields {
		m, _ := f.(map[string]any)
		out = append(out, m["field"].(string)+":"+m["code"].(string))
	}
	return out
}

// TestAPIAssignsOnlyWhoMayWork: the API gives a ticket only to an existing
// user who may work on it; anyone else is a 422 naming the field, and does
// not get to read the ticket.
func TestAPIAssignsOnlyWhoMayWork(t *testing.T) {
	env := newAPIEnv(t, extraUser{name: "dora"}, extraUser{name: "otto", teams: []string{"public-order-office"}})
	status, created := env.call(t, "anna", "POST", "/api/v1/tickets", map[string]any{"process": "it-incident", "data": printer})
	if status != http.StatusCreated {
		t.Fatal(created)
	}
	path := "/api/v1/tickets/" + created["number"].(string)
	for _, tt := range []struct {
		user   string
		status int
		want   string // the field error, or the assignee after
	}{
		{"nobody", 422, "user:unknown_user"},
		{"dora", 422, "user:not_assignable"},
		{"otto", 422, "user:not_assignable"},
		{"carla", 200, "carla"},
		{"BEN", 200, "ben"},
		{"", 200, ""},
	} {
		t.Run(tt.user, func(t *testing.T) {
			status, b := env.call(t, "root", "POST", path+"/assign", map[string]any{"user": tt.user})
			if status != tt.status {
				t.Fatalf("status %d, want %d: %v", status, tt.status, b)
			}
			if status != http.StatusOK {
				if got := strings.Join(fieldCodes(b), " "); errCode(b) != "validation_failed" || got != tt.want {
					t.Fatalf("error %s %s, want validation_failed %s", errCode(b), got, tt.want)
				}
				if status, _ := env.call(t, tt.user, "GET", path, nil); tt.user == "dora" && status != http.StatusNotFound {
					t.Errorf("dora reads the ticket after the refused assignment: %d", status)
				}
				return
			}
			if b["assignee"] != tt.want {
				t.Errorf("assignee %v, want %q", b["assignee"], tt.want)
			}
		})
	}
}
