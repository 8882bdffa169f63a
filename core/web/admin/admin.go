package admin

import (
	"github.com/gofiber/fiber/v2"

	"vorgang/core/web/internal/pagekit"
)

// admin serves the admin pages over the shared page machinery.
type admin struct {
	*pagekit.Pages
}

// Register adds the admin pages to r, the /admin group, which core/web
// guards: only signed-in administrators reach these handlers.
func Register(r fiber.Router, p *pagekit.Pages) {
	u := &admin{Pages: p}
	r.Get("/", u.adminDefinitions)
	r.Get("/processes/:id", u.adminProcess)
	r.Get("/versions", u.adminVersions)
	r.Get("/versions/diff", u.adminVersionDiff)
	r.Get("/versions/:hash", u.adminVersion)
	r.Get("/migrations", u.adminMigrations)
	u.registerAdminUsers(r)
	u.registerMailQuarantine(r)
	u.registerOutbox(r)
}
