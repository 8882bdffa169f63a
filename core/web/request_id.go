package web

import (
	"github.com/gofiber/fiber/v2"

	"vorgang/core/web/internal/webkit"
)

// HeaderRequestID carries the request id, both ways: a client or proxy may
// send one, and every response carries the id used in our logs.
const HeaderRequestID = webkit.HeaderRequestID

// RequestID returns the id of the request c serves, the one sent back in
// X-Request-ID and written to every log line about the request. The areas
// use webkit's; this is the form for code outside web (today only tests).
func RequestID(c *fiber.Ctx) string { return webkit.RequestID(c) }

// localKey keys the values the middleware keeps per request.
type localKey int

const (
	requestStartKey localKey = iota
	panicStackKey
)

// requestIDMiddleware assigns the request id before anything logs.
func requestIDMiddleware(c *fiber.Ctx) error {
	webkit.RequestID(c)
	return c.Next()
}
