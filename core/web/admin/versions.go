package admin

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

type adminVersionsView struct {
	Versions []versionRow
	// From and To are preselected in the form comparing any two.
	From, To string
}

type versionRow struct {
	engine.Version
	// Previous is the version before this one, to compare with; "" for
	// the first.
	Previous string
}

// adminVersions lists every recorded set of definitions, newest first,
// each with a link to what changed against the one before.
func (u *admin) adminVersions(c *fiber.Ctx) error {
	l := webkit.PageLang(c)
	versions, err := u.Engine.DefinitionVersions(c.UserContext())
	if err != nil {
		return err
	}
	d := adminVersionsView{}
	for i, v := range versions {
		row := versionRow{Version: v}
		if i+1 < len(versions) {
			row.Previous = versions[i+1].Hash
		}
		d.Versions = append(d.Versions, row)
	}
	if len(versions) > 1 {
		d.From, d.To = versions[1].Hash, versions[0].Hash
	}
	return u.Render(c, http.StatusOK, "admin_versions", &pagekit.View{Lang: l, Title: webkit.Text(l, "versions_heading"), Area: "admin", Nav: "admin", Data: d})
}

type adminVersionDiffView struct {
	From, To string
	Changes  []definition.Change
}

// adminVersionDiff shows what changed between two recorded versions
// (?from=HASH&to=HASH), per definition and per state, transition, field
// and SLA target.
func (u *admin) adminVersionDiff(c *fiber.Ctx) error {
	l := webkit.PageLang(c)
	from, to := c.Query("from"), c.Query("to")
	if from == "" || to == "" {
		return &webkit.Error{Status: http.StatusBadRequest, Code: webkit.CodeBadRequest, Message: "from and to name the two versions to compare",
			Fields: []fault.FieldError{{Field: "from", Code: "required"}, {Field: "to", Code: "required"}}}
	}
	changes, err := u.Engine.CompareVersions(c.UserContext(), from, to)
	if err != nil {
		return webkit.FaultError(err)
	}
	d := adminVersionDiffView{From: from, To: to, Changes: changes}
	return u.Render(c, http.StatusOK, "admin_version_diff", &pagekit.View{Lang: l, Title: webkit.Text(l, "version_diff_heading"), Area: "admin", Nav: "admin", Data: d})
}

type adminVersionView struct {
	Hash      string
	Serving   bool
	Processes []*definition.Process
}

// adminVersion lists the processes of one recorded version, each linked
// to its diagram as that version had it.
func (u *admin) adminVersion(c *fiber.Ctx) error {
	l := webkit.PageLang(c)
	hash := c.Params("hash")
	cat, err := u.Engine.VersionCatalog(c.UserContext(), hash)
	if err != nil {
		return webkit.FaultError(err)
	}
	d := adminVersionView{Hash: hash, Serving: hash == u.Catalog().Hash(), Processes: cat.Processes()}
	return u.Render(c, http.StatusOK, "admin_version", &pagekit.View{Lang: l, Title: webkit.Text(l, "version_heading"), Area: "admin", Nav: "admin", Data: d})
}
