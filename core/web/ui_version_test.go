package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vorgang/core/engine"
)

// TestPagePostsNeedTheVersion: a ticket form posted without the version it
// was rendered at, or with a garbled one, is refused as malformed and
// changes nothing; it is not taken as "skip the conflict check".
func TestPagePostsNeedTheVersion(t *testing.T) {
	env := newUIEnv(t)
	ctx := t.Context()
	anna, _ := env.authn.Principal(ctx, "anna")
	tk, err := env.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: map[string]any{
		"summary": "Drucker druckt nicht", "category": "workstation", "impact": "single", "urgency": "low", "location": "rathaus"}})
	if err != nil {
		t.Fatal(err)
	}
	staff := env.browser(t)
	staff.login("root")
	path := "/app/tickets/" + tk.Number
	for _, tt := range []struct {
		name, route string
		form        url.Values
	}{
		{"comment", "/comments", url.Values{"text": {"Ohne Stand"}}},
		{"assignment", "/assign", url.Values{"user": {"ben"}}},
		{"decision", "/decision", url.Values{"decision": {"approve"}}},
	} {
		for _, version := range []string{"", "zwei", "0"} {
			t.Run(tt.name+" version "+version, func(t *testing.T) {
				form := url.Values{"_csrf": {hidden(t, staff.get(path).body, "_csrf")}}
				for k, v := range tt.form {
					form[k] = v
				}
				if version != "" {
					form.Set("_version", version)
				}
				res := staff.post(path+tt.route, form)
				if res.status != http.StatusBadRequest || !strings.Contains(res.body, "<code>_version</code>") {
					t.Fatalf("status %d, want 400 naming _version:\n%s", res.status, res.body)
				}
			})
		}
	}
	if cur, _ := env.st.Ticket(ctx, tk.Number); cur.Version != tk.Version {
		t.Errorf("a refused post changed the ticket: version %d, want %d", cur.Version, tk.Version)
	}
}
