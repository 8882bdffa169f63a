package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"vorgang/core/web"
)

// healthBody mirrors the /healthz answer; decoding is strict, so an
// unexpected key fails the test.
type healthBody struct {
	Status string `json:"status"`
	Store  struct {
		Reachable bool   `json:"reachable"`
		Mode      string `json:"mode"`
		Reason    string `json:"reason"`
	} `json:"store"`
	Catalog *struct {
		Hash        string `json:"hash"`
		Definitions int    `json:"definitions"`
		LoadedAt    string `json:"loaded_at"`
	} `json:"catalog"`
}

// deadlineStore fails unless Ping gets a context with a short deadline.
type deadlineStore struct{}

func (deadlineStore) Mode() string { return "mongodb" }
func (deadlineStore) Ping(ctx context.Context) error {
	deadline, ok := ctx.Deadline()
	if !ok {
		return errors.New("ping context has no deadline")
	}
	if left := time.Until(deadline); left > 2*time.Second {
		return fmt.Errorf("ping deadline %v away, want at most 2s", left)
	}
	return nil
}

func TestHealthz(t *testing.T) {
	loadedAt := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))
	catalog := func() web.CatalogInfo {
		return web.CatalogInfo{Hash: "sha256:0f1e2d", Definitions: 12, LoadedAt: loadedAt}
	}

	tests := []struct {
		name        string
		store       web.StorePinger
		catalog     web.CatalogInfoFunc
		status      int
		wantStatus  string
		reachable   bool
		mode        string
		reason      string
		wantCatalog bool
	}{
		{
			name:        "store reachable",
			store:       fakeStore{mode: "embedded"},
			catalog:     catalog,
			status:      http.StatusOK,
			wantStatus:  "ok",
			reachable:   true,
			mode:        "embedded",
			wantCatalog: true,
		},
		{
			name:        "ping gets a short deadline",
			store:       deadlineStore{},
			catalog:     catalog,
			status:      http.StatusOK,
			wantStatus:  "ok",
			reachable:   true,
			mode:        "mongodb",
			wantCatalog: true,
		},
		{
			name:        "ping fails",
			store:       fakeStore{mode: "embedded", err: errors.New(secret)},
			catalog:     catalog,
			status:      http.StatusServiceUnavailable,
			wantStatus:  "unavailable",
			mode:        "embedded",
			reason:      "ping_failed",
			wantCatalog: true,
		},
		{
			name:        "ping times out",
			store:       fakeStore{mode: "mongodb", err: fmt.Errorf("server selection: %w", context.DeadlineExceeded)},
			catalog:     catalog,
			status:      http.StatusServiceUnavailable,
			wantStatus:  "unavailable",
			mode:        "mongodb",
			reason:      "timeout",
			wantCatalog: true,
		},
		{
			name:       "no store, no catalog",
			status:     http.StatusServiceUnavailable,
			wantStatus: "unavailable",
			reason:     "not_configured",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app, logs := newTestApp(t, web.Deps{Store: tt.store, Catalog: tt.catalog})

			resp, body := do(t, app, httptest.NewRequest(http.MethodGet, "/healthz", nil))

			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, tt.status, body)
			}
			var got healthBody
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&got); err != nil {
				t.Fatalf("decoding %s: %v", body, err)
			}
			if got.Status != tt.wantStatus {
				t.Errorf("status field = %q, want %q", got.Status, tt.wantStatus)
			}
			if got.Store.Reachable != tt.reachable || got.Store.Mode != tt.mode || got.Store.Reason != tt.reason {
				t.Errorf("store = %+v, want reachable %v mode %q reason %q", got.Store, tt.reachable, tt.mode, tt.reason)
			}
			switch {
			case !tt.wantCatalog && got.Catalog != nil:
				t.Errorf("catalog = %+v, want none", got.Catalog)
			case tt.wantCatalog && got.Catalog == nil:
				t.Errorf("catalog missing")
			case tt.wantCatalog:
				if got.Catalog.Hash != "sha256:0f1e2d" || got.Catalog.Definitions != 12 || got.Catalog.LoadedAt != "2026-01-02T02:04:05Z" {
					t.Errorf("catalog = %+v", got.Catalog)
				}
			}
			if strings.Contains(string(body), "hunter2") {
				t.Errorf("response leaks the ping error: %s", body)
			}
			if tt.reason == "ping_failed" && !strings.Contains(logs.String(), "hunter2") {
				t.Errorf("ping error not logged; logs:\n%s", logs)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", cc)
			}
		})
	}
}
