package web

import (
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gofiber/fiber/v2"
	fiberrecover "github.com/gofiber/fiber/v2/middleware/recover"

	"vorgang/core/web/internal/webkit"
)

// requestLogMiddleware writes one INFO line per request. It settles a
// returned error through the app's error handler itself, so the line shows
// the status that was actually sent.
func requestLogMiddleware(logger *slog.Logger) fiber.Handler {
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

		logger.LogAttrs(c.UserContext(), slog.LevelInfo, "request",
			slog.String("method", c.Method()),
			slog.String("path", c.Path()),
			slog.Int("status", c.Response().StatusCode()),
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", webkit.RequestID(c)),
		)
		return nil
	}
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
