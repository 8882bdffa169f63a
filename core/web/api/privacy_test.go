package api_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"vorgang/core/auth"
)

// TestPrivacyAuthorization: only holders of privacy.manage (the
// privacy-officer role, administrators) export or anonymise what is
// stored about a person or put a ticket under legal hold; other staff
// are refused, anonymous callers asked to sign in.
func TestPrivacyAuthorization(t *testing.T) {
	var logs bytes.Buffer
	users := append(defaultAPIUsers(nil), auth.NewUser{Name: "dana", Roles: []string{"privacy-officer"}})
	env := newAPIEnvWith(t, apiOptions{users: users, logs: &logs})
	status, body := env.call(t, "anna", "POST", "/api/v1/tickets", map[string]any{"process": "it-incident", "data": map[string]any{
		"summary": "Drucker im Raum 204 druckt nicht", "category": "printer", "impact": "single", "urgency": "low", "location": "rathaus"}})
	if status != 201 {
		t.Fatalf("create: %d %v", status, body)
	}
	number := body["number"].(string)
	subject := map[string]any{"user": "anna"}
	routes := []struct {
		name, path string
		body       map[string]any
	}{
		{"export", "/api/v1/privacy/subjects/export", subject},
		{"legal hold", "/api/v1/tickets/" + number + "/legal-hold", map[string]any{"hold": true, "reason": "Klage anhängig"}},
		{"release", "/api/v1/tickets/" + number + "/legal-hold", map[string]any{"hold": false}},
		{"anonymise", "/api/v1/privacy/subjects/anonymise", subject},
	}
	want := map[string]map[string]int{
		"anna (the person)":       {"export": 403, "legal hold": 403, "release": 403, "anonymise": 403},
		"ben (the ticket's team)": {"export": 403, "legal hold": 403, "release": 403, "anonymise": 403},
		"anonymous":               {"export": 401, "legal hold": 401, "release": 401, "anonymise": 401},
		"root (admin)":            {"export": 200, "legal hold": 200, "release": 200},
		"dana (privacy officer)":  {"export": 200, "legal hold": 200, "release": 200, "anonymise": 200},
	}
	for _, caller := range []string{"anna (the person)", "ben (the ticket's team)", "anonymous", "root (admin)", "dana (privacy officer)"} {
		user, _, _ := strings.Cut(caller, " ")
		if user == "anonymous" {
			user = ""
		}
		for _, r := range routes {
			expect, ok := want[caller][r.name]
			if !ok {
				continue
			}
			status, body := env.call(t, user, "POST", r.path, r.body)
			if status != expect {
				t.Errorf("%s %s: %d, want %d (%v)", caller, r.name, status, expect, body)
			}
			if r.name == "export" && status == 200 && !strings.Contains(fmt.Sprint(body), number) {
				t.Errorf("%s export lacks the ticket: %v", caller, body)
			}
			if r.name == "anonymise" && status == 200 && fmt.Sprint(body["tickets"]) != "["+number+"]" {
				t.Errorf("%s anonymise: %v", caller, body)
			}
		}
	}
	if status, body := env.call(t, "dana", "POST", "/api/v1/privacy/subjects/export", map[string]any{}); status != 422 {
		t.Errorf("export without a person: %d %v, want 422", status, body)
	}
	// The person asked about is in no log line.
	if status, _ := env.call(t, "dana", "POST", "/api/v1/privacy/subjects/export", map[string]any{"email": "erika.mustermann@example.org"}); status != 200 {
		t.Fatalf("export by address: %d", status)
	}
	if strings.Contains(logs.String(), "erika.mustermann") {
		t.Errorf("the log names the person asked about:\n%s", logs.String())
	}
}
