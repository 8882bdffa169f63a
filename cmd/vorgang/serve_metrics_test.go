package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// With --metrics-addr the metrics are served there, in Prometheus text
// format, and not on the pages' address.
func TestServeMetricsOnTheirOwnAddress(t *testing.T) {
	s := startServer(t, t.TempDir(), "--metrics-addr", "127.0.0.1:0")
	waitFor(t, s, "serving metrics")
	addr, _ := s.record("serving metrics")["addr"].(string)
	get := func(url string) (int, string, string) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
	}
	// A request to the pages' address is counted by its route's pattern.
	if status, _, _ := get("http://" + s.addr + "/api/v1/tickets/INC-2026-000001"); status != http.StatusUnauthorized {
		t.Fatalf("the API without credentials: %d", status)
	}
	status, ctype, body := get("http://" + addr + "/metrics")
	if status != http.StatusOK || !strings.HasPrefix(ctype, "text/plain") || !strings.Contains(body, "vorgang_store_scrape_errors 0") {
		t.Fatalf("metrics: %d %s\n%.500s", status, ctype, body)
	}
	if want := `vorgang_http_requests_total{method="GET",route="/api/v1/tickets/:number",status="4xx"} 1`; !strings.Contains(body, want) {
		t.Errorf("metrics lack %s:\n%s", want, grepLines(body, "vorgang_http_requests_total"))
	}
	if status, _, _ := get("http://" + s.addr + "/metrics"); status == http.StatusOK {
		t.Errorf("the pages' address serves the metrics too")
	}
	if err := s.stop(t); err != nil {
		t.Fatalf("exit after SIGINT: %v\n%s", err, s.log())
	}
}

func grepLines(text, prefix string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
