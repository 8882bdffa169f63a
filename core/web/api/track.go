package api

import (
	"github.com/gofiber/fiber/v2"

	"vorgang/core/web/internal/webkit"
)

// track answers GET /api/v1/track/:token: what the citizen's tracking page
// shows, as JSON, for anyone who holds the secret link — the same view
// (engine.Tracked), so the page and the API never disagree about which
// fields are public.
func (a *api) track(c *fiber.Ctx) error {
	pv, err := a.Engine.Tracked(c.UserContext(), c.Params("token"))
	if err != nil {
		return webkit.FaultError(err)
	}
	l := webkit.RequestLang(c)
	t := pv.Ticket
	fields := make([]fiber.Map, 0, len(pv.Fields))
	for _, f := range pv.Fields {
		fields = append(fields, fiber.Map{"id": f.ID.Value, "label": f.Label.In(string(l))})
	}
	timeline := make([]fiber.Map, 0, len(pv.Timeline))
	for _, e := range pv.Timeline {
		entry := fiber.Map{"at": e.At, "kind": e.Kind, "from_requester": e.FromRequester}
		if e.State != "" {
			entry["state"] = webkit.StateTitle(pv.Process, e.State, true).In(string(l))
		}
		if e.Text != "" {
			entry["text"] = e.Text
		}
		timeline = append(timeline, entry)
	}
	process := ""
	if pv.Process != nil {
		process = pv.Process.Title.In(string(l))
	}
	data := webkit.PlainMap(pv.Data)
	if data == nil {
		data = map[string]any{}
	}
	return c.JSON(fiber.Map{"number": t.Number, "process": process, "state": webkit.StateTitle(pv.Process, t.State, true).In(string(l)),
		"created": t.Created, "data": data, "fields": fields, "timeline": timeline})
}
