package web

import (
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gofiber/fiber/v2"
	fiberrecover "github.com/gofiber/fiber/v2/middleware/recover"

	"vorgang/core/metrics"
	"vorgang/core/web/internal/webkit"
)

// requestLogMiddleware writes one INFO line per request and, with m, counts
// it in the request metrics by its route's pattern. It settles a returned
// error through the app's error handler itself, so the line and the
// metrics show the status that was actually sent.
func requestLogMiddleware(logger *slog.Logger, m *metrics.Metrics) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		c.Locals(requestStartKey, start)

		if err := c.Next(); err != nil {
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				logger.LogAttrs(c.UserContext(), slog.LevelError, "writing error response",
					slog.String("request_id", webkit.RequestID(c)),
					slog.String("error", herr.Error()),
				)
				_ = c.SendStatus(http.StatusInternalServerError)
			}
		}

		took := time.Since(start)
		logger.LogAttrs(c.UserContext(), slog.LevelInfo, "request",
			slog.String("method", c.Method()),
			slog.String("path", c.Path()),
			slog.Int("status", c.Response().StatusCode()),
			slog.Duration("duration", took),
			slog.String("request_id", webkit.RequestID(c)),
		)
		if m != nil {
			m.Request(routeOf(c), c.Method(), c.Response().StatusCode(), took)
		}
		return nil
	}
}

// routeOf is the pattern of the route that answered (/api/v1/tickets/:number),
// never the path itself, which would make a metric series per ticket; a
// request no route took is "unmatched".
func routeOf(c *fiber.Ctx) string {
	r := c.Route()
	if r == nil || r.Path == "" || r.Path == "/" && c.Path() != "/" {
		return "unmatched"
	}
	return r.Path
}

// recoverMiddleware turns a panic into an error for the error handler, which
// answers 500 internal and logs the panic value with the stack kept here.
func recoverMiddleware() fiber.Handler {
	return fiberrecover.New(fiberrecover.Config{
		EnableStackTrace: true,
		StackTraceHandler: func(c *fiber.Ctx, _ any) {
			c.Locals(panicStackKey, debug.Stack())
		},
	})
}
