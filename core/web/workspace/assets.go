package workspace

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// The asset register's pages (docs/assets.md): the list with its
// filters, the page of one asset, its edit and retirement, the import of
// a CSV file with the dry run's report, the export of the list and the
// label sheet. Every page asks core/asset, which checks asset.read and
// asset.write.

// registerAssets adds the asset pages to the staff-only group.
func (u *workspace) registerAssets(r fiber.Router) {
	r.Get("/assets", u.assetList)
	r.Get("/assets/export", u.assetExport)
	r.Get("/assets/import", u.assetImportPage)
	r.Post("/assets/import", u.assetImportSubmit)
	r.Get("/assets/labels", u.assetLabels)
	r.Get("/assets/reports/disabled-users", u.assetsOfDisabledUsers)
	r.Get("/assets/reports/reminders", u.assetReminders)
	r.Get("/assets/new", u.assetNewPage)
	r.Post("/assets/new", u.assetNewSubmit)
	r.Get("/assets/:number", u.assetPage)
	r.Get("/assets/:number/edit", u.assetEditPage)
	r.Post("/assets/:number/edit", u.assetEditSubmit)
	r.Post("/assets/:number/retire", u.assetRetire)
	r.Post("/assets/:number/delete", u.assetDelete)
}

// assetsService returns the asset service, or 404 when the server runs
// without the register.
func (u *workspace) assetsService() (*asset.Service, error) {
	if u.Assets == nil {
		return nil, &webkit.Error{Status: http.StatusNotFound, Code: webkit.CodeNotFound}
	}
	return u.Assets, nil
}

// mayReadAssets refuses a person without asset.read before anything is
// looked up.
func mayReadAssets(p *auth.Principal) error {
	if !asset.MayRead(p) {
		return &webkit.Error{Status: http.StatusForbidden, Code: webkit.CodeForbidden}
	}
	return nil
}

// assetFilter is the list's filter. Location is the query parameter
// "in": what is in a room or building.
type assetFilter struct {
	Class, Status, Location, User, Q string
}

// values are the filter as a query string, for the next page, the export
// and the label sheet.
func (f assetFilter) values() url.Values {
	v := url.Values{}
	for k, x := range map[string]string{"class": f.Class, "status": f.Status, "in": f.Location, "user": f.User, "q": f.Q} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v
}

type assetsView struct {
	Filter   assetFilter
	Classes  []option
	Statuses []option
	Rows     []assetRow
	Next     string
	// Export and ExcelExport download the list; empty without a class
	// (a CSV file has the columns of one class).
	Export      string
	ExcelExport string
	Labels      string
	CanWrite    bool
	// Unknown names a location filter that is no asset.
	Unknown bool
}

type assetRow struct {
	Number string
	Name   string
	Class  definition.Label
	Status definition.Label
}

func assetFilterOf(c *fiber.Ctx) assetFilter {
	return assetFilter{Class: c.Query("class"), Status: c.Query("status"), Location: strings.TrimSpace(c.Query("in")),
		User: strings.TrimSpace(c.Query("user")), Q: strings.TrimSpace(c.Query("q"))}
}

// query turns the filter into a search; ok is false when the location
// names no asset (nothing can be in it).
func (u *workspace) assetQuery(c *fiber.Ctx, svc *asset.Service, p *auth.Principal, f assetFilter) (asset.Query, bool, error) {
	q := asset.Query{Class: f.Class, Status: f.Status, Text: f.Q}
	if f.Location != "" {
		// Relations store a number as it was created; the filter takes it
		// in any case, as a label shows it.
		loc, err := svc.Get(c.UserContext(), p, f.Location)
		if errors.Is(err, fault.NotFound) {
			return q, false, nil
		}
		if err != nil {
			return q, false, webkit.FaultError(err)
		}
		q.Target = loc.Number
	}
	if f.User != "" {
		if q.Target == "" {
			q.Target = f.User
		} else {
			q.AlsoTargets = []string{f.User}
		}
	}
	return q, true, nil
}

