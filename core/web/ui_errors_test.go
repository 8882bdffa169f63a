package web_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"vorgang/core/web/internal/webtest"
)

// TestBrowserRoutesAnswerHTML: every error on a path of the pages is an
// HTML page in the browser's language with the status and its code, also
// those the server answers before any page handler runs (a body over the
// limit, an unknown address, a wrong method); the JSON API and the health
// check keep answering JSON.
func TestBrowserRoutesAnswerHTML(t *testing.T) {
	env := webtest.NewUIEnv(t)
	const huge = 33 << 20 // over the pages' 32 MB limit
	tests := []struct {
		name, method, path string
		length             int // a body of this length is announced
		status             int
		code               string
		html               bool
	}{
		{"unknown address", "GET", "/nichts-hier", 0, 404, "not_found", true},
		{"unknown portal page", "GET", "/portal/nichts-hier", 0, 404, "not_found", true},
		{"unknown static file", "GET", "/static/nichts.css", 0, 404, "not_found", true},
		{"wrong method", "PUT", "/portal/", 0, 405, "method_not_allowed", true},
		{"post over the body limit", "POST", "/portal/new/citizen-request", huge, 413, "body_too_large", true},
		{"staff post over the body limit", "POST", "/app/new/it-incident", huge, 413, "body_too_large", true},
		{"API: unknown address", "GET", "/api/v1/nichts-hier", 0, 404, "not_found", false},
		{"API: body over the limit", "POST", "/api/v1/tickets", huge, 413, "body_too_large", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p webtest.Page
			if tt.length > 0 {
				p = announceBody(t, env.Base, tt.method, tt.path, tt.length)
			} else {
				req, _ := http.NewRequest(tt.method, env.Base+tt.path, nil)
				req.Header.Set("Accept-Language", "en")
				p = env.Browser(t).Do(req)
			}
			if p.Status != tt.status {
				t.Fatalf("status %d, want %d\n%.300s", p.Status, tt.status, p.Body)
			}
			ct := p.Header.Get("Content-Type")
			if !tt.html {
				if !strings.HasPrefix(ct, "application/json") || !strings.Contains(p.Body, `"code":"`+tt.code+`"`) {
					t.Errorf("want JSON with code %s, got %s: %.300s", tt.code, ct, p.Body)
				}
				return
			}
			if !strings.HasPrefix(ct, "text/html") {
				t.Fatalf("Content-Type %q, want an HTML page: %.300s", ct, p.Body)
			}
			if !strings.Contains(p.Body, `<html lang="en"`) || !strings.Contains(p.Body, "("+tt.code+")") {
				t.Errorf("the page does not show code %s in English:\n%s", tt.code, p.Body)
			}
			if tt.code == "body_too_large" && !strings.Contains(p.Body, "10 MB") {
				t.Errorf("the page of a refused upload does not state the limits:\n%s", p.Body)
			}
		})
	}
}

// announceBody sends only the head of a request that announces a body of
// length bytes, and reads the answer: the server refuses a body over its
// limit as soon as it reads the head. (Sending the body too would race the
// server closing the connection.)
func announceBody(t *testing.T, base, method, path string, length int) webtest.Page {
	t.Helper()
	u, _ := url.Parse(base)
	conn, err := net.DialTimeout("tcp", u.Host, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: %s\r\nAccept-Language: en\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n",
		method, path, u.Host, length)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return webtest.Page{Status: resp.StatusCode, Body: string(body), Header: resp.Header}
}
