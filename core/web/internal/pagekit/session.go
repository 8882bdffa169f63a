package pagekit

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/auth"
	"vorgang/core/web/internal/webkit"
)

type uiPrincipalKey struct{}

// SetUIPrincipal records the signed-in user of a page request.
func SetUIPrincipal(c *fiber.Ctx, p *auth.Principal) { c.Locals(uiPrincipalKey{}, p) }

// UIPrincipal is the signed-in user of a page request, nil for a visitor.
func UIPrincipal(c *fiber.Ctx) *auth.Principal {
	p, _ := c.Locals(uiPrincipalKey{}).(*auth.Principal)
	return p
}

// SessionBinding is what CSRF tokens of a session are bound to: a hash
// of its token.
func SessionBinding(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// SessionBindingKey holds the binding of a signed-in request.
const SessionBindingKey = "vorgang_binding"

// csrfFor returns the CSRF token for forms on the page: bound to the
// session for staff, to the anonymous cookie otherwise (set here when the
// browser has none).
func (u *Pages) csrfFor(c *fiber.Ctx) string {
	return u.Sign.csrfToken(u.Binding(c, true))
}

// Binding is what the browser's CSRF tokens are bound to. With issue, an
// anonymous browser without the cookie gets one.
func (u *Pages) Binding(c *fiber.Ctx, issue bool) string {
	if b, ok := c.Locals(SessionBindingKey).(string); ok && b != "" {
		return b
	}
	v := c.Cookies(anonCookie)
	if !validAnon(v) {
		if !issue {
			return ""
		}
		v = rand.Text()
		c.Cookie(&fiber.Cookie{Name: anonCookie, Value: v, Path: "/", HTTPOnly: true, SameSite: "Lax", Secure: c.Protocol() == "https"})
		c.Request().Header.SetCookie(anonCookie, v)
	}
	return "a:" + v
}

func validAnon(v string) bool {
	if len(v) != 26 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if !(v[i] >= 'A' && v[i] <= 'Z' || v[i] >= '2' && v[i] <= '7') {
			return false
		}
	}
	return true
}

// CheckPost guards every state-changing request of the pages: same origin
// and a CSRF token bound to this browser.
func (u *Pages) CheckPost(c *fiber.Ctx, token string) error {
	if !sameOrigin(c) {
		return &webkit.Error{Status: http.StatusForbidden, Code: "csrf_failed", Cause: fmt.Errorf("post from origin %q to host %q", c.Get(fiber.HeaderOrigin), c.Hostname())}
	}
	if !u.Sign.checkCSRF(u.Binding(c, false), token) {
		return &webkit.Error{Status: http.StatusForbidden, Code: "csrf_failed", Cause: errors.New("CSRF token missing or not bound to this browser")}
	}
	return nil
}
