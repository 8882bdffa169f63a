package workspace_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vorgang/core/engine"
	"vorgang/core/web/internal/webtest"
)

// TestPageAssignsOnlyWhoMayWork: the ticket page refuses an assignee who
// may not work on the ticket with the error at the field, keeping what was
// typed.
func TestPageAssignsOnlyWhoMayWork(t *testing.T) {
	env := webtest.NewUIEnv(t)
	ctx := t.Context()
	anna, _ := env.Authn.Principal(ctx, "anna")
	it, err := env.Eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: map[string]any{
		"summary": "Monitor flackert", "category": "workstation", "impact": "single", "urgency": "low", "location": "rathaus"}})
	if err != nil {
		t.Fatal(err)
	}
	b := env.Browser(t)
	b.Login("root")
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
			form := b.Get(page).Body
			res := b.Post(page+"/assign", url.Values{"_csrf": {webtest.Hidden(t, form, "_csrf")}, "_version": {webtest.Hidden(t, form, "_version")}, "user": {tt.user}})
			if res.Status != tt.status {
				t.Fatalf("status %d, want %d:\n%s", res.Status, tt.status, res.Body)
			}
			if tt.status != http.StatusUnprocessableEntity {
				return
			}
			for _, want := range []string{`id="assign-user-error"`, `aria-invalid="true"`, `value="` + tt.user + `"`} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("the page lacks %s:\n%s", want, res.Body)
				}
			}
		})
	}
	got, _ := env.St.Ticket(ctx, it.Number)
	if got.Assignee != "ben" {
		t.Errorf("assignee %q, want ben", got.Assignee)
	}
}
