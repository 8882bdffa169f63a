package workspace

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/asset"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/form"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// The edit and create pages of an asset show one generated form: the
// name, the status and the relations as fields of their own (named with
// the prefix below, which no class field of the shipped desks uses), then
// the class's fields. The form goes through core/form for rendering and
// decoding only; core/asset checks what is saved and its errors are shown
// at the fields.

const (
	fieldName     = "asset_name"
	fieldStatus   = "asset_status"
	relationField = "asset_rel_"
)

// assetFormView is the data of the edit and create pages.
type assetFormView struct {
	Number string
	Class  definition.Label
	Form   pagekit.FormView
	// Conflict: someone saved the asset since the form was shown; the
	// form shows what the person entered, at the asset's new version,
	// beside what is stored now.
	Conflict bool
	Stored   []changeRow
	Back     string
}

// editForm is the generated form of a class's asset.
func (u *workspace) editForm(cl *definition.AssetClass) (*form.Compiled, error) {
	name, status := bothTexts("asset_name"), bothTexts("asset_status")
	maxName := 200
	statusField := definition.Field{ID: definition.Ref{Value: fieldStatus}, Type: definition.FieldSelect, Label: status, Required: true}
	for _, s := range cl.Statuses {
		statusField.Options = append(statusField.Options, definition.Option{Value: s.ID.Value, Label: s.Title})
	}
	fields := []definition.Field{
		{ID: definition.Ref{Value: fieldName}, Type: definition.FieldText, Label: name, Required: true, MaxLength: &maxName},
		statusField,
	}
	for _, r := range cl.Relations {
		help := "asset_relation_help_" + r.Target
		if r.Many {
			help += "_many"
		}
		fields = append(fields, definition.Field{ID: definition.Ref{Value: relationField + r.ID.Value}, Type: definition.FieldText, Label: r.Title, Help: bothTexts(help)})
	}
	fields = append(fields, cl.Fields...)
	def := &definition.Form{Meta: definition.Meta{ID: definition.Ref{Value: "asset-" + cl.ID.Value}, Title: cl.Title}, Fields: fields}
	return form.Compile(def, form.Config{Now: u.Now})
}

// formValues are an asset's values as the edit form's data.
func formValues(cl *definition.AssetClass, a *asset.Asset) map[string]any {
	v := webkit.PlainMap(a.Data)
	if v == nil {
		v = map[string]any{}
	}
	v[fieldName], v[fieldStatus] = a.Name, a.Status
	for _, r := range cl.Relations {
		if t := a.Relations[r.ID.Value]; len(t) > 0 {
			v[relationField+r.ID.Value] = strings.Join(t, ", ")
		}
	}
	return v
}

// inputOf turns the decoded form into what core/asset saves: every field
// of the class is set, an empty one removed, and every relation replaced.
func inputOf(cl *definition.AssetClass, data map[string]any, lang string) asset.Input {
	in := asset.Input{Class: cl.ID.Value, Data: map[string]any{}, Relations: map[string][]string{}, Lang: lang}
	name, _ := data[fieldName].(string)
	in.Name = &name
	if s, _ := data[fieldStatus].(string); s != "" {
		in.Status = &s
	}
	for _, r := range cl.Relations {
		raw, _ := data[relationField+r.ID.Value].(string)
		in.Relations[r.ID.Value] = strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
	}
	for _, f := range cl.Fields {
		if form.KindOf(f.Type).Files() {
			continue
		}
		in.Data[f.ID.Value] = data[f.ID.Value] // nil removes
	}
	return in
}

// formErrors puts core/asset's field errors at the form's fields.
func formErrors(errs []fault.FieldError) []form.FieldError {
	out := make([]form.FieldError, 0, len(errs))
	for _, e := range errs {
		switch {
		case e.Field == "name":
			e.Field = fieldName
		case e.Field == "status":
			e.Field = fieldStatus
		case strings.HasPrefix(e.Field, "relations."):
			e.Field = relationField + strings.TrimPrefix(e.Field, "relations.")
		case strings.HasPrefix(e.Field, "data."):
			e.Field = strings.TrimPrefix(e.Field, "data.")
		}
		out = append(out, e)
	}
	return out
}

