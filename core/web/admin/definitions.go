package admin

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// The admin pages: what definitions are loaded (each file with its content
// hash) and each process as a state diagram; the users, teams and roles
// are in users.go. core/web guards the whole group (admins only).

type adminDefsView struct {
	Hash     string
	LoadedAt time.Time
	Recorded bool
	Defs     []defRow
	// Refused is the last change of the definitions refused because it
	// would strand open tickets.
	Refused *engine.RefusedChange
}

type defRow struct {
	Kind  string
	ID    string
	Title definition.Label
	File  string
	Hash  string
	Link  string
}

func (u *admin) adminDefinitions(c *fiber.Ctx) error {
	l := webkit.PageLang(c)
	cat := u.Catalog()
	d := adminDefsView{Hash: cat.Hash(), LoadedAt: cat.LoadedAt()}
	if r, ok := u.Engine.Refused(); ok {
		d.Refused = &r
	}
	hashes, recorded, err := u.Engine.RecordedFiles(c.UserContext(), cat.Hash())
	if err != nil {
		return err
	}
	d.Recorded = recorded
	add := func(kind string, m definition.Meta, link string) {
		d.Defs = append(d.Defs, defRow{Kind: kind, ID: m.ID.Value, Title: m.Title, File: m.File, Hash: hashes[m.File], Link: link})
	}
	for _, p := range cat.Processes() {
		add("Process", p.Meta, "/admin/processes/"+p.ID.Value)
	}
	for _, f := range cat.Forms() {
		add("Form", f.Meta, "")
	}
	for _, x := range cat.SLAs() {
		add("SLA", x.Meta, "")
	}
	for _, x := range cat.Calendars() {
		add("Calendar", x.Meta, "")
	}
	for _, x := range cat.AssetClasses() {
		add("AssetClass", x.Meta, "")
	}
	for _, x := range cat.Roles() {
		add("Role", x.Meta, "")
	}
	for _, x := range cat.Teams() {
		add("Team", x.Meta, "")
	}
	for _, x := range cat.Notifications() {
		add("Notification", x.Meta, "")
	}
	for _, x := range cat.IdentityProviders() {
		add("IdentityProvider", x.Meta, "")
	}
	for _, x := range cat.Migrations() {
		add("Migration", x.Meta, "")
	}
	for _, x := range cat.Mailboxes() {
		add("Mailbox", x.Meta, "")
	}
	for _, s := range cat.Scripts() {
		d.Defs = append(d.Defs, defRow{Kind: "Script", ID: s.Name, File: s.File, Hash: hashes[s.File]})
	}
	return u.Render(c, http.StatusOK, "admin_definitions", &pagekit.View{Lang: l, Title: webkit.Text(l, "admin_heading"), Area: "admin", Nav: "admin", Data: d})
}

type adminProcessView struct {
	P           *definition.Process
	Diagram     stateDiagram
	Transitions []transitionRow
	// Version is the hash of the older version shown (?version=); "" for
	// the definitions in service.
	Version string
}

type transitionRow struct {
	ID    string
	Title definition.Label
	From  []definition.Label
	To    definition.Label
	Roles string
	Form  string
}

func (u *admin) adminProcess(c *fiber.Ctx) error {
	l := webkit.PageLang(c)
	cat := u.Catalog()
	version := c.Query("version")
	if version == cat.Hash() {
		version = ""
	}
	if version != "" {
		// The process as an older version of the definitions had it.
		old, err := u.Engine.VersionCatalog(c.UserContext(), version)
		if err != nil {
			return webkit.FaultError(err)
		}
		cat = old
	}
	p := cat.Process(c.Params("id"))
	if p == nil {
		return &webkit.Error{Status: http.StatusNotFound, Code: webkit.CodeNotFound}
	}
	d := adminProcessView{P: p, Diagram: newStateDiagram(p, l), Version: version}
	for i := range p.Transitions {
		tr := &p.Transitions[i]
		row := transitionRow{ID: tr.ID.Value, Title: webkit.TransitionTitle(tr), To: webkit.StateTitle(p, tr.To.Value, false), Form: tr.Form.Value}
		if tr.ToPrevious() {
			row.To = definition.Label{De: "zurück zum vorherigen Zustand", En: "back to the previous state"}
		}
		for _, f := range tr.From {
			if f.Value == "*" {
				row.From = append(row.From, definition.Label{De: "jeder offene Zustand", En: "any open state"})
				continue
			}
			row.From = append(row.From, webkit.StateTitle(p, f.Value, false))
		}
		for i, r := range tr.Roles {
			if i > 0 {
				row.Roles += ", "
			}
			row.Roles += r.Value
		}
		d.Transitions = append(d.Transitions, row)
	}
	return u.Render(c, http.StatusOK, "admin_process", &pagekit.View{Lang: l, Title: p.Title.In(string(l)), Area: "admin", Nav: "admin", Data: d})
}
