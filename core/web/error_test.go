package web_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/fault"
	"vorgang/core/web"
	"vorgang/core/web/internal/webkit"
)

// secret stands for a cause that must never reach a client.
const secret = "dial tcp 10.0.0.7:27017: password=hunter2"

func TestErrorShape(t *testing.T) {
	type field struct{ field, code string }
	tests := []struct {
		name    string
		handler fiber.Handler
		method  string
		path    string
		status  int
		code    string
		fields  []field
		logged  bool // the cause appears in an ERROR log record
	}{
		{
			name:   "unknown route",
			path:   "/does-not-exist",
			status: http.StatusNotFound,
			code:   "not_found",
		},
		{
			name:   "wrong method on known route",
			method: http.MethodDelete,
			path:   "/healthz",
			status: http.StatusMethodNotAllowed,
			code:   "method_not_allowed",
		},
		{
			name: "webkit.Error with fields",
			handler: func(*fiber.Ctx) error {
				return &webkit.Error{
					Status:  http.StatusUnprocessableEntity,
					Code:    "validation_failed",
					Message: "Bitte prüfen Sie Ihre Eingaben.",
					Fields: []fault.FieldError{
						{Field: "email", Code: "invalid_format", Message: "Keine gültige E-Mail-Adresse."},
						{Field: "postcode", Code: "required", Message: "Pflichtfeld."},
					},
				}
			},
			status: http.StatusUnprocessableEntity,
			code:   "validation_failed",
			fields: []field{{"email", "invalid_format"}, {"postcode", "required"}},
		},
		{
			name: "wrapped webkit.Error without code or message",
			handler: func(*fiber.Ctx) error {
				return fmt.Errorf("loading ticket: %w", &webkit.Error{Status: http.StatusNotFound})
			},
			status: http.StatusNotFound,
			code:   "not_found",
		},
		{
			name: "webkit.Error 5xx with cause",
			handler: func(*fiber.Ctx) error {
				return &webkit.Error{Status: http.StatusServiceUnavailable, Code: "unavailable", Cause: errors.New(secret)}
			},
			status: http.StatusServiceUnavailable,
			code:   "unavailable",
			logged: true,
		},
		{
			name: "webkit.Error with non-error status",
			handler: func(*fiber.Ctx) error {
				return &webkit.Error{Status: http.StatusOK, Code: "oops", Message: secret}
			},
			status: http.StatusInternalServerError,
			code:   "internal",
			logged: true,
		},
		{
			name:    "plain error",
			handler: func(*fiber.Ctx) error { return fmt.Errorf("saving ticket: %s", secret) },
			status:  http.StatusInternalServerError,
			code:    "internal",
			logged:  true,
		},
		{
			name:    "fiber error from handler",
			handler: func(*fiber.Ctx) error { return fiber.NewError(http.StatusBadRequest, secret) },
			status:  http.StatusBadRequest,
			code:    "bad_request",
		},
		{
			name:    "panic",
			handler: func(*fiber.Ctx) error { panic(secret) },
			status:  http.StatusInternalServerError,
			code:    "internal",
			logged:  true,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app, logs := newTestApp(t, web.Deps{})
			method, path := tt.method, tt.path
			if method == "" {
				method = http.MethodGet
			}
			if path == "" {
				path = "/test"
			}
			if tt.handler != nil {
				app.Add(method, "/test", tt.handler)
			}
			resp, body := do(t, app, httptest.NewRequest(method, path, nil))

			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, tt.status, body)
			}
			er := decodeError(t, resp, body)
			if er.Error.Code != tt.code {
				t.Errorf("code = %q, want %q", er.Error.Code, tt.code)
			}
			if len(er.Error.Fields) != len(tt.fields) {
				t.Fatalf("fields = %+v, want %+v", er.Error.Fields, tt.fields)
			}
			for i, f := range tt.fields {
				got := er.Error.Fields[i]
				if got.Field != f.field || got.Code != f.code || got.Message == "" {
					t.Errorf("fields[%d] = %+v, want field %q code %q with a message", i, got, f.field, f.code)
				}
			}
			if strings.Contains(string(body), "hunter2") {
				t.Errorf("response leaks the cause: %s", body)
			}
			if resp.Header.Get(web.HeaderRequestID) == "" {
				t.Errorf("no %s header", web.HeaderRequestID)
			}

			var causeLogged bool
			for _, rec := range logs.Records(t) {
				if rec["level"] == "ERROR" && strings.Contains(fmt.Sprint(rec["error"]), "hunter2") {
					causeLogged = true
					if rec["request_id"] != resp.Header.Get(web.HeaderRequestID) {
						t.Errorf("error log request_id = %v, want %q", rec["request_id"], resp.Header.Get(web.HeaderRequestID))
					}
				}
			}
			if causeLogged != tt.logged {
				t.Errorf("cause logged at ERROR = %v, want %v; logs:\n%s", causeLogged, tt.logged, logs)
			}

			if reqs := logs.RecordsWithMsg(t, "request"); len(reqs) != 1 {
				t.Errorf("got %d request log lines, want 1; logs:\n%s", len(reqs), logs)
			} else if got := reqs[0]["status"]; got != float64(tt.status) {
				t.Errorf("request log status = %v, want %d", got, tt.status)
			}
		})
	}
}

func TestPanicLogsStack(t *testing.T) {
	app, logs := newTestApp(t, web.Deps{})
	app.Get("/boom", func(*fiber.Ctx) error { panic("boom") })

	resp, _ := do(t, app, httptest.NewRequest(http.MethodGet, "/boom", nil))
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", resp.StatusCode)
	}
	failed := logs.RecordsWithMsg(t, "request failed")
	if len(failed) != 1 {
		t.Fatalf("got %d 'request failed' records, want 1; logs:\n%s", len(failed), logs)
	}
	if failed[0]["panic"] != true || !strings.Contains(fmt.Sprint(failed[0]["stack"]), "TestPanicLogsStack") {
		t.Errorf("panic record lacks the stack: %v", failed[0])
	}
}

func TestErrorDoesNotModifyHandlerError(t *testing.T) {
	shared := &webkit.Error{Status: http.StatusNotFound, Fields: []fault.FieldError{{Field: "id", Code: "unknown"}}}
	app, _ := newTestApp(t, web.Deps{})
	app.Get("/test", func(*fiber.Ctx) error { return shared })

	for _, al := range []string{"de", "en"} {
		req := httptest.NewRequest(http.MethodGet, "/test", nil)
		req.Header.Set("Accept-Language", al)
		do(t, app, req)
	}
	if shared.Code != "" || shared.Message != "" || shared.Fields[0].Message != "" {
		t.Errorf("error handler modified the returned error: %+v", shared)
	}
}
