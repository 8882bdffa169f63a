package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/web/admin"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
	"vorgang/core/web/portal"
	"vorgang/core/web/workspace"
)

// DefaultUIBodyLimit is the body limit when the HTML interface is served
// and Deps.BodyLimit is zero: form posts carry uploads.
const DefaultUIBodyLimit = 32 << 20

// UIDeps is what the HTML pages need (core/web/internal/pagekit).
type UIDeps = pagekit.Deps

// ui is what core/web itself does for the pages: the middleware of every
// page area (language switch, session, staff and admin guards), the error
// pages, the static files, and the registration of the page areas.
type ui struct {
	*pagekit.Pages
	clients webkit.Clients
	// citizenLimit is the rate limit of posts without an account, shared
	// with the API's anonymous creates.
	citizenLimit fiber.Handler
	// computeLimit is the rate limit of computations without an account
	// (core/web/internal/pagekit/compute.go), counted apart from the posts.
	computeLimit fiber.Handler
}

// newUI prepares the pages: it fails only when the embedded templates do
// not parse.
func newUI(d UIDeps, logger *slog.Logger, bodyLimit int64) (*ui, error) {
	pages, err := pageTemplates()
	if err != nil {
		return nil, err
	}
	return &ui{Pages: pagekit.New(d, logger, pages, bodyLimit, assetVersion())}, nil
}

// register adds the routes of the pages to app.
func (u *ui) register(app *fiber.App) error {
	static, err := fs.Sub(staticFiles, "static")
	if err != nil {
		return err
	}
	app.Use("/static", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
		return c.Next()
	}, filesystem.New(filesystem.Config{Root: http.FS(static)}))
	app.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/portal", http.StatusFound) })

	portal.Register(app.Group("/portal", u.pageMiddleware, u.session), u.Pages, u.citizenLimit, u.computeLimit)
	workspace.Register(app.Group("/app", u.pageMiddleware, u.session), u.requireStaff, u.Pages, u.clients)
	admin.Register(app.Group("/admin", u.pageMiddleware, u.session, u.requireStaff, u.requireAdmin), u.Pages)
	admin.RegisterPrivacy(app.Group("/privacy", u.pageMiddleware, u.session, u.requireStaff), u.Pages)
	return nil
}

// assetVersion changes whenever a static file does, so browsers never use
// a stale script or style sheet with a new page.
func assetVersion() string {
	h := sha256.New()
	_ = fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err == nil {
			h.Write([]byte(p))
			h.Write(b)
		}
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// pageMiddleware handles the language switch (?lang=en sets a cookie).
// Errors of the pages become HTML pages in the app's error handler
// (errorPage), like every other error on a browser route.
func (u *ui) pageMiddleware(c *fiber.Ctx) error {
	if q := c.Query("lang"); q == "de" || q == "en" {
		c.Cookie(&fiber.Cookie{Name: webkit.LangCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600,
			HTTPOnly: true, SameSite: "Lax", Secure: c.Protocol() == "https"})
		webkit.SetPageLang(c, webkit.Lang(q))
	}
	return c.Next()
}

// browserRoute reports whether a path belongs to the pages: everything but
// the JSON API, the health check and the computations the pages' script
// asks for, so an unknown address, a refused upload or a timeout on a
// page's path is answered with a page too.
func browserRoute(path string) bool {
	return path != "/healthz" && path != "/api" && !strings.HasPrefix(path, "/api/") && !computeRoute(path)
}

// computeRoute reports whether a path is a computation of a form
// (core/web/internal/pagekit/compute.go), which answers in JSON.
func computeRoute(path string) bool {
	return (strings.HasPrefix(path, "/portal/forms/") || strings.HasPrefix(path, "/app/forms/")) && strings.HasSuffix(path, "/compute")
}

// errorPage renders an error of a browser route as an HTML page with the
// status and code of the API's error shape (already logged by the error
// handler; causes are never shown).
func (u *ui) errorPage(c *fiber.Ctx, apiErr *webkit.Error) error {
	l := webkit.PageLang(c)
	v := &pagekit.View{Lang: l, Title: webkit.Text(l, "error_title"), Area: areaOf(c.Path()), Data: errorView{
		Status: apiErr.Status, Code: apiErr.Code, Message: apiErr.Message, RequestID: webkit.RequestID(c),
		Back: backLink(c.Path()), Limits: u.LimitsView(), Fields: apiErr.Fields,
	}}
	return u.Render(c, apiErr.Status, "error", v)
}

type errorView struct {
	Status    int
	Code      string
	Message   string
	RequestID string
	Back      string
	// Limits are stated on the page of a refused upload.
	Limits pagekit.LimitsView
	// Fields name what was wrong with a refused post.
	Fields []fault.FieldError
}

func areaOf(path string) string {
	switch {
	case strings.HasPrefix(path, "/app"):
		return "app"
	case strings.HasPrefix(path, "/admin"):
		return "admin"
	}
	return "portal"
}

func backLink(path string) string {
	switch areaOf(path) {
	case "app":
		return "/app/"
	case "admin":
		return "/admin/"
	}
	return "/portal/"
}

// session resolves the browser's session cookie. A cookie that no longer
// names a valid session is removed and the request goes on anonymously.
func (u *ui) session(c *fiber.Ctx) error {
	token := c.Cookies(webkit.SessionCookie)
	if token == "" || strings.HasPrefix(token, auth.TokenPrefix) {
		return c.Next()
	}
	p, err := u.Auth.Authenticate(c.UserContext(), token)
	if err != nil {
		c.ClearCookie(webkit.SessionCookie)
		return c.Next()
	}
	pagekit.SetUIPrincipal(c, p)
	c.Locals(pagekit.SessionBindingKey, "s:"+pagekit.SessionBinding(token))
	return c.Next()
}

// requireStaff sends anonymous visitors to the login page (GET) or refuses
// them (other methods), and a user who must set up two-factor sign-in to
// its page.
func (u *ui) requireStaff(c *fiber.Ctx) error {
	if p := pagekit.UIPrincipal(c); p != nil {
		if answered, err := pagekit.TwoFactorDue(c, p); answered {
			return err
		}
		return c.Next()
	}
	if c.Method() == http.MethodGet {
		return c.Redirect("/app/login?next="+url.QueryEscape(c.OriginalURL()), http.StatusSeeOther)
	}
	return &webkit.Error{Status: http.StatusUnauthorized, Code: webkit.CodeUnauthorized}
}

func (u *ui) requireAdmin(c *fiber.Ctx) error {
	if p := pagekit.UIPrincipal(c); p != nil && p.Admin {
		return c.Next()
	}
	return &webkit.Error{Status: http.StatusForbidden, Code: webkit.CodeForbidden}
}
