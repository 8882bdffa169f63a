package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/web"
	"vorgang/core/web/internal/webtest"
)

// fakeStore answers Ping with a fixed error.
type fakeStore struct {
	mode string
	err  error
}

func (f fakeStore) Ping(context.Context) error { return f.err }
func (f fakeStore) Mode() string               { return f.mode }

// newTestApp builds the app from deps with a debug-level JSON logger writing
// into the returned buffer.
func newTestApp(t *testing.T, deps web.Deps) (*fiber.App, *webtest.LogBuffer) {
	t.Helper()
	logs := &webtest.LogBuffer{}
	deps.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return web.New(deps), logs
}

// do sends req through the app and returns the response and its body.
func do(t *testing.T, app *fiber.App, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := app.Test(req, 5000)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return resp, body
}

// errorResponse mirrors the error envelope as a client sees it.
type errorResponse struct {
	Error *struct {
		Status  int    `json:"status"`
		Code    string `json:"code"`
		Message string `json:"message"`
		Fields  []struct {
			Field   string `json:"field"`
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"fields"`
	} `json:"error"`
}

// decodeError parses body as the error envelope and checks its invariants.
func decodeError(t *testing.T, resp *http.Response, body []byte) errorResponse {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var er errorResponse
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&er); err != nil {
		t.Fatalf("body is not the error shape: %v\n%s", err, body)
	}
	if er.Error == nil {
		t.Fatalf("body has no error object: %s", body)
	}
	if er.Error.Status != resp.StatusCode {
		t.Errorf("error.status = %d, HTTP status = %d", er.Error.Status, resp.StatusCode)
	}
	if er.Error.Message == "" {
		t.Errorf("error.message is empty")
	}
	return er
}
