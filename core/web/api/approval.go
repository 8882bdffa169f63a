package api

import (
	"github.com/gofiber/fiber/v2"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/web/internal/webkit"
)

type decisionRequest struct {
	Version int64  `json:"version"`
	Comment string `json:"comment"`
	Reason  string `json:"reason"`
}

// approve gives the caller's approval to the step the ticket waits for.
func (a *api) approve(c *fiber.Ctx) error { return a.decide(c, true) }

// reject turns the pending approval down; a reason is required.
func (a *api) reject(c *fiber.Ctx) error { return a.decide(c, false) }

func (a *api) decide(c *fiber.Ctx, approve bool) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	var req decisionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	text := req.Comment
	if !approve || req.Reason != "" && text == "" {
		// An approval by an administrator's override needs a reason,
		// sent as either.
		text = req.Reason
	}
	t, err := a.Engine.Decide(c.UserContext(), p, c.Params("number"), req.Version, approve, text, langOf(c))
	if err != nil {
		return a.explainedError(c, p, err)
	}
	return c.JSON(ticketJSON(t, nil))
}

// explainedError maps an engine error of a request on the ticket in the
// path; a refusal's sentence names the roles, states and fields of the
// ticket's process by their titles.
func (a *api) explainedError(c *fiber.Ctx, actor *auth.Principal, err error) error {
	var cat *definition.Catalog
	if a.Catalog != nil {
		cat = a.Catalog()
	}
	return webkit.ExplainedFor(c.UserContext(), a.Engine, cat, actor, c.Params("number"), webkit.FaultError(err))
}
