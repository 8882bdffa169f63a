package webkit

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/auth"
)

// SessionCookie carries a browser's session token, for the pages and for
// the API called from a signed-in browser.
const SessionCookie = "vorgang_session"

// SetSessionCookie gives the browser its session token.
func SetSessionCookie(c *fiber.Ctx, token string, expires time.Time) {
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: token, HTTPOnly: true, SameSite: "Lax", Secure: c.Protocol() == "https", Path: "/", Expires: expires})
}

// ResetPath is the page where the user of a reset link sets a password.
func ResetPath(token string) string { return "/app/password/" + token }

type principalKey struct{}

// WithPrincipal records the caller the API authenticated on the request.
func WithPrincipal(c *fiber.Ctx, p *auth.Principal) {
	c.SetUserContext(context.WithValue(c.UserContext(), principalKey{}, p))
}

// Principal is the caller the API authenticated, nil for an anonymous
// request. The citizen limit lets such callers pass.
func Principal(c *fiber.Ctx) *auth.Principal {
	p, _ := c.UserContext().Value(principalKey{}).(*auth.Principal)
	return p
}
