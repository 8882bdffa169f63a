package web

import (
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/web/internal/webkit"
)

// refuseContentEncoding answers 415 to every request whose body is
// compressed (Content-Encoding other than identity), before anything reads
// the body. Fiber's Ctx.Body unpacks gzip, deflate and brotli bodies without
// a limit, so a 300 KB request could grow to gigabytes in memory; the body
// limit applies to what arrives on the wire, not to what it unpacks to.
// Decoding with a limit would still let a 30 KB request occupy the whole
// body limit in memory, a thousandfold amplification. No browser compresses
// form posts, so refusing costs the pages nothing; API clients send plain
// JSON. The answer names identity as the one accepted coding (RFC 9110,
// 15.5.16).
func refuseContentEncoding(c *fiber.Ctx) error {
	ce := c.Get(fiber.HeaderContentEncoding)
	if ce == "" {
		return c.Next()
	}
	for coding := range strings.SplitSeq(ce, ",") {
		if coding = strings.TrimSpace(coding); coding != "" && !strings.EqualFold(coding, "identity") {
			c.Set(fiber.HeaderAcceptEncoding, "identity")
			return &webkit.Error{Status: http.StatusUnsupportedMediaType, Code: webkit.CodeUnsupportedEncoding}
		}
	}
	return c.Next()
}
