package pagekit

import (
	"mime"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/definition"
	"vorgang/core/form"
	"vorgang/core/web/internal/webkit"
)

// formPageView is the page around a generated form.
type formPageView struct {
	Heading   definition.Label
	Intro     definition.Label
	Form      FormView
	Honeypot  bool
	Privacy   bool
	Back      string
	BackLabel string
	// Suggest are the public articles beside a portal form.
	Suggest *ArticleSuggestions
}

// BackTo is where a portal form page links back to; nil for the staff
// workspace.
type BackTo struct{ URL, Label string }

func PortalBack(c *fiber.Ctx) *BackTo {
	return &BackTo{URL: "/portal/", Label: webkit.Text(webkit.PageLang(c), "back_to_services")}
}

// showForm renders the page of a create form: in the workspace, or on the
// portal (back is not nil) with its honeypot and privacy note.
func (u *Pages) ShowForm(c *fiber.Ctx, status int, p *definition.Process, spec FormSpec, data map[string]any, errs []form.FieldError, add, token string, files map[string]string, back *BackTo) error {
	fv, err := u.RenderForm(c, spec, data, errs, add, token, files)
	if err != nil {
		return err
	}
	l := webkit.PageLang(c)
	v := &View{Lang: l, Title: p.Title.In(string(l)), HasErrors: len(errs) > 0, Area: "app", Nav: "new",
		Data: formPageView{Heading: p.Title, Intro: p.Description, Form: fv, Back: "/app/new", BackLabel: webkit.Text(l, "back_to_new")}}
	if back != nil {
		v.Area, v.Nav = "portal", "catalog"
		d := v.Data.(formPageView)
		d.Honeypot, d.Privacy, d.Back, d.BackLabel = true, true, back.URL, back.Label
		offer, _ := c.Locals(offerKey{}).(string)
		if d.Suggest = u.SuggestArticles(c, summaryOf(data), offer); d.Suggest != nil {
			d.Suggest.FormID = fv.FormID
		}
		v.Data = d
	}
	return u.Render(c, status, "form_page", v)
}

// sendFile sends a stored file as a download, with the content type
// sniffed at upload.
func SendFile(c *fiber.Ctx, name, contentType string, body []byte) error {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(body)
}
