package pagekit

import (
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/form"
	"vorgang/core/knowledge"
	"vorgang/core/web/internal/webkit"
)

// Deps is what the HTML pages need: the citizen portal (/portal), the
// staff workspace (/app) and the admin pages (/admin).
type Deps struct {
	Engine  *engine.Engine
	Auth    *auth.Service
	Catalog func() *definition.Catalog
	// Knowledge serves the knowledge base pages when set.
	Knowledge *knowledge.Service
	// Assets serves the asset pages of the workspace; nil: none (the
	// pages answer 404).
	Assets *asset.Service
	// BaseURL is where vorgang is reached, for links that leave the page:
	// asset labels, reset and tracking links, the sign-on redirect.
	// Default: the address of the request.
	BaseURL string

	// Secret signs CSRF and form tokens. Default: random at start, so
	// forms open in browsers expire when the server restarts; set it to
	// keep them valid across restarts and instances.
	Secret []byte
	// FormTTL is how long a form may be filled before it expires.
	// Default: 4 hours.
	FormTTL time.Duration
	// MaxFileSize bounds every uploaded file, whatever a form allows.
	// Default: 10 MB.
	MaxFileSize int64
	// Now defaults to time.Now.
	Now func() time.Time
}

func (d Deps) withDefaults() Deps {
	if d.FormTTL <= 0 {
		d.FormTTL = 4 * time.Hour
	}
	if d.MaxFileSize <= 0 {
		d.MaxFileSize = webkit.DefaultMaxFileSize
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return d
}

// Pages is what every page handler works with: the services, the parsed
// templates, the signer of CSRF and form tokens, and the limits of a post.
// The areas embed it and add their handlers.
type Pages struct {
	Deps
	Log *slog.Logger
	// Templates are the parsed pages by name (core/web parses them with
	// the functions of every area).
	Templates map[string]*template.Template
	Sign      Signer
	Limits    SubmissionLimits
	// BodyLimit is the server's body limit, stated on the page of a
	// refused upload.
	BodyLimit int64
	// AssetVersion changes whenever a static file does (see core/web).
	AssetVersion string
}

// New prepares the pages over parsed templates.
func New(d Deps, logger *slog.Logger, templates map[string]*template.Template, bodyLimit int64, assetVersion string) *Pages {
	d = d.withDefaults()
	p := &Pages{Deps: d, Log: logger, Templates: templates, Sign: newSigner(d.Secret), Limits: defaultSubmissionLimits,
		BodyLimit: bodyLimit, AssetVersion: assetVersion}
	p.Limits.MaxFileSize = d.MaxFileSize
	return p
}

// uploader names who uploads files in this request, so a form may only
// keep files its own browser sent: the user, or the anonymous cookie.
func (u *Pages) uploader(c *fiber.Ctx) string {
	if p := UIPrincipal(c); p != nil {
		return "user:" + p.User
	}
	return "portal:" + SessionBinding(u.Binding(c, false))[:32]
}

// ParseBody decodes the request body of a page post.
func (u *Pages) ParseBody(c *fiber.Ctx) (*Submission, error) {
	sub, err := parseSubmission(c.Get(fiber.HeaderContentType), c.Body(), u.Limits)
	switch {
	case errors.Is(err, errUnsupportedMedia):
		return nil, &webkit.Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Cause: err}
	case err != nil:
		return nil, &webkit.Error{Status: http.StatusBadRequest, Code: webkit.CodeBadRequest, Cause: err}
	}
	return sub, nil
}

// LimitsView states the upload limits of the pages: a person whose post
// was refused as too large learns what would have been accepted.
type LimitsView struct {
	FileSize  string // largest file, e.g. "10 MB"
	TotalSize string // largest post, all files together
	Files     int    // most files in one post
}

// LimitsView states the limits of this server.
func (u *Pages) LimitsView() LimitsView {
	return LimitsView{FileSize: form.ByteSize(u.MaxFileSize), TotalSize: form.ByteSize(u.BodyLimit), Files: u.Limits.MaxFiles}
}

// ReadPost parses a post of a page that has no form token (the admin
// pages, one's own account) and checks its CSRF token.
func (u *Pages) ReadPost(c *fiber.Ctx) (*Submission, error) {
	sub, err := u.ParseBody(c)
	if err != nil {
		return nil, err
	}
	if err := u.CheckPost(c, sub.First("_csrf")); err != nil {
		return nil, err
	}
	return sub, nil
}
