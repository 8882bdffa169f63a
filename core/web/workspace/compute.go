package workspace

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// staffCompute answers for a form of the workspace: of a process the
// person may open, or of a transition.
func (u *workspace) staffCompute(c *fiber.Ctx) error {
	id := c.Params("form")
	if !staffForm(u.Catalog(), pagekit.UIPrincipal(c), id) {
		if u.Catalog().Form(id) == nil {
			return &webkit.Error{Status: http.StatusNotFound, Code: webkit.CodeNotFound}
		}
		return &webkit.Error{Status: http.StatusForbidden, Code: webkit.CodeForbidden}
	}
	return u.Compute(c, id)
}

func staffForm(cat *definition.Catalog, actor *auth.Principal, id string) bool {
	for _, p := range cat.Processes() {
		if p.Form.Value == id && engine.MayOpen(actor, p) {
			return true
		}
		for _, tr := range p.Transitions {
			if tr.Form.Value == id {
				return true
			}
		}
	}
	return false
}
