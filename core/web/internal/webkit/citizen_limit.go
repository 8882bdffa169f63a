package webkit

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"vorgang/core/fault"
)

// CitizenLimit allows n posts per minute per client address from callers
// without an account, across the portal's posts and the API's anonymous
// creates (one counter, so neither door doubles the rate), and answers
// more with 429 too_many_requests. Calls with API credentials pass.
func CitizenLimit(n int, cl Clients) fiber.Handler {
	return limiter.New(limiter.Config{
		Max:          n,
		Expiration:   time.Minute,
		KeyGenerator: cl.Key,
		Next:         func(c *fiber.Ctx) bool { return Principal(c) != nil },
		LimitReached: func(c *fiber.Ctx) error {
			return FaultError(fault.New(fault.TooMany, "too many requests from this address"))
		},
	})
}