func (u *workspace) assetList(c *fiber.Ctx) error {
	svc, err := u.assetsService()
	if err != nil {
		return err
	}
	p := pagekit.UIPrincipal(c)
	if err := mayReadAssets(p); err != nil {
		return err
	}
	l := webkit.PageLang(c)
	cat := u.Catalog()
	f := assetFilterOf(c)
	if f.Class != "" && cat.AssetClass(f.Class) == nil {
		f.Class = ""
	}
	d := assetsView{Filter: f, CanWrite: asset.MayWrite(p)}
	q, found, err := u.assetQuery(c, svc, p, f)
	if err != nil {
		return err
	}
	d.Unknown = !found
	if found {
		q.After, q.Limit = c.Query("after"), 50
		rows, next, err := svc.Search(c.UserContext(), p, q)
		if err != nil {
			return webkit.FaultError(err)
		}
		for _, h := range rows {
			d.Rows = append(d.Rows, assetRowOf(cat, h))
		}
		if next != "" {
			v := f.values()
			v.Set("after", next)
			d.Next = "/app/assets?" + v.Encode()
		}
	}
	if f.Class != "" {
		d.Export = "/app/assets/export?" + f.values().Encode()
		v := f.values()
		v.Set("format", "excel")
		d.ExcelExport = "/app/assets/export?" + v.Encode()
	}
	d.Labels = "/app/assets/labels?" + f.values().Encode()
	seen := map[string]bool{}
	for _, cl := range cat.AssetClasses() {
		d.Classes = append(d.Classes, option{Value: cl.ID.Value, Label: cl.Title, Selected: cl.ID.Value == f.Class})
		if f.Class != "" && cl.ID.Value != f.Class {
			continue
		}
		for _, s := range cl.Statuses {
			if !seen[s.ID.Value] {
				seen[s.ID.Value] = true
				d.Statuses = append(d.Statuses, option{Value: s.ID.Value, Label: s.Title, Selected: s.ID.Value == f.Status})
			}
		}
	}
	return u.Render(c, http.StatusOK, "assets", &pagekit.View{Lang: l, Title: webkit.Text(l, "assets_heading"), Area: "app", Nav: "assets",
		Notice: assetNotice(l, c.Query("notice")), Data: d})
}

func assetRowOf(cat *definition.Catalog, h asset.Head) assetRow {
	r := assetRow{Number: h.Number, Name: h.Name, Class: plainLabel(h.Class), Status: plainLabel(h.Status)}
	if cl := cat.AssetClass(h.Class); cl != nil {
		r.Class = cl.Title
		r.Status = statusLabel(cl, h.Status)
	}
	return r
}

// statusLabel is the title of a status of the class, or its id.
func statusLabel(cl *definition.AssetClass, id string) definition.Label {
	for _, s := range cl.Statuses {
		if s.ID.Value == id {
			return s.Title
		}
	}
	return plainLabel(id)
}

func plainLabel(s string) definition.Label { return definition.Label{De: s, En: s} }

// assetExport downloads the list as a CSV file of its class, in the
// format of the import (or for Excel).
func (u *workspace) assetExport(c *fiber.Ctx) error {
	svc, err := u.assetsService()
	if err != nil {
		return err
	}
	p := pagekit.UIPrincipal(c)
	if err := mayReadAssets(p); err != nil {
		return err
	}
	excel, err := asset.ParseExportFormat(c.Query("format"))
	if err != nil {
		return webkit.FaultError(err)
	}
	f := assetFilterOf(c)
	q, found, err := u.assetQuery(c, svc, p, f)
	if err != nil {
		return err
	}
	if !found {
		// Nothing is in an unknown place: the header alone.
		q.Target = "\x00"
	}
	var buf bytes.Buffer
	if err := svc.ExportWith(c.UserContext(), p, &buf, q, asset.ExportOptions{Excel: excel, Lang: string(webkit.PageLang(c))}); err != nil {
		return webkit.FaultError(err)
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", q.Class+".csv"))
	return c.Send(buf.Bytes())
}
