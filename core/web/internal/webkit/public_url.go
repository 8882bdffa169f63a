package webkit

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// PublicBase is where vorgang is reached from outside: the configured
// base URL (--base-url), else the address of the request. Links that leave
// the page — in answers to keep, on paper, registered at an identity
// provider — use it, so they name the same address as the mails even when a
// proxy in front of vorgang passes another host.
func PublicBase(c *fiber.Ctx, configured string) string {
	if base := strings.TrimSuffix(configured, "/"); base != "" {
		return base
	}
	return c.BaseURL()
}
