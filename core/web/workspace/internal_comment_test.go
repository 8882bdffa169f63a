package workspace_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"vorgang/core/engine"
	"vorgang/core/web/internal/webtest"
)

// TestInternalTransitionComments: a comment given with a transition and
// kept among staff is marked "intern" on the staff ticket page like an
// internal comment. A transition whose comment is the message to the
// requester (a question to the citizen, an answer) offers no "internal"
// box, says so, and refuses an internal comment on the page and the API
// with the comment kept.
func TestInternalTransitionComments(t *testing.T) {
	env := webtest.NewUIEnv(t)
	tk, err := env.Eng.Create(t.Context(), nil, engine.CreateRequest{Process: "citizen-request", Data: map[string]any{
		"summary": "Laute Musik", "category": "other", "description": "Jede Nacht bis 3 Uhr.", "email": "n@example.org", "privacy_consent": true}})
	if err != nil {
		t.Fatal(err)
	}
	staff := env.Browser(t)
	staff.Login("root")
	path := "/app/tickets/" + tk.Number
	run := func(transition, comment, internal string) webtest.Page {
		t.Helper()
		p := staff.Get(path + "/transitions/" + transition)
		if p.Status != http.StatusOK {
			t.Fatalf("%s page: %d", transition, p.Status)
		}
		form := url.Values{"_csrf": {webtest.Hidden(t, p.Body, "_csrf")}, "_token": {webtest.Hidden(t, p.Body, "_token")},
			"_version": {webtest.Hidden(t, p.Body, "_version")}, "_comment": {comment}}
		if internal != "" {
			form.Set("_comment_internal", internal)
		}
		return staff.Post(path+"/transitions/"+transition, form)
	}
	if res := run("accept", "", ""); res.Status != http.StatusSeeOther {
		t.Fatalf("accept: %d", res.Status)
	}

	t.Run("the question to the citizen cannot be internal", func(t *testing.T) {
		p := staff.Get(path + "/transitions/ask_citizen")
		if strings.Contains(p.Body, `name="_comment_internal"`) || !strings.Contains(p.Body, `id="transition-comment-help"`) {
			t.Errorf("the page offers an internal question or does not say why not:\n%s", p.Body)
		}
		res := run("ask_citizen", "Um welche Gaststätte handelt es sich?", "on")
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Um welche Gaststätte handelt es sich?") ||
			!strings.Contains(res.Body, `aria-describedby="transition-comment-help transition-comment-error"`) {
			t.Fatalf("internal question posted anyway: %d\n%s", res.Status, res.Body)
		}
		if cur, _ := env.St.Ticket(t.Context(), tk.Number); cur.State != "in_progress" {
			t.Errorf("the refused question moved the ticket to %s", cur.State)
		}
		status, body := env.APICall(t, "root", "POST", "/api/v1/tickets/"+tk.Number+"/transitions/ask_citizen",
			`{"comment":"Welche Gaststätte?","internal":true}`)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `"code":"internal_not_allowed"`) || !strings.Contains(body, `"field":"comment"`) {
			t.Errorf("API: %d %s, want 422 naming comment/internal_not_allowed", status, body)
		}
	})

	t.Run("an internal transition comment is marked", func(t *testing.T) {
		if p := staff.Get(path + "/transitions/forward"); !strings.Contains(p.Body, `name="_comment_internal"`) {
			t.Fatalf("forward offers no internal comment")
		}
		if res := run("ask_citizen", "Um welche Gaststätte handelt es sich?", ""); res.Status != http.StatusSeeOther {
			t.Fatalf("public question: %d\n%s", res.Status, res.Body)
		}
		if res := run("citizen_replied", "Telefonisch: Zum Goldenen Hirsch", "on"); res.Status != http.StatusSeeOther {
			t.Fatalf("internal note: %d\n%s", res.Status, res.Body)
		}
		page := staff.Get(path).Body
		entry := regexp.MustCompile(`(?s)<li class="vg-entry-transition( vg-internal)?">(.*?)</li>`)
		marked := map[string]bool{}
		for _, m := range entry.FindAllStringSubmatch(page, -1) {
			for _, text := range []string{"Zum Goldenen Hirsch", "Gaststätte"} {
				if strings.Contains(m[2], text) {
					marked[text] = m[1] != "" && strings.Contains(m[2], `class="vg-badge"`)
				}
			}
		}
		if !marked["Zum Goldenen Hirsch"] {
			t.Errorf("the internal transition comment is not marked internal:\n%s", page)
		}
		if v, ok := marked["Gaststätte"]; !ok || v {
			t.Errorf("the public question is missing or marked internal (%v, %v)", v, ok)
		}
		track := env.Browser(t).Get("/portal/track/" + tk.Tracking).Body
		if !strings.Contains(track, "Gaststätte") || strings.Contains(track, "Goldenen Hirsch") {
			t.Errorf("the citizen's page shows the wrong comments:\n%s", track)
		}
	})
}
