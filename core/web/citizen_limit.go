package web

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"vorgang/core/fault"
)

// DefaultCitizenRate is how many posts one address may make per minute
// without an account: enough for a family sending a few requests and
// replies, too few for a robot filling the inboxes.
const DefaultCitizenRate = 10

// citizenLimit allows n posts per minute per client address from callers
// without an account, across the portal's posts and the API's anonymous
// creates (one counter, so neither door doubles the rate), and answers
// more with 429 too_many_requests. Calls with API credentials pass.
func citizenLimit(n int, cl clients) fiber.Handler {
	return limiter.New(limiter.Config{
		Max:          n,
		Expiration:   time.Minute,
		KeyGenerator: cl.key,
		Next:         func(c *fiber.Ctx) bool { return principal(c) != nil },
		LimitReached: func(c *fiber.Ctx) error {
			return faultError(fault.New(fault.TooMany, "too many requests from this address"))
		},
	})
}
