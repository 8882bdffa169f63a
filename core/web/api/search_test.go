package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The search answers only what the caller may see: a member of another
// team finds nothing of a team's ticket, a requester finds their ticket but
// not the staff's internal comment, the team finds both. Bad dates are a
// 400 naming the field.
func TestSearchAPI(t *testing.T) {
	env := newAppEnv(t, true)
	status, body := env.call(t, "anna", "POST", "/api/v1/tickets", map[string]any{"process": "it-incident",
		"data": map[string]any{"summary": "Drucker im Zimmer 204 druckt streifig", "category": "printer", "impact": "single", "urgency": "medium", "location": "rathaus"}})
	if status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, body)
	}
	number, _ := body["number"].(string)
	if status, body := env.call(t, "ben", "POST", "/api/v1/tickets/"+number+"/comments", map[string]any{"text": "Toner beim Lieferanten bestellt", "internal": true}); status != http.StatusCreated {
		t.Fatalf("comment: %d %v", status, body)
	}
	search := func(user, q string) (int, map[string]any) {
		return env.call(t, user, "GET", "/api/v1/search?q="+url.QueryEscape(q), nil)
	}
	total := func(b map[string]any) float64 { n, _ := b["total"].(float64); return n }
	// The index is fed a moment after the write.
	deadline := time.Now().Add(30 * time.Second)
	for {
		status, b := search("ben", "Toner")
		if status != http.StatusOK {
			t.Fatalf("search: %d %v", status, b)
		}
		if total(b) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the internal comment was not found by the team in time: %v", b)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, c := range []struct {
		user, q string
		want    float64
	}{
		{"ben", "Druckers", 1}, // stemming
		{"anna", "Drucker", 1},
		{"anna", "Toner", 0},    // an internal comment, not for the requester
		{"carla", "Drucker", 0}, // another team
	} {
		status, b := search(c.user, c.q)
		if status != http.StatusOK || total(b) != c.want || b["total_at_least"] != false {
			t.Errorf("%s searching %q: %d %v, want exactly %v hits", c.user, c.q, status, b, c.want)
		}
	}
	// Snippets mark the word found; the internal comment is quoted to the
	// team, never to the requester, also when her query finds the ticket.
	snippets := func(b map[string]any) map[string]any {
		hits, _ := b["hits"].([]any)
		if len(hits) != 1 {
			return nil
		}
		h, _ := hits[0].(map[string]any)
		s, _ := h["snippets"].(map[string]any)
		return s
	}
	if _, b := search("ben", "Toner"); !strings.Contains(fmt.Sprint(snippets(b)["internal"]), "<mark>Toner</mark>") {
		t.Errorf("ben's snippets of the internal comment: %v", b)
	}
	if _, b := search("anna", "Drucker"); snippets(b) == nil || strings.Contains(fmt.Sprint(b), "Toner") {
		t.Errorf("anna's snippets: %v", b)
	}
	status, b := env.call(t, "ben", "GET", "/api/v1/search?q=Drucker&created_from=gestern", nil)
	if status != http.StatusBadRequest || !hasField(b, "created_from") {
		t.Errorf("a bad date: %d %v", status, b)
	}
	if status, _ := env.call(t, "", "GET", "/api/v1/search?q=Drucker", nil); status != http.StatusUnauthorized {
		t.Errorf("without credentials: %d", status)
	}
}

func hasField(b map[string]any, field string) bool {
	e, _ := b["error"].(map[string]any)
	fs, _ := e["fields"].([]any)
	for _, f := range fs {
		if m, _ := f.(map[string]any); m["field"] == field {
			return true
		}
	}
	return false
}
