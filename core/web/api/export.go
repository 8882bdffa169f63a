package api

import (
	"context"
	"io"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/engine"
	"vorgang/core/web/internal/webkit"
)

// exportTickets answers GET /export/tickets: every ticket of the list
// GET /tickets selects with the same parameters (paging aside), as CSV
// or XLSX, streamed.
func (a *api) exportTickets(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	format, err := engine.ParseExportFormat(c.Query("format"))
	if err != nil {
		return webkit.FaultError(err)
	}
	q, err := ticketQuery(c, p)
	if err != nil {
		return err
	}
	if err := engine.MayList(p, q); err != nil {
		return webkit.FaultError(err)
	}
	return webkit.StreamFile(c, engine.ExportContentType(format), "tickets"+engine.ExportExtension(format), func(ctx context.Context, w io.Writer) {
		_, _ = a.Engine.ExportTickets(ctx, p, q, format, w)
	})
}
