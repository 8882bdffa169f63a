package pagekit

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/auth"
	"vorgang/core/web/internal/webkit"
)

// twoFactorPath is the staff page of two-factor sign-in.
const twoFactorPath = "/app/two-factor"

// TwoFactorDue sends a user whose role requires two-factor sign-in, and
// who has not set it up, to its page before anything else.
// It reports whether it answered the request.
func TwoFactorDue(c *fiber.Ctx, p *auth.Principal) (bool, error) {
	if p == nil || !p.TwoFactorDue || c.Path() == twoFactorPath {
		return false, nil
	}
	if c.Method() == http.MethodGet {
		return true, c.Redirect(twoFactorPath, http.StatusSeeOther)
	}
	return true, &webkit.Error{Status: http.StatusForbidden, Code: webkit.CodeTwoFactorDue}
}
