package workspace

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// assetView is the data of an asset's page.
type assetView struct {
	A       *asset.Asset
	Class   definition.Label
	Status  definition.Label
	Retired bool
	Fields  []pagekit.DataField
	// Relations are the asset's own relations, Referrers the assets whose
	// relations point at it (what is in this room), at most one page;
	// MoreReferrers links the list of all of them.
	Relations     []relationView
	Referrers     []referrerRow
	MoreReferrers string
	// Tickets are the linked tickets the viewer may see; Hidden counts
	// those the viewer may not.
	Tickets  []linkedTicketRow
	Hidden   int
	History  []historyRow
	CanWrite bool
	// StillReferenced are the assets a retirement just left pointing at
	// this one (the warning of the retire step).
	StillReferenced []assetRow
	// RetireErr says why a retirement was refused.
	RetireErr string
	// CanDelete: the viewer is an administrator, who may delete the asset
	// for data protection; DeleteErr says why a deletion was refused.
	CanDelete bool
	DeleteErr string
	Edit      string
	Labels    string
}

type relationView struct {
	Title   definition.Label
	Targets []targetLink
}

type targetLink struct {
	Text string
	Name string
	URL  string
}

type referrerRow struct {
	assetRow
	Relation definition.Label
}

type linkedTicketRow struct {
	Number string
	Title  string
	State  definition.Label
	At     time.Time
	By     string
}

type historyRow struct {
	At      time.Time
	Actor   string
	Type    string
	Changes []changeRow
}

type changeRow struct {
	Field    definition.Label
	Old, New string
}

func (u *workspace) assetPage(c *fiber.Ctx) error {
	return u.showAsset(c, http.StatusOK, assetNotice(webkit.PageLang(c), c.Query("notice")), nil)
}

// assetNotice is the notice after a post that sent the browser here.
func assetNotice(l webkit.Lang, key string) string {
	switch key {
	case "created", "changed", "retired", "deleted":
		return webkit.Text(l, "asset_notice_"+key)
	}
	return ""
}

// showAsset renders an asset's page; adjust fills in what a post gives
// back (a retirement's warning or refusal).
func (u *workspace) showAsset(c *fiber.Ctx, status int, notice string, adjust func(*assetView)) error {
	svc, err := u.assetsService()
	if err != nil {
		return err
	}
	p := pagekit.UIPrincipal(c)
	if err := mayReadAssets(p); err != nil {
		return err
	}
	ctx := c.UserContext()
	a, err := svc.Get(ctx, p, c.Params("number"))
	if err != nil {
		return webkit.FaultError(err)
	}
	l := webkit.PageLang(c)
	cat := u.Catalog()
	cl := cat.AssetClass(a.Class)
	base := "/app/assets/" + url.PathEscape(a.Number)
	d := assetView{A: a, Class: plainLabel(a.Class), Status: plainLabel(a.Status), CanWrite: asset.MayWrite(p), CanDelete: p.Admin,
		Edit: base + "/edit", Labels: "/app/assets/labels?number=" + url.QueryEscape(a.Number)}
	var fields []definition.Field
	if cl != nil {
		d.Class, d.Status, d.Retired = cl.Title, statusLabel(cl, a.Status), a.Status == asset.RetiredStatus(cl)
		fields = cl.Fields
		d.Relations = u.relationViews(ctx, svc, p, cl, a)
	}
	d.Fields = pagekit.DataDescriber{Lang: l, Names: func(id string) string { return id }, FileURL: func(string) string { return "" }}.Describe(fields, webkit.PlainMap(a.Data))
	if d.Referrers, d.MoreReferrers, err = u.referrerRows(ctx, svc, p, cat, a.Number); err != nil {
		return err
	}
	if d.Tickets, d.Hidden, err = u.linkedTickets(ctx, svc, p, a.Number); err != nil {
		return err
	}
	for i := len(a.History) - 1; i >= 0; i-- {
		d.History = append(d.History, historyRowOf(l, cl, a.History[i]))
	}
	if adjust != nil {
		adjust(&d)
	}
	return u.Render(c, status, "asset", &pagekit.View{Lang: l, Title: a.Number + " – " + a.Name, Area: "app", Nav: "assets",
		Notice: notice, HasErrors: d.RetireErr != "" || d.DeleteErr != "", Data: d})
}

