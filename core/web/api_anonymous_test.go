package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

var streetlightRequest = map[string]any{"summary": "Laterne defekt", "category": "streetlight",
	"description": "Die Laterne vor Hausnummer 7 ist dunkel.", "email": "a@example.org", "privacy_consent": true}

// apiCreate posts a create to the API with the bearer token ("" for an
// anonymous caller) and returns the page.
func (b *browser) apiCreate(token, process string, data map[string]any) page {
	b.t.Helper()
	body, _ := json.Marshal(map[string]any{"process": process, "data": data})
	req, _ := http.NewRequest(http.MethodPost, b.env.base+"/api/v1/tickets", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return b.do(req)
}

// TestAnonymousAPICreates: an anonymous create through the API meets the
// portal's limit per address, counted together with the portal's posts,
// and only processes that declare anonymous_api take it at all. Before,
// 25 anonymous creates in a second were all accepted.
func TestAnonymousAPICreates(t *testing.T) {
	env := newUIEnv(t, uiOptions{citizenRate: 10})
	b := env.browser(t)

	t.Run("a process without anonymous_api", func(t *testing.T) {
		p := b.apiCreate("", "citizen-report", map[string]any{"category": "pothole", "summary": "Tiefes Loch",
			"spots": []any{map[string]any{"street": "Markt 1"}}, "email": "erika@example.org", "consent": true})
		if p.status != http.StatusForbidden || !strings.Contains(p.body, `"code":"anonymous_api_closed"`) {
			t.Fatalf("anonymous create of citizen-report: %d %s, want 403 anonymous_api_closed", p.status, p.body)
		}
		if n := countTickets(t, env, "citizen-report"); n != 0 {
			t.Errorf("%d tickets created", n)
		}
		list := b.get("/api/v1/processes")
		if !strings.Contains(list.body, `"citizen-request"`) || strings.Contains(list.body, `"citizen-report"`) {
			t.Errorf("the processes an anonymous caller may open through the API: %s", list.body)
		}
	})

	t.Run("one limit for the portal and the API", func(t *testing.T) {
		// The refused create above counts: one of ten. Five portal posts
		// and four API creates fill the limit.
		for i := range 5 {
			if p := b.post("/portal/new/citizen-report", citizenForm(t, b)); p.status != http.StatusSeeOther {
				t.Fatalf("portal post %d: %d", i+1, p.status)
			}
		}
		var statuses []int
		for range 6 {
			statuses = append(statuses, b.apiCreate("", "citizen-request", streetlightRequest).status)
		}
		want := []int{201, 201, 201, 201, 429, 429}
		if !equalInts(statuses, want) {
			t.Fatalf("anonymous API creates after a refused one and 5 portal posts: %v, want %v", statuses, want)
		}
		p := b.apiCreate("", "citizen-request", streetlightRequest)
		if p.status != http.StatusTooManyRequests || p.header.Get("Retry-After") == "" || !strings.Contains(p.body, `"code":"too_many_requests"`) {
			t.Errorf("over the limit: %d %v %s", p.status, p.header, p.body)
		}
		if p := b.post("/portal/new/citizen-report", citizenForm(t, b)); p.status != http.StatusTooManyRequests {
			t.Errorf("portal post over the limit: %d, want 429", p.status)
		}
	})

	t.Run("signed-in callers are not limited", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, env.base+"/api/v1/login", strings.NewReader(`{"name":"ben","password":"`+uiPassword+`"}`))
		req.Header.Set("Content-Type", "application/json")
		var s struct{ Token string }
		_ = json.Unmarshal([]byte(env.browser(t).do(req).body), &s)
		for i := range 12 {
			if p := env.browser(t).apiCreate(s.Token, "citizen-request", streetlightRequest); p.status != http.StatusCreated {
				t.Fatalf("create %d by ben: %d %s", i+1, p.status, p.body)
			}
		}
	})
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
