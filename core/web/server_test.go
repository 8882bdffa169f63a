package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/web"
)

// serve starts app on a free loopback port and returns its base URL. The app
// is shut down, and Listener's result checked, when the test ends.
func serve(t *testing.T, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Listener(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := app.ShutdownWithContext(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		select {
		case err := <-done:
			if err != nil && !errors.Is(err, net.ErrClosed) {
				t.Errorf("listener: %v", err)
			}
		case <-ctx.Done():
			t.Errorf("listener did not return after shutdown")
		}
	})
	return "http://" + ln.Addr().String()
}

func TestServeOverListener(t *testing.T) {
	app, logs := newTestApp(t, web.Deps{
		Store:   fakeStore{mode: "embedded"},
		Catalog: func() web.CatalogInfo { return web.CatalogInfo{Hash: "h", Definitions: 3, LoadedAt: time.Now()} },
	})
	base := serve(t, app)
	client := &http.Client{Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()

	resp, err := client.Get(base + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz: %v", err)
	}
	defer resp.Body.Close()

	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	var got healthBody
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatalf("decoding: %v", err)
	}
	if got.Status != "ok" || !got.Store.Reachable || got.Catalog == nil || got.Catalog.Definitions != 3 {
		t.Errorf("body = %+v", got)
	}
	if resp.Header.Get(web.HeaderRequestID) == "" {
		t.Errorf("no %s header", web.HeaderRequestID)
	}
	if n := len(logs.RecordsWithMsg(t, "request")); n != 1 {
		t.Errorf("got %d request log lines, want 1", n)
	}
}

// TestBodyTooLarge needs a real connection: fasthttp rejects the body before
// routing and closes the connection, which app.Test reports as an error.
func TestBodyTooLarge(t *testing.T) {
	app, logs := newTestApp(t, web.Deps{BodyLimit: 64})
	app.Post("/upload", func(c *fiber.Ctx) error { return c.SendStatus(http.StatusNoContent) })
	base := serve(t, app)
	client := &http.Client{Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()

	req, err := http.NewRequest(http.MethodPost, base+"/upload", strings.NewReader(strings.Repeat("x", 1024)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Language", "en")
	req.Header.Set(web.HeaderRequestID, "upload-1")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST /upload: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}

	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status = %d, want 413; body %s", resp.StatusCode, body)
	}
	er := decodeError(t, resp, body)
	if er.Error.Code != "body_too_large" {
		t.Errorf("code = %q, want body_too_large", er.Error.Code)
	}
	if got := resp.Header.Get(web.HeaderRequestID); got != "upload-1" {
		t.Errorf("%s = %q, want upload-1", web.HeaderRequestID, got)
	}
	reqs := logs.RecordsWithMsg(t, "request")
	if len(reqs) != 1 || reqs[0]["status"] != float64(http.StatusRequestEntityTooLarge) || reqs[0]["request_id"] != "upload-1" {
		t.Errorf("request log = %v, want one line with status 413 and request_id upload-1", reqs)
	}
}
