package api

import (
	"github.com/gofiber/fiber/v2"

	"vorgang/core/knowledge"
	"vorgang/core/web/internal/webkit"
)

// The review step of the knowledge base (docs/knowledge.md): the articles
// waiting for the caller's approval, and the decisions on a waiting
// version.

func (a *api) articlesPending(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	list, err := a.Knowledge.AwaitingApproval(c.UserContext(), p)
	if err != nil {
		return webkit.FaultError(err)
	}
	out := make([]fiber.Map, 0, len(list))
	for i := range list {
		h := articleHead(&list[i])
		h["pending"] = fiber.Map{"version": list[i].Pending.Version, "author": list[i].Pending.Author, "at": list[i].Pending.At}
		out = append(out, h)
	}
	return c.JSON(fiber.Map{"total": len(out), "articles": out})
}

// articleDecisionRequest names the waiting version decided on; a version saved
// since is answered 409.
type articleDecisionRequest struct {
	Version int64 `json:"version"`
}

func (a *api) approveArticle(c *fiber.Ctx) error { return a.decideArticle(c, knowledge.Approved) }

func (a *api) rejectArticle(c *fiber.Ctx) error { return a.decideArticle(c, knowledge.Rejected) }

func (a *api) decideArticle(c *fiber.Ctx, decision string) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	var req articleDecisionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	var x *knowledge.Article
	if decision == knowledge.Approved {
		x, err = a.Knowledge.Approve(c.UserContext(), p, c.Params("number"), req.Version)
	} else {
		x, err = a.Knowledge.Reject(c.UserContext(), p, c.Params("number"), req.Version)
	}
	if err != nil {
		return webkit.FaultError(err)
	}
	m, err := articleJSON(x, true)
	if err != nil {
		return err
	}
	return c.JSON(m)
}
