package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vorgang/core/engine"
)

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