func (u *workspace) assetEditPage(c *fiber.Ctx) error {
	svc, err := u.assetsService()
	if err != nil {
		return err
	}
	p := pagekit.UIPrincipal(c)
	if !asset.MayWrite(p) {
		return &webkit.Error{Status: http.StatusForbidden, Code: webkit.CodeForbidden}
	}
	a, err := svc.Get(c.UserContext(), p, c.Params("number"))
	if err != nil {
		return webkit.FaultError(err)
	}
	cl := u.Catalog().AssetClass(a.Class)
	if cl == nil {
		return &webkit.Error{Status: http.StatusNotFound, Code: webkit.CodeNotFound}
	}
	return u.showAssetForm(c, http.StatusOK, cl, a, formValues(cl, a), nil, false)
}

// showAssetForm renders the edit page (a set) or the create page.
func (u *workspace) showAssetForm(c *fiber.Ctx, status int, cl *definition.AssetClass, a *asset.Asset, values map[string]any, errs []form.FieldError, conflict bool) error {
	l := webkit.PageLang(c)
	compiled, err := u.editForm(cl)
	if err != nil {
		return err
	}
	d := assetFormView{Class: cl.Title, Conflict: conflict, Back: "/app/assets?class=" + url.QueryEscape(cl.ID.Value)}
	spec := pagekit.FormSpec{Compiled: compiled, Submit: webkit.Text(l, "asset_save")}
	title := webkit.Text(l, "asset_new_heading")
	if a != nil {
		d.Number = a.Number
		d.Back = "/app/assets/" + url.PathEscape(a.Number)
		// The version the form was rendered at travels in its address: a
		// save of an older version is a conflict, never a blind overwrite.
		spec.Action = d.Back + "/edit?version=" + strconv.FormatInt(a.Version, 10)
		title = webkit.Text(l, "asset_edit_heading") + " " + a.Number
		if conflict {
			stored := formValues(cl, a)
			for _, f := range compiled.Form().Fields {
				id := f.ID.Value
				if changeValue(stored[id]) != changeValue(values[id]) {
					d.Stored = append(d.Stored, changeRow{Field: f.Label, Old: changeValue(values[id]), New: changeValue(stored[id])})
				}
			}
		}
	} else {
		spec.Action = "/app/assets/new?class=" + url.QueryEscape(cl.ID.Value)
	}
	if d.Form, err = u.RenderForm(c, spec, values, errs, "", "", nil); err != nil {
		return err
	}
	return u.Render(c, status, "asset_edit", &pagekit.View{Lang: l, Title: title, Area: "app", Nav: "assets",
		HasErrors: len(errs) > 0 || conflict, Data: d})
}

// readAssetForm checks the post's CSRF token and decodes the form.
func (u *workspace) readAssetForm(c *fiber.Ctx, cl *definition.AssetClass) (map[string]any, error) {
	sub, err := u.ReadPost(c)
	if err != nil {
		return nil, err
	}
	compiled, err := u.editForm(cl)
	if err != nil {
		return nil, err
	}
	return compiled.DecodeForm(sub.Values, string(webkit.PageLang(c))).Data, nil
}

func (u *workspace) assetEditSubmit(c *fiber.Ctx) error {
	svc, err := u.assetsService()
	if err != nil {
		return err
	}
	p := pagekit.UIPrincipal(c)
	if !asset.MayWrite(p) {
		return &webkit.Error{Status: http.StatusForbidden, Code: webkit.CodeForbidden}
	}
	version, err := strconv.ParseInt(c.Query("version"), 10, 64)
	if err != nil || version < 1 {
		return &webkit.Error{Status: http.StatusBadRequest, Code: webkit.CodeBadRequest,
			Fields: []fault.FieldError{{Field: "version", Code: "required", Text: "version_missing"}}}
	}
	ctx := c.UserContext()
	a, err := svc.Get(ctx, p, c.Params("number"))
	if err != nil {
		return webkit.FaultError(err)
	}
	cl := u.Catalog().AssetClass(a.Class)
	if cl == nil {
		return &webkit.Error{Status: http.StatusNotFound, Code: webkit.CodeNotFound}
	}
	values, err := u.readAssetForm(c, cl)
	if err != nil {
		return err
	}
	l := string(webkit.PageLang(c))
	next, err := svc.Update(ctx, p, a.Number, version, inputOf(cl, values, l))
	switch {
	case errors.Is(err, fault.Conflict):
		// Show the person's input again at the stored version, with what
		// changed meanwhile: saving again is a decision, not an accident.
		cur, gerr := svc.Get(ctx, p, a.Number)
		if gerr != nil {
			return webkit.FaultError(gerr)
		}
		return u.showAssetForm(c, http.StatusConflict, cl, cur, values, nil, true)
	case errors.Is(err, fault.Invalid):
		return u.showAssetForm(c, http.StatusUnprocessableEntity, cl, a, values, formErrors(fault.FieldsOf(err)), false)
	case err != nil:
		return webkit.FaultError(err)
	}
	if len(next.StillReferenced) > 0 {
		return u.retiredPage(c, next)
	}
	return pagekit.SeeOther(c, "/app/assets/"+url.PathEscape(next.Number)+"?notice=changed")
}

