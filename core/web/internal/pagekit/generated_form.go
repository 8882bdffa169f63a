package pagekit

import (
	"bytes"
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/definition"
	"vorgang/core/form"
	"vorgang/core/web/internal/webkit"
)

// FormSpec says which form a page shows and where it posts.
type FormSpec struct {
	Compiled *form.Compiled
	// Scope ties the form token to this form and this browser.
	Scope  string
	Action string
	Submit string
	// Area is where the page is, "portal" or "app": its script asks
	// /{area}/forms/{form}/compute for the computed fields.
	Area string
}

// FormView is the data of a page around a generated form.
type FormView struct {
	FormHTML template.HTML
	FormID   string
	// Steps lists the sections of a long form for a table of contents;
	// StepByStep marks forms defined with layout: steps, which the browser
	// script shows one section at a time.
	Steps      []StepLink
	StepByStep bool
	Errors     int
	// ComputeURL is where the browser script asks for the computed
	// fields while the form is filled in; empty when it has none.
	ComputeURL string
}

type StepLink struct {
	ID    string
	Title definition.Label
}

// renderForm renders the form with the values, errors and tokens of this
// filling.
func (u *Pages) RenderForm(c *fiber.Ctx, spec FormSpec, data map[string]any, errs []form.FieldError, add, token string, files map[string]string) (FormView, error) {
	def := spec.Compiled.Form()
	if data != nil && spec.Compiled.Computes() {
		// A form shown again (refused, or an entry added) shows what its
		// input computes, as the submission would store it.
		shown, err := spec.Compiled.WithComputed(c.UserContext(), data, string(webkit.PageLang(c)))
		if err != nil {
			u.Log.WarnContext(c.UserContext(), "computing a form's fields failed", "form", def.ID.Value, "error", err.Error(), "request_id", webkit.RequestID(c))
		} else {
			data = shown
		}
	}
	var buf bytes.Buffer
	err := spec.Compiled.Render(&buf, form.RenderOptions{
		Lang: string(webkit.PageLang(c)), Values: data, Errors: errs, Action: spec.Action,
		CSRFToken: u.csrfFor(c), FormToken: token, SubmitLabel: spec.Submit, Files: files, Add: add,
		MaxFileSize: u.MaxFileSize,
	})
	if err != nil {
		return FormView{}, err
	}
	fv := FormView{FormHTML: template.HTML(buf.String()), FormID: "form-" + def.ID.Value, Errors: len(errs),
		StepByStep: def.Layout == "steps"}
	if spec.Area != "" && spec.Compiled.Computes() {
		fv.ComputeURL = "/" + spec.Area + "/forms/" + url.PathEscape(def.ID.Value) + "/compute"
	}
	if len(def.Sections) >= 3 {
		for _, s := range def.Sections {
			fv.Steps = append(fv.Steps, StepLink{ID: "s-" + s.ID.Value, Title: s.Title})
		}
	}
	return fv, nil
}

// FormPost is a decoded post of a generated form.
type FormPost struct {
	Sub *Submission
	// Key is the form token's random part: the idempotency key of the
	// create the form leads to.
	Key   string
	Token string
	Data  map[string]any
	// Save is false when the post only adds or removes a group entry.
	Save  bool
	Add   string
	Errs  []form.FieldError
	Files map[string]string // attachment id → file name, for re-rendering
}

// readFormPost parses and checks a post of a generated form: CSRF, the form
// token (expired or foreign tokens are refused with form_expired), uploads
// (stored, with type and size checked), kept files (only this browser's),
// and the values decoded as the form package does for every browser post.
func (u *Pages) ReadFormPost(c *fiber.Ctx, spec FormSpec) (*FormPost, error) {
	sub, err := u.ParseBody(c)
	if err != nil {
		return nil, err
	}
	if err := u.CheckPost(c, sub.First("_csrf")); err != nil {
		return nil, err
	}
	p := &FormPost{Sub: sub, Token: sub.First("_token"), Files: map[string]string{}}
	// The offering of articles beside the form, for the page that answers
	// a refused post (ShowForm).
	c.Locals(offerKey{}, sub.First(OfferField))
	p.Key, err = u.Sign.CheckFormToken(p.Token, spec.Scope, u.Now())
	if err != nil {
		return nil, &webkit.Error{Status: http.StatusBadRequest, Code: "form_expired", Cause: err}
	}
	def := spec.Compiled.Form()
	l := webkit.PageLang(c)
	p.Errs = append(p.Errs, u.keptFiles(c, def, sub, p.Files, l)...)
	p.Errs = append(p.Errs, u.storeUploads(c, def, sub, p.Files, l)...)
	decoded := spec.Compiled.DecodeForm(sub.Values, string(l))
	p.Data, p.Add, p.Save = decoded.Data, decoded.Add, decoded.Save()
	return p, nil
}

