package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vorgang/core/engine"
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

// TestPageAssignsOnlyWhoMayWork: the ticket page refuses an assignee who
// may not work on the ticket with the error at the field, keeping what was
// typed.
func TestPageAssignsOnlyWhoMayWork(t *testing.T) {
	env := newUIEnv(t)
	ctx := t.Context()
	anna, _ := env.authn.Principal(ctx, "anna")
	it, err := env.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: map[string]any{
		"summary": "Monitor flackert", "category": "workstation", "impact": "single", "urgency": "low", "location": "rathaus"}})
	if err != nil {
		t.Fatal(err)
	}
	b := env.browser(t)
	b.login("root")
	page := "/app/tickets/" + it.Number
	for _, tt := range []struct {
		user   string
		status int
	}{
		{"niemand", http.StatusUnprocessableEntity},
		{"dora", http.StatusUnprocessableEntity}, // public order office
		{"ben", http.StatusSeeOther},
	} {
		t.Run(tt.user, func(t *testing.T) {
			form := b.get(page).body
			res := b.post(page+"/assign", url.Values{"_csrf": {hidden(t, form, "_csrf")}, "_version": {hidden(t, form, "_version")}, "user": {tt.user}})
			if res.status != tt.status {
				t.Fatalf("status %d, want %d:\n%s", res.status, tt.status, res.body)
			}
			if tt.status != http.StatusUnprocessableEntity {
				return
			}
			for _, want := range []string{`id="assign-user-error"`, `aria-invalid="true"`, `value="` + tt.user + `"`} {
				if !strings.Contains(res.body, want) {
					t.Errorf("the page lacks %s:\n%s", want, res.body)
				}
			}
		})
	}
	got, _ := env.st.Ticket(ctx, it.Number)
	if got.Assignee != "ben" {
		t.Errorf("assignee %q, want ben", got.Assignee)
	}
}