// relationViews are the targets of the asset's relations as links: an
// asset to its page, a person to the list of what is assigned to them.
func (u *workspace) relationViews(ctx context.Context, svc *asset.Service, p *auth.Principal, cl *definition.AssetClass, a *asset.Asset) []relationView {
	var out []relationView
	for _, r := range cl.Relations {
		targets := a.Relations[r.ID.Value]
		if len(targets) == 0 {
			continue
		}
		rv := relationView{Title: r.Title}
		for _, t := range targets {
			link := targetLink{Text: t}
			switch r.Target {
			case "asset":
				link.URL = "/app/assets/" + url.PathEscape(t)
				if x, err := svc.Get(ctx, p, t); err == nil {
					link.Name = x.Name
				}
			case "user":
				link.URL = "/app/assets?user=" + url.QueryEscape(t)
			}
			rv.Targets = append(rv.Targets, link)
		}
		out = append(out, rv)
	}
	return out
}

// referrerRows are the assets whose relations point at number, with the
// relation's title; more links the whole list when there is more than one
// page.
func (u *workspace) referrerRows(ctx context.Context, svc *asset.Service, p *auth.Principal, cat *definition.Catalog, number string) ([]referrerRow, string, error) {
	heads, next, err := svc.Search(ctx, p, asset.Query{Target: number, Limit: 100})
	if err != nil {
		return nil, "", webkit.FaultError(err)
	}
	var out []referrerRow
	for _, h := range heads {
		row := referrerRow{assetRow: assetRowOf(cat, h)}
		if cl := cat.AssetClass(h.Class); cl != nil {
			for _, r := range cl.Relations {
				if containsString(h.Targets, r.ID.Value+":"+number) {
					row.Relation = r.Title
					break
				}
			}
		}
		out = append(out, row)
	}
	more := ""
	if next != "" {
		more = "/app/assets?in=" + url.QueryEscape(number)
	}
	return out, more, nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// linkedTickets are the tickets linked to the asset that p may see and
// that confirm the link, and how many linked tickets p may not see.
func (u *workspace) linkedTickets(ctx context.Context, svc *asset.Service, p *auth.Principal, number string) ([]linkedTicketRow, int, error) {
	refs, err := svc.Tickets(ctx, p, number)
	if err != nil {
		return nil, 0, webkit.FaultError(err)
	}
	cat := u.Catalog()
	var out []linkedTicketRow
	hidden := 0
	for _, r := range refs {
		t, err := u.Engine.Ticket(ctx, p, r.Number)
		if errors.Is(err, fault.NotFound) || errors.Is(err, fault.Forbidden) {
			hidden++
			continue
		}
		if err != nil {
			return nil, 0, webkit.FaultError(err)
		}
		if !engine.Links(t, engine.LinkKindAsset, number) {
			continue // an entry the ticket never confirmed (see asset.LinkTicket)
		}
		out = append(out, linkedTicketRow{Number: t.Number, Title: t.Title, State: webkit.StateTitle(cat.Process(t.Process), t.State, false), At: r.At, By: r.Actor})
	}
	return out, hidden, nil
}

// historyRowOf is one history entry with the fields named by their
// labels.
func historyRowOf(l webkit.Lang, cl *definition.AssetClass, ch asset.Change) historyRow {
	row := historyRow{At: ch.At, Actor: ch.Actor, Type: webkit.Text(l, "asset_change_"+ch.Type)}
	for _, f := range ch.Fields {
		row.Changes = append(row.Changes, changeRow{Field: fieldLabel(l, cl, f.Field), Old: changeValue(f.Old), New: changeValue(f.New)})
	}
	return row
}

// fieldLabel names a changed value as the edit form does.
func fieldLabel(l webkit.Lang, cl *definition.AssetClass, field string) definition.Label {
	switch {
	case field == "name":
		return bothTexts("asset_name")
	case field == "status":
		return bothTexts("asset_status")
	case cl == nil:
	case strings.HasPrefix(field, "data."):
		id := strings.TrimPrefix(field, "data.")
		for _, f := range cl.Fields {
			if f.ID.Value == id {
				return f.Label
			}
		}
	case strings.HasPrefix(field, "relations."):
		id := strings.TrimPrefix(field, "relations.")
		for _, r := range cl.Relations {
			if r.ID.Value == id {
				return r.Title
			}
		}
	}
	return plainLabel(field)
}

// bothTexts is a page text as a label in both languages.
func bothTexts(key string) definition.Label {
	return definition.Label{De: webkit.Text(webkit.LangDE, key), En: webkit.Text(webkit.LangEN, key)}
}

// changeValue shows a value of the history; "" is absent.
func changeValue(v any) string {
	v = webkit.PlainMap(map[string]any{"v": v})["v"]
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return map[bool]string{true: "✓", false: "–"}[x]
	case []string:
		return strings.Join(x, ", ")
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = changeValue(e)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}
