package workspace

import (
	"github.com/gofiber/fiber/v2"

	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// workspace serves the staff workspace over the shared page machinery.
type workspace struct {
	*pagekit.Pages
	// clients tells where a request comes from, for login throttling.
	clients webkit.Clients
}

// Register adds the workspace's pages to r, the /app group: first the
// pages without a sign-in (login, sign-on, reset links), then, behind
// requireStaff, the rest. The order matters: Fiber runs handlers in the
// order they were added.
func Register(r fiber.Router, requireStaff fiber.Handler, p *pagekit.Pages, clients webkit.Clients) {
	u := &workspace{Pages: p, clients: clients}
	r.Get("/login", u.loginPage)
	r.Post("/login", u.loginSubmit)
	r.Post("/logout", u.logout)
	r.Post("/login/code", u.loginCodeSubmit)
	u.registerSignOn(r)
	u.registerPasswordPage(r)
	staffOnly := r.Group("", requireStaff)
	staffOnly.Get("/two-factor", u.twoFactorPage)
	staffOnly.Post("/two-factor", u.twoFactorSubmit)
	staffOnly.Get("/", u.inbox)
	staffOnly.Get("/export", u.inboxExportFile)
	staffOnly.Get("/dashboard", u.dashboard)
	staffOnly.Get("/new", u.newCatalog)
	staffOnly.Get("/new/:process", u.staffForm)
	staffOnly.Post("/new/:process", u.staffSubmit)
	staffOnly.Post("/forms/:form/compute", u.staffCompute)
	staffOnly.Get("/tickets/:number", u.ticketPage)
	staffOnly.Get("/tickets/:number/transitions/:transition", u.transitionPage)
	staffOnly.Post("/tickets/:number/transitions/:transition", u.transitionSubmit)
	staffOnly.Post("/tickets/:number/comments", u.commentSubmit)
	staffOnly.Post("/tickets/:number/assign", u.assignSubmit)
	staffOnly.Post("/tickets/:number/decision", u.decisionSubmit)
	staffOnly.Post("/tickets/:number/legal-hold", u.legalHoldSubmit)
	staffOnly.Get("/tickets/:number/files/:id", u.ticketFile)
	u.registerAccount(staffOnly)
	staffOnly.Get("/search", u.searchPage)
	u.registerKnowledge(staffOnly)
	u.registerAssets(staffOnly)
	u.registerReports(staffOnly)
}
