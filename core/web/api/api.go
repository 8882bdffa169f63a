package api

import (
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/knowledge"
	"vorgang/core/web/internal/webkit"
)

// Deps is what the JSON API needs.
type Deps struct {
	Engine  *engine.Engine
	Auth    *auth.Service
	Catalog func() *definition.Catalog
	// Assets serves /api/v1/assets when set.
	Assets *asset.Service
	// Knowledge serves /api/v1/articles when set.
	Knowledge *knowledge.Service
	// BaseURL is where vorgang is reached, for the links an answer
	// carries (tracking, password reset). Default: the address of the
	// request.
	BaseURL string
	// MaxFileSize bounds an uploaded file (an article's). Default:
	// webkit.DefaultMaxFileSize, as on the pages.
	MaxFileSize int64
}

// Register adds the routes of /api/v1 to app. cl tells where a request
// comes from; citizens is the rate limit of callers without an account,
// shared with the portal's posts.
func Register(app *fiber.App, d Deps, cl webkit.Clients, citizens fiber.Handler) {
	if d.MaxFileSize <= 0 {
		d.MaxFileSize = webkit.DefaultMaxFileSize
	}
	a := &api{Deps: d, clients: cl}
	v1 := app.Group("/api/v1", a.authenticate)
	v1.Post("/login", a.login)
	v1.Post("/logout", a.logout)
	v1.Get("/me", a.me)
	v1.Get("/processes", a.processes)
	v1.Get("/openapi.json", newOpenAPI(d).serve)
	v1.Post("/tickets", citizens, a.createTicket)
	v1.Get("/tickets", a.listTickets)
	v1.Get("/search", a.searchTickets)
	v1.Get("/export/tickets", a.exportTickets)
	v1.Get("/tickets/:number", a.getTicket)
	v1.Get("/track/:token", a.track)
	v1.Post("/tickets/:number/transitions/:transition", a.transition)
	v1.Post("/tickets/:number/comments", a.comment)
	v1.Post("/tickets/:number/assign", a.assign)
	v1.Post("/tickets/:number/approve", a.approve)
	v1.Post("/tickets/:number/reject", a.reject)
	registerUsers(v1, a)
	registerOutbox(v1, a)
	registerReports(v1, a)
	registerPrivacy(v1, a)
	if d.Assets != nil {
		registerAssets(v1, a)
	}
	if d.Knowledge != nil {
		registerArticles(v1, a)
	}
}

type api struct {
	Deps
	clients webkit.Clients
}

// authenticate resolves the caller from an API token (Authorization:
// Bearer vg_…) or a session (Bearer or cookie). Anonymous requests pass
// with no principal; handlers decide what anonymous callers may do.
func (a *api) authenticate(c *fiber.Ctx) error {
	token := credential(c)
	if token == "" {
		return c.Next()
	}
	var p *auth.Principal
	var err error
	if strings.HasPrefix(token, auth.TokenPrefix) {
		p, err = a.Auth.AuthenticateToken(c.UserContext(), token)
	} else {
		p, err = a.Auth.Authenticate(c.UserContext(), token)
		if err == nil && p.TwoFactorDue && c.Path() != "/api/v1/login" && c.Path() != "/api/v1/logout" {
			// A session of a user who must set up two-factor sign-in
			// first (in the browser); API tokens are credentials of
			// their own and stay valid.
			return &webkit.Error{Status: http.StatusForbidden, Code: webkit.CodeTwoFactorDue}
		}
	}
	if err != nil {
		return &webkit.Error{Status: http.StatusUnauthorized, Code: webkit.CodeUnauthorized, Cause: err}
	}
	webkit.WithPrincipal(c, p)
	return c.Next()
}

// credential is the token the caller presents: the Authorization header's
// bearer token (an API token or a session token), else the session cookie.
func credential(c *fiber.Ctx) string {
	if h := c.Get(fiber.HeaderAuthorization); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	}
	return c.Cookies(webkit.SessionCookie)
}

// staff returns the caller or a 401 when the request is anonymous.
func staff(c *fiber.Ctx) (*auth.Principal, error) {
	if p := webkit.Principal(c); p != nil {
		return p, nil
	}
	return nil, &webkit.Error{Status: http.StatusUnauthorized, Code: webkit.CodeUnauthorized}
}

func langOf(c *fiber.Ctx) string { return string(webkit.RequestLang(c)) }

// bind decodes a JSON body, answering 400 with the reason when it is not.
func bind(c *fiber.Ctx, out any) error {
	if len(c.Body()) == 0 {
		return nil
	}
	if !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON) {
		return &webkit.Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type"}
	}
	if err := c.BodyParser(out); err != nil {
		return &webkit.Error{Status: http.StatusBadRequest, Code: "invalid_json", Cause: err}
	}
	return nil
}
