package api

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/engine"
	"vorgang/core/web/internal/webkit"
)

// registerPrivacy adds the routes of data protection: data subjects'
// requests and legal hold, for holders of privacy.manage. The person
// asked about travels in the body of a POST, never in an address, so it
// is not written to access logs or browser histories.
func registerPrivacy(v1 fiber.Router, a *api) {
	v1.Post("/privacy/subjects/export", a.subjectExport)
	v1.Post("/privacy/subjects/anonymise", a.subjectAnonymise)
	v1.Post("/tickets/:number/legal-hold", a.legalHold)
}

// subjectRequest names the data subject.
type subjectRequest struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	User  string `json:"user"`
}

// subjectExport answers POST /api/v1/privacy/subjects/export: everything
// stored about the person (engine.FindSubject), as a JSON archive.
func (a *api) subjectExport(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	var req subjectRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	rep, err := a.Engine.FindSubject(c.UserContext(), p, engine.Subject{Email: req.Email, Name: req.Name, User: req.User})
	if err != nil {
		return webkit.FaultError(err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="data-subject-export.json"`)
	return c.JSON(rep)
}

// subjectAnonymise answers POST /api/v1/privacy/subjects/anonymise: the
// person's data is removed (engine.AnonymiseSubject) and the record of
// the request returned.
func (a *api) subjectAnonymise(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	var req subjectRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	rec, err := a.Engine.AnonymiseSubject(c.UserContext(), p, engine.Subject{Email: req.Email, Name: req.Name, User: req.User})
	if err != nil {
		return webkit.FaultError(err)
	}
	return c.JSON(rec)
}

// legalHoldRequest puts a ticket under legal hold or releases it.
type legalHoldRequest struct {
	Hold   bool   `json:"hold"`
	Reason string `json:"reason"`
}

// legalHold answers POST /api/v1/tickets/{number}/legal-hold.
func (a *api) legalHold(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	var req legalHoldRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	t, err := a.Engine.SetLegalHold(c.UserContext(), p, c.Params("number"), req.Hold, req.Reason)
	if err != nil {
		return webkit.FaultError(err)
	}
	m := ticketJSON(t, nil)
	m["legal_hold"] = t.LegalHold
	return c.Status(http.StatusOK).JSON(m)
}
