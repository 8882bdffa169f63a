package workspace

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/asset"
	"vorgang/core/fault"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// The import page takes a CSV file in two steps without any script: the
// first post checks the file (a dry run) and keeps it as the person's
// pending upload, the second imports that upload. Between them the page
// shows what the import would do, or a table of every problem by line and
// column, as the API reports them.

type assetImportView struct {
	Classes []option
	Class   string
	// FileErr says what is wrong with the post itself (no file chosen).
	FileErr string
	// Report is the answer of a check or an import; Checked marks a clean
	// dry run, which Upload names for the second step.
	Report   *asset.ImportReport
	Checked  bool
	Imported bool
	Upload   string
	FileName string
}

func (u *workspace) assetImportPage(c *fiber.Ctx) error {
	if _, err := u.assetsService(); err != nil {
		return err
	}
	if !asset.MayWrite(pagekit.UIPrincipal(c)) {
		return &webkit.Error{Status: http.StatusForbidden, Code: webkit.CodeForbidden}
	}
	return u.showImport(c, http.StatusOK, assetImportView{Class: c.Query("class")})
}

func (u *workspace) showImport(c *fiber.Ctx, status int, d assetImportView) error {
	l := webkit.PageLang(c)
	for _, cl := range u.Catalog().AssetClasses() {
		d.Classes = append(d.Classes, option{Value: cl.ID.Value, Label: cl.Title, Selected: cl.ID.Value == d.Class})
	}
	hasErrors := d.FileErr != "" || (d.Report != nil && len(d.Report.Errors) > 0)
	notice := ""
	if d.Imported {
		notice = webkit.Text(l, "asset_import_done")
	}
	return u.Render(c, status, "asset_import", &pagekit.View{Lang: l, Title: webkit.Text(l, "asset_import_heading"), Area: "app", Nav: "assets",
		HasErrors: hasErrors, Notice: notice, Data: d})
}

func (u *workspace) assetImportSubmit(c *fiber.Ctx) error {
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
	l := webkit.PageLang(c)
	ctx := c.UserContext()
	d := assetImportView{Class: sub.First("class")}
	uploader := "user:" + p.User
	var data []byte
	apply := sub.First("step") == "apply"
	if apply {
		// The second step imports the file the first one checked.
		var buf bytes.Buffer
		att, err := u.Engine.ReadOwnUpload(ctx, uploader, sub.First("upload"), &buf)
		if errors.Is(err, fault.NotFound) {
			d.FileErr = webkit.Text(l, "asset_import_gone")
			return u.showImport(c, http.StatusUnprocessableEntity, d)
		}
		if err != nil {
			return webkit.FaultError(err)
		}
		data, d.FileName = buf.Bytes(), att.Name
	} else {
		for _, f := range sub.Files {
			if f.Field == "file" {
				if f.TooLarge {
					d.FileErr = webkit.Text(l, "asset_import_too_large")
					return u.showImport(c, http.StatusRequestEntityTooLarge, d)
				}
				data, d.FileName = f.Data, f.Name
			}
		}
		if len(data) == 0 {
			d.FileErr = webkit.Text(l, "asset_import_no_file")
			return u.showImport(c, http.StatusUnprocessableEntity, d)
		}
	}
	rep, err := svc.Import(ctx, p, bytes.NewReader(data), asset.ImportOptions{Class: d.Class, DryRun: !apply, Lang: string(l)})
	if errors.Is(err, fault.Invalid) {
		// A class that is not one: the report's first line says so.
		rep = &asset.ImportReport{Class: d.Class}
		for _, fe := range fault.FieldsOf(err) {
			rep.Errors = append(rep.Errors, asset.RowError{Code: fe.Code, Column: fe.Field, Message: fe.Message})
		}
	} else if err != nil {
		return webkit.FaultError(err)
	}
	d.Report = rep
	if len(rep.Errors) > 0 {
		return u.showImport(c, http.StatusUnprocessableEntity, d)
	}
	if apply {
		d.Imported = true
		return u.showImport(c, http.StatusOK, d)
	}
	name := d.FileName
	if name == "" {
		name = d.Class + ".csv"
	}
	att, err := u.Engine.Upload(ctx, uploader, name, "text/csv", bytes.NewReader(data), int64(len(data))+1)
	if err != nil {
		return webkit.FaultError(err)
	}
	d.Checked, d.Upload = true, att.ID
	return u.showImport(c, http.StatusOK, d)
}