func (u *workspace) assetNewPage(c *fiber.Ctx) error {
	if _, err := u.assetsService(); err != nil {
		return err
	}
	p := pagekit.UIPrincipal(c)
	if !asset.MayWrite(p) {
		return &webkit.Error{Status: http.StatusForbidden, Code: webkit.CodeForbidden}
	}
	cl := u.Catalog().AssetClass(c.Query("class"))
	if cl == nil {
		return &webkit.Error{Status: http.StatusNotFound, Code: webkit.CodeNotFound}
	}
	values := map[string]any{fieldStatus: cl.Statuses[0].ID.Value}
	return u.showAssetForm(c, http.StatusOK, cl, nil, values, nil, false)
}

func (u *workspace) assetNewSubmit(c *fiber.Ctx) error {
	svc, err := u.assetsService()
	if err != nil {
		return err
	}
	p := pagekit.UIPrincipal(c)
	if !asset.MayWrite(p) {
		return &webkit.Error{Status: http.StatusForbidden, Code: webkit.CodeForbidden}
	}
	cl := u.Catalog().AssetClass(c.Query("class"))
	if cl == nil {
		return &webkit.Error{Status: http.StatusNotFound, Code: webkit.CodeNotFound}
	}
	values, err := u.readAssetForm(c, cl)
	if err != nil {
		return err
	}
	in := inputOf(cl, values, string(webkit.PageLang(c)))
	for id, v := range in.Data {
		if v == nil {
			delete(in.Data, id)
		}
	}
	a, err := svc.Create(c.UserContext(), p, in)
	if errors.Is(err, fault.Invalid) {
		return u.showAssetForm(c, http.StatusUnprocessableEntity, cl, nil, values, formErrors(fault.FieldsOf(err)), false)
	}
	if err != nil {
		return webkit.FaultError(err)
	}
	return pagekit.SeeOther(c, "/app/assets/"+url.PathEscape(a.Number)+"?notice=created")
}

// assetRetire moves the asset to its class's last status. A retirement
// that leaves other assets pointing at it is done and the page names
// them; one a relation refuses is not done and the page says why.
func (u *workspace) assetRetire(c *fiber.Ctx) error {
	svc, err := u.assetsService()
	if err != nil {
		return err
	}
	p := pagekit.UIPrincipal(c)
	if !asset.MayWrite(p) {
		return &webkit.Error{Status: http.StatusForbidden, Code: webkit.CodeForbidden}
	}
	sub, err := u.ReadPost(c)
	if err != nil {
		return err
	}
	version, err := pagekit.PostedVersion(sub)
	if err != nil {
		return err
	}
	l := webkit.PageLang(c)
	a, err := svc.Retire(c.UserContext(), p, c.Params("number"), version, string(l))
	switch {
	case errors.Is(err, fault.Conflict):
		return u.showAsset(c, http.StatusConflict, "", func(d *assetView) { d.RetireErr = webkit.Text(l, "asset_retire_conflict") })
	case errors.Is(err, fault.Invalid):
		msg := webkit.Text(l, "asset_retire_refused")
		for _, fe := range fault.FieldsOf(err) {
			if fe.Message != "" {
				msg += " " + fe.Message
			}
		}
		return u.showAsset(c, http.StatusUnprocessableEntity, "", func(d *assetView) { d.RetireErr = msg })
	case err != nil:
		return webkit.FaultError(err)
	}
	if len(a.StillReferenced) > 0 {
		return u.retiredPage(c, a)
	}
	return pagekit.SeeOther(c, "/app/assets/"+url.PathEscape(a.Number)+"?notice=retired")
}

// retiredPage shows the asset just retired with the assets still pointing
// at it: the warning is the answer of this post, not something to look up
// later.
func (u *workspace) retiredPage(c *fiber.Ctx, a *asset.Asset) error {
	cat := u.Catalog()
	l := webkit.PageLang(c)
	c.Params("number", a.Number)
	return u.showAsset(c, http.StatusOK, webkit.Text(l, "asset_notice_retired"), func(d *assetView) {
		for _, h := range a.StillReferenced {
			d.StillReferenced = append(d.StillReferenced, assetRowOf(cat, h))
		}
	})
}
