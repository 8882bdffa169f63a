package web

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/fault"
	"vorgang/core/web/internal/webkit"
)

func TestErrorMessageLanguage(t *testing.T) {
	app := New(Deps{Logger: slog.New(slog.DiscardHandler)})
	app.Get("/test", func(*fiber.Ctx) error {
		return &webkit.Error{Status: http.StatusUnprocessableEntity, Code: "validation_failed",
			Fields: []fault.FieldError{{Field: "email", Code: webkit.CodeBadRequest}}}
	})

	tests := []struct {
		name           string
		path           string
		acceptLanguage string
		want           webkit.Lang
		code           string
	}{
		{"404 default german", "/nope", "", webkit.LangDE, webkit.CodeNotFound},
		{"404 german", "/nope", "de-DE,de;q=0.9,en;q=0.5", webkit.LangDE, webkit.CodeNotFound},
		{"404 english", "/nope", "en-US,en;q=0.9,de;q=0.5", webkit.LangEN, webkit.CodeNotFound},
		{"405 english", "/healthz", "en", webkit.LangEN, webkit.CodeMethodNotAllowed},
		{"unknown code german falls back to status class", "/test", "", webkit.LangDE, "validation_failed"},
		{"unknown code english falls back to status class", "/test", "en", webkit.LangEN, "validation_failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := http.MethodGet
			if tt.code == webkit.CodeMethodNotAllowed {
				method = http.MethodPut
			}
			req := httptest.NewRequest(method, tt.path, nil)
			if tt.acceptLanguage != "" {
				req.Header.Set("Accept-Language", tt.acceptLanguage)
			}
			resp, err := app.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			var body errorBody
			if err := json.Unmarshal(raw, &body); err != nil || body.Error == nil {
				t.Fatalf("decoding %s: %v", raw, err)
			}
			if body.Error.Code != tt.code {
				t.Errorf("code = %q, want %q", body.Error.Code, tt.code)
			}
			want := webkit.Message(tt.want, tt.code, resp.StatusCode)
			if body.Error.Message != want {
				t.Errorf("message = %q, want %q", body.Error.Message, want)
			}
			for _, f := range body.Error.Fields {
				if wantField := webkit.Message(tt.want, f.Code, http.StatusBadRequest); f.Message != wantField {
					t.Errorf("field %s message = %q, want %q", f.Field, f.Message, wantField)
				}
			}
		})
	}
}
