package web

import "github.com/gofiber/fiber/v2"

// contentSecurityPolicy allows only our own scripts and styles: no inline
// script, no inline style, no framing, forms posting to this site only.
// SVG charts use presentation attributes, which the policy does not touch.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// securityHeaders sets the headers every response carries. Referrer-Policy
// is same-origin because a citizen's tracking link is a secret in the URL:
// it must never reach another site. (no-referrer would also make browsers
// send "Origin: null" with our own form posts.)
func securityHeaders(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentSecurityPolicy, contentSecurityPolicy)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	return c.Next()
}
