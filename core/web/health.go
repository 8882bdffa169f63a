package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
)

// StorePinger is what the health check needs from the store.
type StorePinger interface {
	// Ping reports whether the database answers. It must return when ctx
	// is done.
	Ping(ctx context.Context) error
	// Mode names the backend, e.g. "embedded" or "mongodb".
	Mode() string
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

// Reasons /healthz gives for an unreachable store. The raw error is logged,
// not sent: it may name hosts, files or credentials.
const (
	reasonNotConfigured = "not_configured"
	reasonTimeout       = "timeout"
	reasonPingFailed    = "ping_failed"
)

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
		return storeHealth{Reason: reasonNotConfigured}
	}
	sh := storeHealth{Mode: h.store.Mode()}

	ctx, cancel := context.WithTimeout(c.UserContext(), healthPingTimeout)
	defer cancel()
	err := h.store.Ping(ctx)
	if err == nil {
		sh.Reachable = true
		return sh
	}

	sh.Reason = reasonPingFailed
	if errors.Is(err, context.DeadlineExceeded) {
		sh.Reason = reasonTimeout
	}
	h.logger.LogAttrs(c.UserContext(), slog.LevelWarn, "store ping failed",
		slog.String("request_id", RequestID(c)),
		slog.String("mode", sh.Mode),
		slog.String("reason", sh.Reason),
		slog.String("error", err.Error()),
	)
	return sh
}
