package api

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/asset"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/web/internal/webkit"
)

// registerAssets adds the asset routes (docs/assets.md).
func registerAssets(v1 fiber.Router, a *api) {
	v1.Get("/asset-classes", a.assetClasses)
	v1.Get("/assets", a.listAssets)
	v1.Post("/assets", a.createAsset)
	v1.Get("/assets/export", a.exportAssets)
	v1.Post("/assets/import", a.importAssets)
	v1.Get("/assets/:number", a.getAsset)
	v1.Patch("/assets/:number", a.updateAsset)
	v1.Post("/assets/:number/retire", a.retireAsset)
	v1.Delete("/assets/:number", a.deleteAsset)
	v1.Get("/asset-reports/disabled-users", a.assetsOfDisabledUsers)
	v1.Get("/asset-reports/reminders", a.assetReminders)
	v1.Get("/assets/:number/tickets", a.assetTickets)
	v1.Post("/assets/:number/tickets", a.linkAssetTicket)
}

type assetClassJSON struct {
	ID        string           `json:"id"`
	Title     string           `json:"title"`
	Statuses  []fiber.Map      `json:"statuses"`
	Relations []fiber.Map      `json:"relations"`
	Fields    []map[string]any `json:"fields"`
}

func (a *api) assetClasses(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	if !asset.MayRead(p) {
		return &webkit.Error{Status: http.StatusForbidden, Code: webkit.CodeForbidden}
	}
	lang := langOf(c)
	out := []assetClassJSON{}
	for _, cl := range a.Catalog().AssetClasses() {
		j := assetClassJSON{ID: cl.ID.Value, Title: cl.Title.In(lang), Statuses: []fiber.Map{}, Relations: []fiber.Map{}, Fields: []map[string]any{}}
		for _, s := range cl.Statuses {
			j.Statuses = append(j.Statuses, fiber.Map{"id": s.ID.Value, "title": s.Title.In(lang)})
		}
		for _, r := range cl.Relations {
			j.Relations = append(j.Relations, fiber.Map{"id": r.ID.Value, "title": r.Title.In(lang), "target": r.Target, "asset_class": r.AssetClass.Value, "many": r.Many})
		}
		for _, f := range cl.Fields {
			j.Fields = append(j.Fields, map[string]any{"id": f.ID.Value, "type": f.Type, "label": f.Label.In(lang), "required": f.Required})
		}
		out = append(out, j)
	}
	return c.JSON(fiber.Map{"asset_classes": out})
}

func assetJSON(x *asset.Asset, history bool) fiber.Map {
	m := fiber.Map{
		"number": x.Number, "class": x.Class, "name": x.Name, "status": x.Status, "version": x.Version,
		"data": x.Data, "relations": x.Relations,
		"created": x.Created, "created_by": x.CreatedBy, "updated": x.Updated, "updated_by": x.UpdatedBy,
	}
	if history {
		h := x.History
		if h == nil {
			h = []asset.Change{}
		}
		m["history"] = h
	}
	return m
}

func (a *api) listAssets(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	limit, _ := strconv.Atoi(c.Query("limit"))
	rows, next, err := a.Assets.Search(c.UserContext(), p, asset.Query{
		Class: c.Query("class"), Status: c.Query("status"), Text: c.Query("q"),
		Target: c.Query("target"), Relation: c.Query("relation"), After: c.Query("after"), Limit: limit,
	})
	if err != nil {
		return webkit.FaultError(err)
	}
	if rows == nil {
		rows = []asset.Head{}
	}
	return c.JSON(fiber.Map{"assets": rows, "next": next})
}

// assetRequest is the body of a create or an edit. On an edit, absent
// name and status keep their values, data is merged (null removes a
// field) and relations replace the relations they name.
type assetRequest struct {
	Class     string              `json:"class"`
	Number    string              `json:"number"`
	Version   int64               `json:"version"`
	Name      *string             `json:"name"`
	Status    *string             `json:"status"`
	Data      map[string]any      `json:"data"`
	Relations map[string][]string `json:"relations"`
}

func (r assetRequest) input(lang string) asset.Input {
	return asset.Input{Class: r.Class, Number: r.Number, Name: r.Name, Status: r.Status, Data: r.Data, Relations: r.Relations, Lang: lang}
}

func (a *api) createAsset(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	var req assetRequest
	if err := bindStrict(c, &req); err != nil {
		return err
	}
	x, err := a.Assets.Create(c.UserContext(), p, req.input(langOf(c)))
	if err != nil {
		return webkit.FaultError(err)
	}
	c.Location("/api/v1/assets/" + x.Number)
	return c.Status(http.StatusCreated).JSON(assetJSON(x, true))
}

func (a *api) getAsset(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	x, err := a.Assets.Get(c.UserContext(), p, c.Params("number"))
	if err != nil {
		return webkit.FaultError(err)
	}
	return c.JSON(assetJSON(x, true))
}

func (a *api) updateAsset(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	var req assetRequest
	if err := bindStrict(c, &req); err != nil {
		return err
	}
	x, err := a.Assets.Update(c.UserContext(), p, c.Params("number"), req.Version, req.input(langOf(c)))
	if err != nil {
		return webkit.FaultError(err)
	}
	return c.JSON(assetJSON(x, true))
}

