package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"vorgang/core/web/internal/webtest"
)

// TestAnonymousAPICreates: an anonymous create through the API meets the
// portal's limit per address, counted together with the portal's posts,
// and only processes that declare anonymous_api take it at all. Before,
// 25 anonymous creates in a second were all accepted.
func TestAnonymousAPICreates(t *testing.T) {
	env := webtest.NewUIEnv(t, webtest.UIOptions{CitizenRate: 10})
	b := env.Browser(t)

	t.Run("a process without anonymous_api", func(t *testing.T) {
		p := webtest.APICreate(b, "", "citizen-report", map[string]any{"category": "pothole", "summary": "Tiefes Loch",
			"spots": []any{map[string]any{"street": "Markt 1"}}, "email": "erika@example.org", "consent": true})
		if p.Status != http.StatusForbidden || !strings.Contains(p.Body, `"code":"anonymous_api_closed"`) {
			t.Fatalf("anonymous create of citizen-report: %d %s, want 403 anonymous_api_closed", p.Status, p.Body)
		}
		if n := env.CountTickets(t, "citizen-report"); n != 0 {
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
			if p := b.Post("/portal/new/citizen-report", webtest.CitizenForm(t, b)); p.Status != http.StatusSeeOther {
				t.Fatalf("portal post %d: %d", i+1, p.Status)
			}
		}
		var statuses []int
		for range 6 {
			statuses = append(statuses, webtest.APICreate(b, "", "citizen-request", webtest.StreetlightRequest).Status)
		}
		want := []int{201, 201, 201, 201, 429, 429}
		if !equalInts(statuses, want) {
			t.Fatalf("anonymous API creates after a refused one and 5 portal posts: %v, want %v", statuses, want)
		}
		p := webtest.APICreate(b, "", "citizen-request", webtest.StreetlightRequest)
		if p.Status != http.StatusTooManyRequests || p.Header.Get("Retry-After") == "" || !strings.Contains(p.Body, `"code":"too_many_requests"`) {
			t.Errorf("over the limit: %d %v %s", p.Status, p.Header, p.Body)
		}
		if p := b.Post("/portal/new/citizen-report", webtest.CitizenForm(t, b)); p.Status != http.StatusTooManyRequests {
			t.Errorf("portal post over the limit: %d, want 429", p.Status)
		}
	})

	t.Run("signed-in callers are not limited", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, env.Base+"/api/v1/login", strings.NewReader(`{"name":"ben","password":"`+webtest.UIPassword+`"}`))
		req.Header.Set("Content-Type", "application/json")
		var s struct{ Token string }
		_ = json.Unmarshal([]byte(env.Browser(t).Do(req).Body), &s)
		for i := range 12 {
			if p := webtest.APICreate(env.Browser(t), s.Token, "citizen-request", webtest.StreetlightRequest); p.Status != http.StatusCreated {
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
