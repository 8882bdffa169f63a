package portal

import (
	"github.com/gofiber/fiber/v2"

	"vorgang/core/web/internal/pagekit"
)

// portal serves the citizen portal over the shared page machinery.
type portal struct {
	*pagekit.Pages
}

// Register adds the portal's pages to r, the /portal group. posts is the
// rate limit of posts without an account (shared with the API's anonymous
// creates), computations that of the computed fields while a form is
// filled in.
func Register(r fiber.Router, p *pagekit.Pages, posts, computations fiber.Handler) {
	u := &portal{Pages: p}
	r.Get("/", u.portalCatalog)
	r.Get("/new/:process", u.portalForm)
	r.Post("/new/:process", posts, u.portalSubmit)
	r.Get("/track/:token", u.portalTrack)
	r.Get("/track/:token/confirmation", u.portalConfirmation)
	r.Post("/track/:token/reply", posts, u.portalReply)
	r.Get("/track/:token/files/:id", u.portalFile)
	r.Get("/track/:token/follow-up/:process", u.followUpForm)
	r.Post("/track/:token/follow-up/:process", posts, u.followUpSubmit)
	r.Post("/forms/:form/compute", computations, u.portalCompute)
	u.registerHelp(r, computations)
}
