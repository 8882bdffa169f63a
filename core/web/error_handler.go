package web

import (
	"fmt"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/web/internal/webkit"
)

// errorBody is the JSON envelope around Error.
type errorBody struct {
	Error *webkit.Error `json:"error"`
}

// errorHandler is the app's central error handler: every error a handler or
// middleware returns, and every request fasthttp rejects before routing,
// ends here and leaves as one Error shape.
// Errors on browser routes are HTML pages when the pages are served (pages
// is not nil).
func errorHandler(logger *slog.Logger, pages *ui) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		// Requests rejected before routing (body too large, malformed) never
		// passed the middleware, so give them an id and a log line here.
		rejected := c.Locals(requestStartKey) == nil
		id := webkit.RequestID(c)

		page := pages != nil && browserRoute(c.Path())
		l := webkit.RequestLang(c)
		if page {
			l = webkit.PageLang(c)
		}
		apiErr, cause := webkit.ToAPIError(err)
		apiErr.Localize(l)

		if cause != nil {
			level := slog.LevelDebug
			if apiErr.Status >= 500 {
				level = slog.LevelError
			}
			attrs := []slog.Attr{
				slog.String("request_id", id),
				slog.String("method", c.Method()),
				slog.String("path", c.Path()),
				slog.Int("status", apiErr.Status),
				slog.String("code", apiErr.Code),
				slog.String("error", cause.Error()),
			}
			if stack, ok := c.Locals(panicStackKey).([]byte); ok {
				attrs = append(attrs, slog.Bool("panic", true), slog.String("stack", string(stack)))
			}
			logger.LogAttrs(c.UserContext(), level, "request failed", attrs...)
		}

		if rejected {
			logger.LogAttrs(c.UserContext(), slog.LevelInfo, "request",
				slog.String("method", c.Method()),
				slog.String("path", c.Path()),
				slog.Int("status", apiErr.Status),
				slog.String("request_id", id),
				slog.Bool("rejected", true),
			)
		}

		if apiErr.RetryAfter > 0 {
			c.Set(fiber.HeaderRetryAfter, fmt.Sprint(apiErr.RetryAfter))
		}
		if page {
			return pages.errorPage(c, apiErr)
		}
		return c.Status(apiErr.Status).JSON(errorBody{Error: apiErr})
	}
}
