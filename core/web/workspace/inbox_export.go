package workspace

import (
	"context"
	"io"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/engine"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// The export of an inbox list: every ticket of the list with its
// filters (not only the page shown), as CSV or XLSX, streamed. A plain
// link on the list page, so it works without JavaScript.

// inboxExport is the query of the list's export links, without a format.
func inboxExport(f inboxFilter) string {
	v := url.Values{"view": {f.View}}
	for k, x := range map[string]string{"team": f.Team, "process": f.Process, "state": f.State, "priority": f.Priority, "q": f.Q} {
		if x != "" && (k != "team" || f.View == "team") {
			v.Set(k, x)
		}
	}
	return "/app/export?" + v.Encode()
}

func (u *workspace) inboxExportFile(c *fiber.Ctx) error {
	actor := pagekit.UIPrincipal(c)
	format, err := engine.ParseExportFormat(c.Query("format"))
	if err != nil {
		return webkit.FaultError(err)
	}
	_, q, err := u.inboxQuery(c)
	if err != nil {
		return err
	}
	if err := engine.MayList(actor, q); err != nil {
		return webkit.FaultError(err)
	}
	return webkit.StreamFile(c, engine.ExportContentType(format), "vorgaenge"+engine.ExportExtension(format), func(ctx context.Context, w io.Writer) {
		_, _ = u.Engine.ExportTickets(ctx, actor, q, format, w)
	})
}
