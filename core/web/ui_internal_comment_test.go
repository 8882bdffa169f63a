package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"vorgang/core/engine"
)

// TestInternalTransitionComments: a comment given with a transition and
// kept among staff is marked "intern" on the staff ticket page like an
// internal comment. A transition whose comment is the message to the
// requester (a question to the citizen, an answer) offers no "internal"
// box, says so, and refuses an internal comment on the page and the API
// with the comment kept.
func TestInternalTransitionComments(t *testing.T) {
	env := newUIEnv(t)
	tk, err := env.eng.Create(t.Context(), nil, engine.CreateRequest{Process: "citizen-request", Data: map[string]any{
		"summary": "Laute Musik", "category": "other", "description": "Jede Nacht bis 3 Uhr.", "email": "n@example.org", "privacy_consent": true}})
	if err != nil {
		t.Fatal(err)
	}
	staff := env.browser(t)
	staff.login("root")
	path := "/app/tickets/" + tk.Number
	run := func(transition, comment, internal string) page {
		t.Helper()
		p := staff.get(path + "/transitions/" + transition)
		if p.status != http.StatusOK {
			t.Fatalf("%s page: %d", transition, p.status)
		}
		form := url.Values{"_csrf": {hidden(t, p.body, "_csrf")}, "_token": {hidden(t, p.body, "_token")},
			"_version": {hidden(t, p.body, "_version")}, "_comment": {comment}}
		if internal != "" {
			form.Set("_comment_internal", internal)
		}
		return staff.post(path+"/transitions/"+transition, form)
	}
	if res := run("accept", "", ""); res.status != http.StatusSeeOther {
		t.Fatalf("accept: %d", res.status)
	}

	t.Run("the question to the citizen cannot be internal", func(t *testing.T) {
		p := staff.get(path + "/transitions/ask_citizen")
		if strings.Contains(p.body, `name="_comment_internal"`) || !strings.Contains(p.body, `id="transition-comment-help"`) {
			t.Errorf("the page offers an internal question or does not say why not:\n%s", p.body)
		}
		res := run("ask_citizen", "Um welche Gaststätte handelt es sich?", "on")
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Um welche Gaststätte handelt es sich?") ||
			!strings.Contains(res.body, `aria-describedby="transition-comment-help transition-comment-error"`) {
			t.Fatalf("internal question posted anyway: %d\n%s", res.status, res.body)
		}
		if cur, _ := env.st.Ticket(t.Context(), tk.Number); cur.State != "in_progress" {
			t.Errorf("the refused question moved the ticket to %s", cur.State)
		}
		status, body := apiCall(t, env, "root", "POST", "/api/v1/tickets/"+tk.Number+"/transitions/ask_citizen",
			`{"comment":"Welche Gaststätte?","internal":true}`)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `"code":"internal_not_allowed"`) || !strings.Contains(body, `"field":"comment"`) {
			t.Errorf("API: %d %s, want 422 naming comment/internal_not_allowed", status, body)
		}
	})

	t.Run("an internal transition comment is marked", func(t *testing.T) {
		if p := staff.get(path + "/transitions/forward"); !strings.Contains(p.body, `name="_comment_internal"`) {
			t.Fatalf("forward offers no internal comment")
		}
		if res := run("ask_citizen", "Um welche Gaststätte handelt es sich?", ""); res.status != http.StatusSeeOther {
			t.Fatalf("public question: %d\n%s", res.status, res.body)
		}
		if res := run("citizen_replied", "Telefonisch: Zum Goldenen Hirsch", "on"); res.status != http.StatusSeeOther {
			t.Fatalf("internal note: %d\n%s", res.status, res.body)
		}
		page := staff.get(path).body
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
		track := env.browser(t).get("/portal/track/" + tk.Tracking).body
		if !strings.Contains(track, "Gaststätte") || strings.Contains(track, "Goldenen Hirsch") {
			t.Errorf("the citizen's page shows the wrong comments:\n%s", track)
		}
	})
}

// apiCall sends a JSON request with a session of the user and returns the
// status and body.
func apiCall(t *testing.T, env *uiEnv, user, method, path, body string) (int, string) {
	t.Helper()
	login, _ := http.NewRequest(http.MethodPost, env.base+"/api/v1/login", strings.NewReader(`{"name":"`+user+`","password":"`+uiPassword+`"}`))
	login.Header.Set("Content-Type", "application/json")
	b := env.browser(t)
	if p := b.do(login); p.status != http.StatusOK {
		t.Fatalf("login %s: %d", user, p.status)
	}
	req, _ := http.NewRequest(method, env.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	p := b.do(req)
	return p.status, p.body
}