// groupControl matches a group sub-field's control name: items[0][price].
var groupControl = regexp.MustCompile(`^([a-z][a-z0-9_]*)\[([0-9]{1,6})\]\[([a-z][a-z0-9_]*)\]$`)

// fileField returns the file field a control name belongs to, and the path
// errors about it use; nil when the name is no file field.
func fileField(def *definition.Form, name string) (*definition.Field, string) {
	if m := groupControl.FindStringSubmatch(name); m != nil {
		g := def.Field(m[1])
		if g == nil || !form.KindOf(g.Type).Group() {
			return nil, ""
		}
		for i := range g.Fields {
			if g.Fields[i].ID.Value == m[3] && form.KindOf(g.Fields[i].Type).Files() {
				return &g.Fields[i], m[1] + "[" + m[2] + "]." + m[3]
			}
		}
		return nil, ""
	}
	if f := def.Field(name); f != nil && form.KindOf(f.Type).Files() {
		return f, name
	}
	return nil, ""
}

// accepted reports whether a sniffed media type is one the field accepts
// (image/* matches any image type).
func accepted(f *definition.Field, media string) bool {
	if len(f.Accept) == 0 {
		return true
	}
	for _, a := range f.Accept {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == media || strings.HasSuffix(a, "/*") && strings.HasPrefix(media, strings.TrimSuffix(a, "*")) {
			return true
		}
	}
	return false
}

// storeUploads stores the uploaded files of file fields, after checking
// their size and their content type as sniffed from the content (the
// browser's claim is ignored), and adds their ids to the field's values.
func (u *Pages) storeUploads(c *fiber.Ctx, def *definition.Form, sub *Submission, names map[string]string, l webkit.Lang) []form.FieldError {
	var errs []form.FieldError
	uploader := u.uploader(c)
	for _, up := range sub.Files {
		f, path := fileField(def, up.Field)
		if f == nil {
			continue
		}
		limit := u.MaxFileSize
		if m := form.MaxFileSize(f); m > 0 && m < limit {
			limit = m
		}
		if up.TooLarge || int64(len(up.Data)) > limit {
			errs = append(errs, form.FieldError{Field: path, Code: form.CodeFileTooLarge, Message: tooLargeMessage(l, f, up.Name, limit)})
			continue
		}
		media, _, _ := mime.ParseMediaType(http.DetectContentType(up.Data))
		if !accepted(f, media) {
			errs = append(errs, form.FieldError{Field: path, Code: form.CodeFileType, Message: fileMessage(l, "file_type", f, up.Name)})
			continue
		}
		a, err := u.Engine.Upload(c.UserContext(), uploader, up.Name, media, bytes.NewReader(up.Data), limit)
		if err != nil {
			u.Log.ErrorContext(c.UserContext(), "storing an upload failed", "error", err.Error(), "request_id", webkit.RequestID(c))
			errs = append(errs, form.FieldError{Field: path, Code: form.CodeCheckFailed, Message: fileMessage(l, "file_failed", f, up.Name)})
			continue
		}
		sub.Values[up.Field] = append(sub.Values[up.Field], a.ID)
		names[a.ID] = a.Name
	}
	return errs
}

// keptFiles checks the attachment ids a re-rendered form sends back (the
// "keep" boxes): only files this browser uploaded may be kept, so no one
// can attach someone else's file by its id.
func (u *Pages) keptFiles(c *fiber.Ctx, def *definition.Form, sub *Submission, names map[string]string, l webkit.Lang) []form.FieldError {
	var errs []form.FieldError
	uploader := u.uploader(c)
	for name, ids := range sub.Values {
		f, path := fileField(def, name)
		if f == nil {
			continue
		}
		kept := ids[:0]
		for _, id := range ids {
			if id == "" {
				continue
			}
			a, err := u.Engine.OwnUpload(c.UserContext(), uploader, id)
			if err != nil {
				u.Log.DebugContext(c.UserContext(), "refused a kept file", "id", id, "error", fmt.Sprint(err), "uploader", uploader, "by", fmt.Sprint(a))
				errs = append(errs, form.FieldError{Field: path, Code: form.CodeUnknownReference, Message: fileMessage(l, "file_unknown", f, "")})
				continue
			}
			names[id] = a.Name
			kept = append(kept, id)
		}
		sub.Values[name] = kept
	}
	return errs
}

// mergeErrors puts the upload errors before the validation errors, one
// error per field.
func MergeErrors(first, second []form.FieldError) []form.FieldError {
	seen := map[string]bool{}
	var out []form.FieldError
	for _, list := range [][]form.FieldError{first, second} {
		for _, e := range list {
			if seen[e.Field] && e.Field != "" {
				continue
			}
			seen[e.Field] = true
			out = append(out, e)
		}
	}
	return out
}
