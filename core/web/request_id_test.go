package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/web"
)

func TestRequestID(t *testing.T) {
	tests := []struct {
		name     string
		path     string
		incoming string
		want     string // empty: a generated id
	}{
		{name: "echoed", path: "/healthz", incoming: "3f2a9c1e-7b4d-4e8a-9d2c-5e6f7a8b9c0d", want: "3f2a9c1e-7b4d-4e8a-9d2c-5e6f7a8b9c0d"},
		{name: "echoed on error", path: "/nope", incoming: "proxy-42", want: "proxy-42"},
		{name: "generated when absent", path: "/healthz"},
		{name: "generated when absent on error", path: "/nope"},
		{name: "replaced when too long", path: "/healthz", incoming: strings.Repeat("a", 129)},
		{name: "replaced when unsafe", path: "/healthz", incoming: "abc\" injected=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app, logs := newTestApp(t, web.Deps{Store: fakeStore{mode: "embedded"}})
			req := httptest.NewRequest(http.MethodGet, tt.path, nil)
			if tt.incoming != "" {
				req.Header.Set(web.HeaderRequestID, tt.incoming)
			}

			resp, _ := do(t, app, req)

			got := resp.Header.Get(web.HeaderRequestID)
			if tt.want != "" && got != tt.want {
				t.Errorf("%s = %q, want %q", web.HeaderRequestID, got, tt.want)
			}
			if tt.want == "" && (got == "" || got == tt.incoming) {
				t.Errorf("%s = %q, want a fresh id", web.HeaderRequestID, got)
			}
			reqs := logs.RecordsWithMsg(t, "request")
			if len(reqs) != 1 {
				t.Fatalf("got %d request log lines, want 1; logs:\n%s", len(reqs), logs)
			}
			if reqs[0]["request_id"] != got {
				t.Errorf("logged request_id = %v, header %q", reqs[0]["request_id"], got)
			}
		})
	}
}

func TestRequestIDInHandler(t *testing.T) {
	app, _ := newTestApp(t, web.Deps{})
	var seen string
	app.Get("/seen", func(c *fiber.Ctx) error {
		seen = web.RequestID(c)
		return c.SendStatus(http.StatusNoContent)
	})
	req := httptest.NewRequest(http.MethodGet, "/seen", nil)
	req.Header.Set(web.HeaderRequestID, "abc-123")

	resp, _ := do(t, app, req)

	if seen != "abc-123" || resp.Header.Get(web.HeaderRequestID) != "abc-123" {
		t.Errorf("handler saw %q, header %q, want abc-123", seen, resp.Header.Get(web.HeaderRequestID))
	}
}

func TestRequestLogLine(t *testing.T) {
	app, logs := newTestApp(t, web.Deps{Store: fakeStore{mode: "embedded"}})

	do(t, app, httptest.NewRequest(http.MethodGet, "/healthz?token=secret", nil))

	reqs := logs.RecordsWithMsg(t, "request")
	if len(reqs) != 1 {
		t.Fatalf("got %d request log lines, want 1; logs:\n%s", len(reqs), logs)
	}
	rec := reqs[0]
	for key, want := range map[string]any{
		"level":  "INFO",
		"method": "GET",
		"path":   "/healthz",
		"status": float64(http.StatusOK),
	} {
		if rec[key] != want {
			t.Errorf("%s = %v, want %v", key, rec[key], want)
		}
	}
	if _, ok := rec["duration"].(float64); !ok {
		t.Errorf("duration missing: %v", rec)
	}
	if id, _ := rec["request_id"].(string); id == "" {
		t.Errorf("request_id missing: %v", rec)
	}
	if strings.Contains(logs.String(), "secret") {
		t.Errorf("query string logged: %s", logs)
	}
}
