package portal

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/web/internal/webkit"
)

// portalCompute answers for a form citizens fill in: the form of a process
// open to citizens, or of a follow-up of one.
func (u *portal) portalCompute(c *fiber.Ctx) error {
	id := c.Params("form")
	public := false
	for _, p := range u.Catalog().Processes() {
		if p.Form.Value != id {
			continue
		}
		if engine.MayOpen(nil, p) || citizenFollowUp(u.Catalog(), p) {
			public = true
			break
		}
	}
	if !public {
		// Not found, whether it exists or not: staff forms are no
		// citizen's business.
		return &webkit.Error{Status: http.StatusNotFound, Code: webkit.CodeNotFound}
	}
	return u.Compute(c, id)
}

// citizenFollowUp reports whether p is a follow-up citizens make on the
// status page of their request.
func citizenFollowUp(cat *definition.Catalog, p *definition.Process) bool {
	if p.FollowUp == nil {
		return false
	}
	of := cat.Process(p.FollowUp.Of.Value)
	return of != nil && engine.MayOpen(nil, of)
}
