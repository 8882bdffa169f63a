package pagekit

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/ticket"
	"vorgang/core/web/internal/webkit"
)

// View is what every page template gets: the page's own data in Data, and
// what the layout needs.
type View struct {
	Lang  webkit.Lang
	Title string
	// Area is the part of the site: portal, app or admin.
	Area string
	// Nav is the active navigation item.
	Nav        string
	User       *auth.Principal
	CSRF       string
	SwitchURL  string
	SwitchLang webkit.Lang
	Notice     string
	HasErrors  bool
	Version    string
	Data       any
}

// T returns the page text with the key in the page's language, formatted
// with args when given.
func (v *View) T(key string, args ...any) string {
	s := webkit.Text(v.Lang, key)
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// L shows a definition label in the page's language; a German-only text on
// an English page is marked as German for screen readers.
func (v *View) L(l definition.Label) template.HTML {
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
func (v *View) Time(t time.Time) string {
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
func (v *View) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Due formats a stored due time (ticket.SortTime text); no deadline is "–".
func (v *View) Due(s string) string {
	if s == "" || s == ticket.NoDue {
		return v.T("no_due")
	}
	t, err := time.Parse("2006-01-02T15:04:05Z", s)
	if err != nil {
		return s
	}
	return v.Time(t)
}

// Render writes a page with the layout.
func (u *Pages) Render(c *fiber.Ctx, status int, page string, v *View) error {
	t, ok := u.Templates[page]
	if !ok {
		return fmt.Errorf("web: no page template %q", page)
	}
	if v.Lang == "" {
		v.Lang = webkit.PageLang(c)
	}
	if v.User == nil {
		v.User = UIPrincipal(c)
	}
	if v.CSRF == "" {
		v.CSRF = u.csrfFor(c)
	}
	v.Version = u.AssetVersion
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
func switchURL(c *fiber.Ctx, l webkit.Lang) string {
	q := url.Values{}
	c.Request().URI().QueryArgs().VisitAll(func(k, v []byte) {
		if string(k) != "lang" {
			q.Add(string(k), string(v))
		}
	})
	q.Set("lang", string(l))
	return c.Path() + "?" + q.Encode()
}

// SeeOther redirects a browser after a post, so reloading the next page
// does not post again.
func SeeOther(c *fiber.Ctx, to string) error {
	return c.Redirect(to, http.StatusSeeOther)
}
