package web_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

// TestBrowserRoutesAnswerHTML: every error on a path of the pages is an
// HTML page in the browser's language with the status and its code, also
// those the server answers before any page handler runs (a body over the
// limit, an unknown address, a wrong method); the JSON API and the health
// check keep answering JSON.
func TestBrowserRoutesAnswerHTML(t *testing.T) {
	env := newUIEnv(t)
	huge := bytes.Repeat([]byte("x"), 33<<20) // over the pages' 32 MB limit
	tests := []struct {
		name, method, path string
		body               []byte
		status             int
		code               string
		html               bool
	}{
		{"unknown address", "GET", "/nichts-hier", nil, 404, "not_found", true},
		{"unknown portal page", "GET", "/portal/nichts-hier", nil, 404, "not_found", true},
		{"unknown static file", "GET", "/static/nichts.css", nil, 404, "not_found", true},
		{"wrong method", "PUT", "/portal/", nil, 405, "method_not_allowed", true},
		{"post over the body limit", "POST", "/portal/new/citizen-request", huge, 413, "body_too_large", true},
		{"staff post over the body limit", "POST", "/app/new/it-incident", huge, 413, "body_too_large", true},
		{"API: unknown address", "GET", "/api/v1/nichts-hier", nil, 404, "not_found", false},
		{"API: body over the limit", "POST", "/api/v1/tickets", huge, 413, "body_too_large", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, env.base+tt.path, bytes.NewReader(tt.body))
			req.Header.Set("Accept-Language", "en")
			if tt.body != nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			p := env.browser(t).do(req)
			if p.status != tt.status {
				t.Fatalf("status %d, want %d\n%.300s", p.status, tt.status, p.body)
			}
			ct := p.header.Get("Content-Type")
			if !tt.html {
				if !strings.HasPrefix(ct, "application/json") || !strings.Contains(p.body, `"code":"`+tt.code+`"`) {
					t.Errorf("want JSON with code %s, got %s: %.300s", tt.code, ct, p.body)
				}
				return
			}
			if !strings.HasPrefix(ct, "text/html") {
				t.Fatalf("Content-Type %q, want an HTML page: %.300s", ct, p.body)
			}
			if !strings.Contains(p.body, `<html lang="en"`) || !strings.Contains(p.body, "("+tt.code+")") {
				t.Errorf("the page does not show code %s in English:\n%s", tt.code, p.body)
			}
			if tt.code == "body_too_large" && !strings.Contains(p.body, "10 MB") {
				t.Errorf("the page of a refused upload does not state the limits:\n%s", p.body)
			}
		})
	}
}
