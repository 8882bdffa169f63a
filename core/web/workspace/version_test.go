package workspace_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vorgang/core/engine"
	"vorgang/core/web/internal/webtest"
)

// TestPagePostsNeedTheVersion: a ticket form posted without the version it
// was rendered at, or with a garbled one, is refused as malformed and
// changes nothing; it is not taken as "skip the conflict check".
func TestPagePostsNeedTheVersion(t *testing.T) {
	env := webtest.NewUIEnv(t)
	ctx := t.Context()
	anna, _ := env.Authn.Principal(ctx, "anna")
	tk, err := env.Eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: map[string]any{
		"summary": "Drucker druckt nicht", "category": "workstation", "impact": "single", "urgency": "low", "location": "rathaus"}})
	if err != nil {
		t.Fatal(err)
	}
	staff := env.Browser(t)
	staff.Login("root")
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
				form := url.Values{"_csrf": {webtest.Hidden(t, staff.Get(path).Body, "_csrf")}}
				for k, v := range tt.form {
					form[k] = v
				}
				if version != "" {
					form.Set("_version", version)
				}
				res := staff.Post(path+tt.route, form)
				if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "<code>_version</code>") {
					t.Fatalf("status %d, want 400 naming _version:\n%s", res.Status, res.Body)
				}
			})
		}
	}
	if cur, _ := env.St.Ticket(ctx, tk.Number); cur.Version != tk.Version {
		t.Errorf("a refused post changed the ticket: version %d, want %d", cur.Version, tk.Version)
	}
}
