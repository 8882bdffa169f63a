package workspace

import (
	"net/http"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// New tickets in the workspace: the catalog of processes the person may
// open, and their forms. The engine checks who may open what.

type newCatalogView struct {
	Processes []*definition.Process
}

func (u *workspace) newCatalog(c *fiber.Ctx) error {
	actor := pagekit.UIPrincipal(c)
	var list []*definition.Process
	for _, p := range u.Catalog().Processes() {
		if engine.MayOpen(actor, p) {
			list = append(list, p)
		}
	}
	l := webkit.PageLang(c)
	return u.Render(c, http.StatusOK, "new", &pagekit.View{Lang: l, Title: webkit.Text(l, "new_heading"), Area: "app", Nav: "new", Data: newCatalogView{Processes: list}})
}

func (u *workspace) staffProcess(c *fiber.Ctx) (*definition.Process, pagekit.FormSpec, error) {
	cat := u.Catalog()
	p := cat.Process(c.Params("process"))
	if p == nil {
		return nil, pagekit.FormSpec{}, &webkit.Error{Status: http.StatusNotFound, Code: webkit.CodeNotFound}
	}
	if !engine.MayOpen(pagekit.UIPrincipal(c), p) {
		return nil, pagekit.FormSpec{}, &webkit.Error{Status: http.StatusForbidden, Code: webkit.CodeForbidden}
	}
	compiled, err := u.Engine.Form(cat, p.Form.Value)
	if err != nil {
		return nil, pagekit.FormSpec{}, err
	}
	return p, pagekit.FormSpec{Compiled: compiled, Scope: "create:" + p.ID.Value + "|" + u.Binding(c, true),
		Action: "/app/new/" + p.ID.Value, Submit: webkit.Text(webkit.PageLang(c), "new_submit"), Area: "app"}, nil
}

func (u *workspace) staffForm(c *fiber.Ctx) error {
	p, spec, err := u.staffProcess(c)
	if err != nil {
		return err
	}
	token := u.Sign.FormToken(spec.Scope, u.Now().Add(u.FormTTL))
	return u.ShowForm(c, http.StatusOK, p, spec, nil, nil, "", token, nil, nil)
}

func (u *workspace) staffSubmit(c *fiber.Ctx) error {
	p, spec, err := u.staffProcess(c)
	if err != nil {
		return err
	}
	post, err := u.ReadFormPost(c, spec)
	if err != nil {
		return err
	}
	t, status, err := u.Create(c, pagekit.UIPrincipal(c), p, spec, post)
	if err != nil {
		return err
	}
	if t == nil {
		return u.ShowForm(c, status, p, spec, post.Data, post.Errs, post.Add, post.Token, post.Files, nil)
	}
	return pagekit.SeeOther(c, "/app/tickets/"+url.PathEscape(t.Number)+"?notice=created")
}
