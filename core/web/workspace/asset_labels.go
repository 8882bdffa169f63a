package workspace

import (
	"html/template"
	"net/http"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/asset"
	"vorgang/core/definition"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// maxLabels bounds one label sheet: a few pages of A4 labels, and a
// request that cannot make the server draw the whole register.
const maxLabels = asset.MaxPage

type labelsView struct {
	Labels []assetLabel
	// More: the selection had more assets than one sheet holds.
	More bool
	Back string
}

type assetLabel struct {
	Number string
	Name   string
	Class  definition.Label
	URL    string
	QR     template.HTML
}

// assetLabels is a sheet of labels to print: per asset its inventory
// number as a QR code linking to the asset's page at the configured
// address, with the number and name in plain text. The assets are the
// ones ticked in the list (number=…) or, without any, the list's filter.
func (u *workspace) assetLabels(c *fiber.Ctx) error {
	svc, err := u.assetsService()
	if err != nil {
		return err
	}
	p := pagekit.UIPrincipal(c)
	if err := mayReadAssets(p); err != nil {
		return err
	}
	ctx := c.UserContext()
	cat := u.Catalog()
	l := webkit.PageLang(c)
	var heads []asset.Head
	d := labelsView{Back: "/app/assets"}
	numbers := c.Context().QueryArgs().PeekMulti("number")
	if len(numbers) > 0 {
		for i, n := range numbers {
			if i == maxLabels {
				d.More = true
				break
			}
			a, err := svc.Get(ctx, p, string(n))
			if err != nil {
				continue // gone or mistyped: the sheet shows the others
			}
			heads = append(heads, asset.Head{Number: a.Number, Class: a.Class, Name: a.Name})
		}
	} else {
		f := assetFilterOf(c)
		d.Back = "/app/assets?" + f.values().Encode()
		q, found, err := u.assetQuery(c, svc, p, f)
		if err != nil {
			return err
		}
		if found {
			q.Limit = maxLabels
			var next string
			if heads, next, err = svc.Search(ctx, p, q); err != nil {
				return webkit.FaultError(err)
			}
			d.More = next != ""
		}
	}
	base := webkit.PublicBase(c, u.BaseURL)
	for _, h := range heads {
		lb := assetLabel{Number: h.Number, Name: h.Name, Class: plainLabel(h.Class), URL: base + "/app/assets/" + url.PathEscape(h.Number)}
		if cl := cat.AssetClass(h.Class); cl != nil {
			lb.Class = cl.Title
		}
		if lb.QR, err = qrSVG(lb.URL, webkit.Text(l, "asset_label_qr")+" "+h.Number); err != nil {
			return err
		}
		d.Labels = append(d.Labels, lb)
	}
	return u.Render(c, http.StatusOK, "asset_labels", &pagekit.View{Lang: l, Title: webkit.Text(l, "asset_labels_heading"), Area: "app", Nav: "assets", Data: d})
}
