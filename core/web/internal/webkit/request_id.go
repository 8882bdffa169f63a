package webkit

import (
	"crypto/rand"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// HeaderRequestID carries the request id, both ways: a client or proxy may
// send one, and every response carries the id used in our logs.
const HeaderRequestID = "X-Request-ID"

// maxRequestIDLen bounds an incoming request id; longer ones are replaced.
const maxRequestIDLen = 128

type requestIDKey struct{}

// RequestID returns the id of the request c serves, the one sent back in
// X-Request-ID and written to every log line about the request. The first
// call adopts a well-formed incoming X-Request-ID or makes one, and sets
// the response header.
func RequestID(c *fiber.Ctx) string {
	return ensureRequestID(c)
}

// ensureRequestID returns the request's id, adopting a well-formed incoming
// X-Request-ID or generating one, and sets the response header once.
func ensureRequestID(c *fiber.Ctx) string {
	if id, ok := c.Locals(requestIDKey{}).(string); ok {
		return id
	}
	id := c.Get(HeaderRequestID)
	if validRequestID(id) {
		// fiber's strings point into a buffer reused after the request.
		id = strings.Clone(id)
	} else {
		id = rand.Text()
	}
	c.Locals(requestIDKey{}, id)
	c.Set(HeaderRequestID, id)
	return id
}

// validRequestID accepts ids made of characters that are safe in a header
// and a log line, so a client cannot inject anything through them.
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		b := id[i]
		switch {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		case b == '-', b == '_', b == '.', b == ':', b == '/', b == '+', b == '=':
		default:
			return false
		}
	}
	return true
}
