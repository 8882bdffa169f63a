package workspace

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/definition"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

type remindersView struct {
	Rows []reminderRow
}

type reminderRow struct {
	assetRow
	Field definition.Label
	What  definition.Label
	Date  string
}

// assetReminders lists the end dates the reminder job found near or past
// (warranties, contracts, inspections), earliest first.
func (u *workspace) assetReminders(c *fiber.Ctx) error {
	svc, err := u.assetsService()
	if err != nil {
		return err
	}
	p := pagekit.UIPrincipal(c)
	if err := mayReadAssets(p); err != nil {
		return err
	}
	list, err := svc.Reminders(c.UserContext(), p)
	if err != nil {
		return webkit.FaultError(err)
	}
	cat := u.Catalog()
	var d remindersView
	for _, r := range list {
		row := reminderRow{assetRow: assetRow{Number: r.Number, Name: r.Name, Class: plainLabel(r.Class)}, Field: plainLabel(r.Field), Date: r.Date}
		if cl := cat.AssetClass(r.Class); cl != nil {
			row.Class = cl.Title
			for _, f := range cl.Fields {
				if f.ID.Value == r.Field {
					row.Field = f.Label
				}
			}
			for _, rem := range cl.Reminders {
				if rem.Field.Value == r.Field {
					row.What = rem.Title
				}
			}
		}
		if row.What.IsZero() {
			row.What = row.Field
		}
		d.Rows = append(d.Rows, row)
	}
	l := webkit.PageLang(c)
	return u.Render(c, http.StatusOK, "asset_reminders", &pagekit.View{Lang: l, Title: webkit.Text(l, "asset_reminders_heading"), Area: "app", Nav: "assets", Data: d})
}
