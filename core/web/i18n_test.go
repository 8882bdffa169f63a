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
)

func TestNegotiateLang(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   lang
	}{
		{"no header", "", langDE},
		{"german", "de-DE,de;q=0.9", langDE},
		{"english", "en", langEN},
		{"english region", "en-GB", langEN},
		{"case insensitive", "EN-us", langEN},
		{"english preferred by order", "en-US,en;q=0.9,de;q=0.8", langEN},
		{"german preferred by quality", "en;q=0.5,de;q=0.9", langDE},
		{"equal quality keeps order", "de;q=0.7,en;q=0.7", langDE},
		{"unsupported first", "fr-FR,fr;q=0.9,en;q=0.8", langEN},
		{"only unsupported", "fr,it;q=0.5", langDE},
		{"english refused", "en;q=0", langDE},
		{"wildcard", "*", langDE},
		{"malformed quality", "en;q=abc,de;q=0.1", langDE},
		{"garbage", ";;,,=,q", langDE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := negotiateLang(tt.header); got != tt.want {
				t.Errorf("negotiateLang(%q) = %q, want %q", tt.header, got, tt.want)
			}
		})
	}
}

func TestMessagesComplete(t *testing.T) {
	for code, byLang := range messages {
		for _, l := range []lang{langDE, langEN} {
			if byLang[l] == "" {
				t.Errorf("code %q has no %s message", code, l)
			}
		}
	}
}

func TestErrorMessageLanguage(t *testing.T) {
	app := New(Deps{Logger: slog.New(slog.DiscardHandler)})
	app.Get("/test", func(*fiber.Ctx) error {
		return &Error{Status: http.StatusUnprocessableEntity, Code: "validation_failed",
			Fields: []fault.FieldError{{Field: "email", Code: CodeBadRequest}}}
	})

	tests := []struct {
		name           string
		path           string
		acceptLanguage string
		want           lang
		code           string
	}{
		{"404 default german", "/nope", "", langDE, CodeNotFound},
		{"404 german", "/nope", "de-DE,de;q=0.9,en;q=0.5", langDE, CodeNotFound},
		{"404 english", "/nope", "en-US,en;q=0.9,de;q=0.5", langEN, CodeNotFound},
		{"405 english", "/healthz", "en", langEN, CodeMethodNotAllowed},
		{"unknown code german falls back to status class", "/test", "", langDE, "validation_failed"},
		{"unknown code english falls back to status class", "/test", "en", langEN, "validation_failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := http.MethodGet
			if tt.code == CodeMethodNotAllowed {
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
			want := message(tt.want, tt.code, resp.StatusCode)
			if body.Error.Message != want {
				t.Errorf("message = %q, want %q", body.Error.Message, want)
			}
			for _, f := range body.Error.Fields {
				if wantField := message(tt.want, f.Code, http.StatusBadRequest); f.Message != wantField {
					t.Errorf("field %s message = %q, want %q", f.Field, f.Message, wantField)
				}
			}
		})
	}
}
