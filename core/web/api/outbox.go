package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/engine"
	"vorgang/core/web/internal/webkit"
)

// The outbox of the API (/api/v1/outbox…) and the test delivery of a
// webhook: what the admin outbox page shows and does, for monitoring
// scripts. The engine decides who may (administrators).

func registerOutbox(v1 fiber.Router, a *api) {
	v1.Get("/outbox", a.listOutbox)
	v1.Post("/outbox/retry", a.changeOutbox("retry"))
	v1.Post("/outbox/discard", a.changeOutbox("discard"))
	v1.Post("/webhooks/:id/test", a.testWebhook)
}

// outboxJSON is an outbox item as the API shows it.
type outboxJSON struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Ticket    string    `json:"ticket,omitempty"`
	Target    string    `json:"target,omitempty"`
	State     string    `json:"state"`
	Attempts  int       `json:"attempts"`
	NextAt    string    `json:"next_at,omitempty"`
	LastError string    `json:"last_error,omitempty"`
	Created   time.Time `json:"created"`
}

func toOutboxJSON(e *engine.OutboxEntry) outboxJSON {
	o := outboxJSON{ID: e.ID, Kind: e.Kind, Ticket: e.Ticket, Target: e.Target, State: e.State, Attempts: e.Attempts,
		LastError: e.LastError, Created: e.Created}
	if due, ok := dueJSON(e.NextAt).(string); ok && e.State == engine.OutboxPending {
		o.NextAt = due
	}
	return o
}

func (a *api) listOutbox(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	q := engine.OutboxQuery{State: c.Query("state", engine.OutboxPending), Kind: c.Query("kind"), After: c.Query("after"),
		Limit: c.QueryInt("limit", 50)}
	entries, next, err := a.Engine.Outbox(c.UserContext(), p, q)
	if err != nil {
		return webkit.FaultError(err)
	}
	items := make([]outboxJSON, len(entries))
	for i := range entries {
		items[i] = toOutboxJSON(&entries[i])
	}
	return c.JSON(fiber.Map{"items": items, "next": next})
}

type outboxRequest struct {
	ID string `json:"id"`
}

func (a *api) changeOutbox(what string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := staff(c)
		if err != nil {
			return err
		}
		var req outboxRequest
		if err := bind(c, &req); err != nil {
			return err
		}
		var e *engine.OutboxEntry
		if what == "retry" {
			e, err = a.Engine.RetryOutbox(c.UserContext(), p, req.ID)
		} else {
			e, err = a.Engine.DiscardOutbox(c.UserContext(), p, req.ID)
		}
		if err != nil {
			return webkit.FaultError(err)
		}
		return c.JSON(toOutboxJSON(e))
	}
}

func (a *api) testWebhook(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	e, err := a.Engine.TestWebhook(c.UserContext(), p, c.Params("id"))
	if err != nil {
		return webkit.FaultError(err)
	}
	return c.Status(fiber.StatusAccepted).JSON(toOutboxJSON(e))
}
