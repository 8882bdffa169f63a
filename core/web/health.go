package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/fault"
	"vorgang/core/web/internal/webkit"
)

// StorePinger is what the health check needs from the store.
type StorePinger interface {
	// Ping reports whether the database answers. It must return when ctx
	// is done.
	Ping(ctx context.Context) error
	// Mode names the backend, e.g. "embedded" or "mongodb".
	Mode() string
}

// WriteChecker is what the readiness check asks a store that can tell
// whether it takes writes; *store.Store is one.
type WriteChecker interface {
	// Writable returns nil while the database takes writes, an error
	// wrapping store.ErrDiskFull while its disk is full.
	Writable(ctx context.Context) error
}

// CatalogInfo describes the loaded definition catalog.
type CatalogInfo struct {
	Hash        string
	Definitions int
	LoadedAt    time.Time
}

// CatalogInfoFunc reports the catalog currently served; it is called on every
// health check, so it must be cheap and safe for concurrent use.
type CatalogInfoFunc func() CatalogInfo

// healthPingTimeout bounds the store ping so a hanging database makes the
// health check fail fast instead of hang.
const healthPingTimeout = 2 * time.Second

type healthResponse struct {
	Status  string         `json:"status"`
	Store   storeHealth    `json:"store"`
	Catalog *catalogHealth `json:"catalog,omitempty"`
}

type storeHealth struct {
	Reachable bool   `json:"reachable"`
	Mode      string `json:"mode,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

type catalogHealth struct {
	Hash        string `json:"hash"`
	Definitions int    `json:"definitions"`
	LoadedAt    string `json:"loaded_at,omitempty"`
}

type healthHandler struct {
	store   StorePinger
	catalog CatalogInfoFunc
	logger  *slog.Logger
}

// serve answers GET /healthz: 200 "ok" when the store answers, 503
// "unavailable" otherwise.
func (h *healthHandler) serve(c *fiber.Ctx) error {
	resp := healthResponse{Status: "ok"}
	resp.Store = h.pingStore(c)
	if !resp.Store.Reachable {
		resp.Status = "unavailable"
	}

	if h.catalog != nil {
		info := h.catalog()
		ch := &catalogHealth{Hash: info.Hash, Definitions: info.Definitions}
		if !info.LoadedAt.IsZero() {
			ch.LoadedAt = info.LoadedAt.UTC().Format(time.RFC3339)
		}
		resp.Catalog = ch
	}

	status := http.StatusOK
	if resp.Status != "ok" {
		status = http.StatusServiceUnavailable
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(resp)
}

func (h *healthHandler) pingStore(c *fiber.Ctx) storeHealth {
	if h.store == nil {
		return storeHealth{Reason: webkit.ReasonNotConfigured}
	}
	sh := storeHealth{Mode: h.store.Mode()}

	ctx, cancel := context.WithTimeout(c.UserContext(), healthPingTimeout)
	defer cancel()
	err := h.store.Ping(ctx)
	if err == nil {
		sh.Reachable = true
		return sh
	}

	sh.Reason = webkit.ReasonPingFailed
	if errors.Is(err, context.DeadlineExceeded) {
		sh.Reason = webkit.ReasonTimeout
	}
	h.logger.LogAttrs(c.UserContext(), slog.LevelWarn, "store ping failed",
		slog.String("request_id", webkit.RequestID(c)),
		slog.String("mode", sh.Mode),
		slog.String("reason", sh.Reason),
		slog.String("error", err.Error()),
	)
	return sh
}

type readyResponse struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// ready answers GET /readyz: 200 "ready" when the store answers and takes
// writes, 503 "not_ready" with a reason otherwise (not_configured,
// timeout, ping_failed, disk_full, write_failed). Unlike /healthz, which
// says whether the process should be restarted, it says whether it should
// get requests: a full disk is not cured by a restart, but no request that
// writes can succeed until space is freed.
func (h *healthHandler) ready(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	sh := h.pingStore(c)
	if !sh.Reachable {
		return c.Status(http.StatusServiceUnavailable).JSON(readyResponse{Status: "not_ready", Reason: sh.Reason})
	}
	if wc, ok := h.store.(WriteChecker); ok {
		ctx, cancel := context.WithTimeout(c.UserContext(), healthPingTimeout)
		defer cancel()
		if err := wc.Writable(ctx); err != nil {
			reason := webkit.ReasonWriteFailed
			if errors.Is(err, fault.StorageFull) {
				reason = webkit.ReasonDiskFull
			} else {
				h.logger.LogAttrs(c.UserContext(), slog.LevelWarn, "store write probe failed",
					slog.String("request_id", webkit.RequestID(c)), slog.String("error", err.Error()))
			}
			return c.Status(http.StatusServiceUnavailable).JSON(readyResponse{Status: "not_ready", Reason: reason})
		}
	}
	return c.JSON(readyResponse{Status: "ready"})
}
