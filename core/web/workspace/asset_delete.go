package workspace

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/asset"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// assetDelete deletes an asset for data protection: administrators only,
// after ticking the confirmation. The admin audit log records that a
// deletion happened, not what was deleted.
func (u *workspace) assetDelete(c *fiber.Ctx) error {
	svc, err := u.assetsService()
	if err != nil {
		return err
	}
	p := pagekit.UIPrincipal(c)
	if !p.Admin {
		return &webkit.Error{Status: http.StatusForbidden, Code: webkit.CodeForbidden}
	}
	sub, err := u.ReadPost(c)
	if err != nil {
		return err
	}
	l := webkit.PageLang(c)
	if sub.First("confirm") != "yes" {
		return u.showAsset(c, http.StatusUnprocessableEntity, "", func(d *assetView) { d.DeleteErr = webkit.Text(l, "asset_delete_confirm_missing") })
	}
	err = svc.Delete(c.UserContext(), p, c.Params("number"))
	if f := fault.As(err); f != nil && f.Code == asset.CodeStillReferenced {
		msg := webkit.Text(l, "asset_delete_referenced") + " " + strings.Join(f.ParamList("assets"), ", ")
		return u.showAsset(c, http.StatusConflict, "", func(d *assetView) { d.DeleteErr = msg })
	}
	if err != nil {
		return webkit.FaultError(err)
	}
	return pagekit.SeeOther(c, "/app/assets?notice=deleted")
}

type disabledUsersView struct {
	Rows []disabledRow
}

type disabledRow struct {
	assetRow
	Relation definition.Label
	User     string
}

// assetsOfDisabledUsers is the report of the assets still assigned to
// people whose accounts are disabled: what to collect when someone left.
func (u *workspace) assetsOfDisabledUsers(c *fiber.Ctx) error {
	svc, err := u.assetsService()
	if err != nil {
		return err
	}
	p := pagekit.UIPrincipal(c)
	if err := mayReadAssets(p); err != nil {
		return err
	}
	rows, err := svc.AssignedToDisabled(c.UserContext(), p)
	if errors.Is(err, fault.Forbidden) {
		return &webkit.Error{Status: http.StatusForbidden, Code: webkit.CodeForbidden}
	}
	if err != nil {
		return webkit.FaultError(err)
	}
	cat := u.Catalog()
	var d disabledUsersView
	for _, r := range rows {
		row := disabledRow{assetRow: assetRowOf(cat, r.Asset), Relation: plainLabel(r.Relation), User: r.User}
		if cl := cat.AssetClass(r.Asset.Class); cl != nil {
			for _, rel := range cl.Relations {
				if rel.ID.Value == r.Relation {
					row.Relation = rel.Title
				}
			}
		}
		d.Rows = append(d.Rows, row)
	}
	l := webkit.PageLang(c)
	return u.Render(c, http.StatusOK, "asset_disabled_users", &pagekit.View{Lang: l, Title: webkit.Text(l, "asset_disabled_heading"), Area: "app", Nav: "assets", Data: d})
}
