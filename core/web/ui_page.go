package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/ticket"
	"vorgang/core/web/internal/webkit"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// pageTemplates parses every page template together with the layout; each
// page file defines "content" (and may define "head").
func pageTemplates() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		t, err := template.New(base).Funcs(templateFuncs).ParseFS(templateFiles, "templates/layout.html", "templates/_*.html", n)
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", base, err)
		}
		out[base] = t
	}
	return out, nil
}

var templateFuncs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
	"eq1": func(a, b string) bool { return a == b },
	// shortHash is the first 12 characters of a catalog hash, as the log
	// and /healthz show it.
	"shortHash": func(h string) string { return h[:min(len(h), 12)] },
	"dataArgs":  func(v *view, fields []dataField) dataListArgs { return dataListArgs{V: v, Fields: fields} },
	"formArgs": func(v *view, f any) formArgs {
		switch x := f.(type) {
		case formView:
			return formArgs{V: v, Form: x}
		case *formView:
			return formArgs{V: v, Form: *x}
		}
		return formArgs{V: v}
	},
	// The user administration's templates (templates/_user.html, _tokens.html).
	"fieldArgs":   userFieldArgs,
	"choiceArgs":  userChoiceArgs,
	"profileArgs": func(v *view, f *userForm) userArgs { return userArgs{V: v, Form: f} },
	"sourceArgs":  func(v *view, source string) userArgs { return userArgs{V: v, Source: source} },
	"auditAction": auditAction,
	"tokenArgs": func(v *view, t []auth.Token, action string) tokenArgs {
		return tokenArgs{V: v, Tokens: t, Action: action}
	},
}

// view is what every page template gets: the page's own data in Data, and
// what the layout needs.
type view struct {
	Lang  lang
	Title string
	// Area is the part of the site: portal, app or admin.
	Area string
	// Nav is the active navigation item.
	Nav        string
	User       *auth.Principal
	CSRF       string
	SwitchURL  string
	SwitchLang lang
	Notice     string
	HasErrors  bool
	Version    string
	Data       any
}

// T returns the page text with the key in the page's language, formatted
// with args when given.
func (v *view) T(key string, args ...any) string {
	s := webkit.Text(v.Lang, key)
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// L shows a definition label in the page's language; a German-only text on
// an English page is marked as German for screen readers.
func (v *view) L(l definition.Label) template.HTML {
	if v.Lang == webkit.LangEN && l.En == "" && l.De != "" {
		return template.HTML(`<span lang="de">` + template.HTMLEscapeString(l.De) + `</span>`)
	}
	return template.HTML(template.HTMLEscapeString(l.In(string(v.Lang))))
}

// berlin is the time zone pages show times in.
var berlin = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return loc
	}
	return time.Local
}()

// Time formats an instant for people, in German or English notation.
func (v *view) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(berlin)
	if v.Lang == webkit.LangEN {
		return t.Format("2 Jan 2006, 15:04")
	}
	return t.Format("02.01.2006, 15:04") + " Uhr"
}

// ISO formats an instant for the datetime attribute of <time>.
func (v *view) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Due formats a stored due time (ticket.SortTime text); no deadline is "–".
func (v *view) Due(s string) string {
	if s == "" || s == ticket.NoDue {
		return v.T("no_due")
	}
	t, err := time.Parse("2006-01-02T15:04:05Z", s)
	if err != nil {
		return s
	}
	return v.Time(t)
}

// render writes a page with the layout.
func (u *ui) render(c *fiber.Ctx, status int, page string, v *view) error {
	t, ok := u.pages[page]
	if !ok {
		return fmt.Errorf("web: no page template %q", page)
	}
	if v.Lang == "" {
		v.Lang = webkit.PageLang(c)
	}
	if v.User == nil {
		v.User = uiPrincipal(c)
	}
	if v.CSRF == "" {
		v.CSRF = u.csrfFor(c)
	}
	v.Version = u.assetVersion
	v.SwitchLang = webkit.LangEN
	if v.Lang == webkit.LangEN {
		v.SwitchLang = webkit.LangDE
	}
	v.SwitchURL = switchURL(c, v.SwitchLang)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("web: render %s: %w", page, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentLanguage, string(v.Lang))
	return c.Status(status).Send(buf.Bytes())
}

// switchURL is the current address with ?lang= set to l, for the language
// switch.
func switchURL(c *fiber.Ctx, l lang) string {
	q := url.Values{}
	c.Request().URI().QueryArgs().VisitAll(func(k, v []byte) {
		if string(k) != "lang" {
			q.Add(string(k), string(v))
		}
	})
	q.Set("lang", string(l))
	return c.Path() + "?" + q.Encode()
}

// seeOther redirects a browser after a post, so reloading the next page
// does not post again.
func seeOther(c *fiber.Ctx, to string) error {
	return c.Redirect(to, http.StatusSeeOther)
}
