package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"vorgang/core/web/internal/webtest"
)

var streetlightRequest = map[string]any{"summary": "Laterne defekt", "category": "streetlight",
	"description": "Die Laterne vor Hausnummer 7 ist dunkel.", "email": "a@example.org", "privacy_consent": true}

// apiCreate posts a create to the API with the bearer token ("" for an
// anonymous caller) and returns the page.
func apiCreate(b *webtest.Browser, token, process string, data map[string]any) webtest.Page {
	b.T.Helper()
	body, _ := json.Marshal(map[string]any{"process": process, "data": data})
	req, _ := http.NewRequest(http.MethodPost, b.Env.Base+"/api/v1/tickets", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return b.Do(req)
}

// TestAnonymousAPICreates: an anonymous create through the API meets the
// portal's limit per address, counted together with the portal's posts,
// and only processes that declare anonymous_api take it at all. Before,
// 25 anonymous creates in a second were all accepted.
func TestAnonymousAPICreates(t *testing.T) {
	env := webtest.NewUIEnv(t, webtest.UIOptions{CitizenRate: 10})
	b := env.Browser(t)

	t.Run("a process without anonymous_api", func(t *testing.T) {
		p := apiCreate(b, "", "citizen-report", map[string]any{"category": "pothole", "summary": "Tiefes Loch",
			"spots": []any{map[string]any{"street": "Markt 1"}}, "email": "erika@example.org", "consent": true})
		if p.Status != http.StatusForbidden || !strings.Contains(p.Body, `"code":"anonymous_api_closed"`) {
			t.Fatalf("anonymous create of citizen-report: %d %s, want 403 anonymous_api_closed", p.Status, p.Body)
		}
		if n := countTickets(t, env, "citizen-report"); n != 0 {
			t.Errorf("%d tickets created", n)
		}
		list := b.Get("/api/v1/processes")
		if !strings.Contains(list.Body, `"citizen-request"`) || strings.Contains(list.Body, `"citizen-report"`) {
			t.Errorf("the processes an anonymous caller may open through the API: %s", list.Body)
		}
	})

	t.Run("one limit for the portal and the API", func(t *testing.T) {
		// The refused create above counts: one of ten. Five portal posts
		// and four API creates fill the limit.
		for i := range 5 {
			if p := b.Post("/portal/new/citizen-report", citizenForm(t, b)); p.Status != http.StatusSeeOther {
				t.Fatalf("portal post %d: %d", i+1, p.Status)
			}
		}
		var statuses []int
		for range 6 {
			statuses = append(statuses, apiCreate(b, "", "citizen-request", streetlightRequest).Status)
		}
		want := []int{201, 201, 201, 201, 429, 429}
		if !equalInts(statuses, want) {
			t.Fatalf("anonymous API creates after a refused one and 5 portal posts: %v, want %v", statuses, want)
		}
		p := apiCreate(b, "", "citizen-request", streetlightRequest)
		if p.Status != http.StatusTooManyRequests || p.Header.Get("Retry-After") == "" || !strings.Contains(p.Body, `"code":"too_many_requests"`) {
			t.Errorf("over the limit: %d %v %s", p.Status, p.Header, p.Body)
		}
		if p := b.Post("/portal/new/citizen-report", citizenForm(t, b)); p.Status != http.StatusTooManyRequests {
			t.Errorf("portal post over the limit: %d, want 429", p.Status)
		}
	})

	t.Run("signed-in callers are not limited", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, env.Base+"/api/v1/login", strings.NewReader(`{"name":"ben","password":"`+webtest.UIPassword+`"}`))
		req.Header.Set("Content-Type", "application/json")
		var s struct{ Token string }
		_ = json.Unmarshal([]byte(env.Browser(t).Do(req).Body), &s)
		for i := range 12 {
			if p := apiCreate(env.Browser(t), s.Token, "citizen-request", streetlightRequest); p.Status != http.StatusCreated {
				t.Fatalf("create %d by ben: %d %s", i+1, p.Status, p.Body)
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
