package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/web"
)

// fakeStore answers Ping with a fixed error.
type fakeStore struct {
	mode string
	err  error
}

func (f fakeStore) Ping(context.Context) error { return f.err }
func (f fakeStore) Mode() string               { return f.mode }

// logBuffer collects JSON log lines; the server writes from its own goroutine.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// records returns every log record written so far.
func (b *logBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for line := range strings.Lines(b.buf.String()) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q: %v", line, err)
		}
		out = append(out, rec)
	}
	return out
}

// recordsWithMsg returns the records whose msg is msg.
func (b *logBuffer) recordsWithMsg(t *testing.T, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, rec := range b.records(t) {
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newTestApp builds the app from deps with a debug-level JSON logger writing
// into the returned buffer.
func newTestApp(t *testing.T, deps web.Deps) (*fiber.App, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
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