func (a *api) retireAsset(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	var req assetRequest
	if err := bindStrict(c, &req); err != nil {
		return err
	}
	x, err := a.Assets.Retire(c.UserContext(), p, c.Params("number"), req.Version, langOf(c))
	if err != nil {
		return webkit.FaultError(err)
	}
	return c.JSON(assetJSON(x, true))
}

// deleteAsset deletes an asset for data protection (administrators only;
// see asset.Service.Delete).
func (a *api) deleteAsset(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	if err := a.Assets.Delete(c.UserContext(), p, c.Params("number")); err != nil {
		return webkit.FaultError(err)
	}
	return c.SendStatus(http.StatusNoContent)
}

// assetsOfDisabledUsers is the report of the assets still assigned to
// disabled users.
func (a *api) assetsOfDisabledUsers(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	rows, err := a.Assets.AssignedToDisabled(c.UserContext(), p)
	if err != nil {
		return webkit.FaultError(err)
	}
	if rows == nil {
		rows = []asset.Assignment{}
	}
	return c.JSON(fiber.Map{"assignments": rows})
}

// assetReminders lists the end dates due (asset.Service.Reminders).
func (a *api) assetReminders(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	rows, err := a.Assets.Reminders(c.UserContext(), p)
	if err != nil {
		return webkit.FaultError(err)
	}
	if rows == nil {
		rows = []asset.Reminder{}
	}
	return c.JSON(fiber.Map{"reminders": rows})
}

func (a *api) exportAssets(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	excel, err := asset.ParseExportFormat(c.Query("format"))
	if err != nil {
		return webkit.FaultError(err)
	}
	var buf bytes.Buffer
	q := asset.Query{Class: c.Query("class"), Status: c.Query("status"), Text: c.Query("q"), Target: c.Query("target"), Relation: c.Query("relation")}
	if err := a.Assets.ExportWith(c.UserContext(), p, &buf, q, asset.ExportOptions{Excel: excel, Lang: langOf(c)}); err != nil {
		return webkit.FaultError(err)
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", q.Class+".csv"))
	return c.Send(buf.Bytes())
}

// importAssets reads a CSV body. A file with bad rows is answered 422
// with one field error per problem, field "LINE:COLUMN"; nothing is
// written then. A clean dry run or import answers 200 with the report.
func (a *api) importAssets(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	// Anything but a known yes or no is refused before the file is read:
	// an unknown word taken as "no" imported for real.
	dry, err := asset.ParseDryRun(c.Query("dry_run"))
	if err != nil {
		return webkit.FaultError(err)
	}
	rep, err := a.Assets.Import(c.UserContext(), p, bytes.NewReader(c.Body()), asset.ImportOptions{Class: c.Query("class"), DryRun: dry, Lang: langOf(c)})
	if err != nil {
		return webkit.FaultError(err)
	}
	if len(rep.Errors) > 0 {
		out := &webkit.Error{Status: http.StatusUnprocessableEntity, Code: "import_failed"}
		for _, e := range rep.Errors {
			out.Fields = append(out.Fields, fault.FieldError{Field: fmt.Sprintf("%d:%s", e.Line, e.Column), Code: e.Code, Message: e.Message})
		}
		return out
	}
	return c.JSON(rep)
}

type linkedTicketJSON struct {
	Number   string `json:"number"`
	Process  string `json:"process"`
	Title    string `json:"title"`
	State    string `json:"state"`
	LinkedAt any    `json:"linked_at"`
	LinkedBy string `json:"linked_by"`
}

// assetTickets lists the tickets linked to an asset that the caller may
// see and that confirm the link (see asset.LinkTicket).
func (a *api) assetTickets(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	number := c.Params("number")
	refs, err := a.Assets.Tickets(c.UserContext(), p, number)
	if err != nil {
		return webkit.FaultError(err)
	}
	out := []linkedTicketJSON{}
	for _, r := range refs {
		t, err := a.Engine.Ticket(c.UserContext(), p, r.Number)
		if errors.Is(err, fault.NotFound) {
			continue
		}
		if err != nil {
			return webkit.FaultError(err)
		}
		if !engine.Links(t, engine.LinkKindAsset, number) {
			continue
		}
		out = append(out, linkedTicketJSON{Number: t.Number, Process: t.Process, Title: t.Title, State: t.State, LinkedAt: r.At, LinkedBy: r.Actor})
	}
	return c.JSON(fiber.Map{"tickets": out})
}

type linkRequest struct {
	Ticket string `json:"ticket"`
}

// linkAssetTicket links a ticket to the asset: the asset side first, then
// the ticket with a history entry.
func (a *api) linkAssetTicket(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	var req linkRequest
	if err := bindStrict(c, &req); err != nil {
		return err
	}
	if req.Ticket == "" {
		return &webkit.Error{Status: http.StatusBadRequest, Code: webkit.CodeBadRequest, Fields: []fault.FieldError{{Field: "ticket", Code: "required"}}}
	}
	t, err := a.Engine.LinkAsset(c.UserContext(), p, req.Ticket, 0, c.Params("number"))
	if err != nil {
		return webkit.FaultError(err)
	}
	return c.Status(http.StatusCreated).JSON(ticketJSON(t, nil))
}
