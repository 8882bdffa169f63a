// Package web is the HTTP face of vorgang and the only package that knows
// HTTP: the JSON API under /api/v1 (with its OpenAPI description), the
// citizen portal (/portal/), the staff workspace (/app/), the admin pages
// (/admin/), and the health and readiness checks. Pages are rendered on the
// server from html/template, work without JavaScript, and come in German
// and English (i18n.go, ui_text.go). Handlers stay thin: they decode the
// request, call the engine (or auth and assets), and turn the answer or the
// error's core/fault kind into a status and words (error_kinds.go). What the
// handlers need from the rest of vorgang comes in through Deps; core/app
// builds those parts and cmd/vorgang puts them together.
package web

import (
	"fmt"
	"log/slog"
	"net/netip"

	"github.com/gofiber/fiber/v2"
)

// DefaultBodyLimit is the request body limit used when Deps.BodyLimit is zero.
const DefaultBodyLimit = 4 << 20

// Deps carries everything the web layer needs from the rest of vorgang.
// The zero value of each optional field has a documented default.
type Deps struct {
	// Logger receives one INFO line per request and the causes of internal
	// errors. Default: slog.Default().
	Logger *slog.Logger

	// Store is asked whether the database answers. If nil, /healthz reports
	// the store as unreachable with reason "not_configured".
	Store StorePinger

	// Catalog reports the loaded definitions. If nil, /healthz omits the
	// catalog section.
	Catalog CatalogInfoFunc

	// BodyLimit is the largest request body accepted, in bytes; larger bodies
	// are answered with 413 body_too_large. Default: DefaultBodyLimit.
	BodyLimit int

	// Timeouts bound how long a client may take; zero fields get the
	// defaults of DefaultTimeouts.
	Timeouts Timeouts

	// CitizenRate is the number of posts one client address may make per
	// minute without an account: portal submissions and replies, and
	// anonymous creates through the API, counted together. Default:
	// DefaultCitizenRate.
	CitizenRate int

	// TrustedProxies are the reverse proxies in front of vorgang: for a
	// request from one of them, the client's address is taken from
	// X-Forwarded-For (login throttling and rate limits count per client
	// address). Default: none; the peer's address is the client's.
	TrustedProxies []netip.Prefix

	// API serves /api/v1 when set.
	API *APIDeps

	// UI serves the HTML pages when set: the citizen portal (/portal), the
	// staff workspace (/app) and the admin pages (/admin).
	UI *UIDeps
}

// withDefaults returns a copy of d with defaults filled in.
func (d Deps) withDefaults() Deps {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	d.Timeouts = d.Timeouts.withDefaults()
	if d.CitizenRate <= 0 {
		d.CitizenRate = DefaultCitizenRate
	}
	if d.BodyLimit <= 0 {
		d.BodyLimit = DefaultBodyLimit
		if d.UI != nil {
			d.BodyLimit = DefaultUIBodyLimit
		}
	}
	return d
}

// New builds the Fiber app serving vorgang over HTTP. The caller listens
// (app.Listen or app.Listener) and shuts it down (app.ShutdownWithContext).
// It panics only when the embedded page templates do not parse, which the
// package's tests rule out.
func New(deps Deps) *fiber.App {
	deps = deps.withDefaults()

	var pages *ui
	if deps.UI != nil {
		var err error
		if pages, err = newUI(*deps.UI, deps.Logger); err != nil {
			panic(fmt.Sprintf("web: %v", err))
		}
		pages.bodyLimit = int64(deps.BodyLimit)
	}
	app := fiber.New(fiber.Config{
		DisableStartupMessage: true,
		BodyLimit:             deps.BodyLimit,
		ReadTimeout:           deps.Timeouts.Header,
		WriteTimeout:          deps.Timeouts.Write,
		IdleTimeout:           deps.Timeouts.Idle,
		ErrorHandler:          errorHandler(deps.Logger, pages),
	})
	app.Server().HeaderReceived = deps.Timeouts.forBody

	// Order matters: the request id exists before anything logs, the request
	// log sees the final status because it settles errors itself, and the
	// recover middleware sits inside it so a panic becomes an ordinary error.
	app.Use(requestIDMiddleware)
	app.Use(requestLogMiddleware(deps.Logger))
	app.Use(recoverMiddleware())
	app.Use(securityHeaders)
	app.Use(refuseContentEncoding)

	h := &healthHandler{store: deps.Store, catalog: deps.Catalog, logger: deps.Logger}
	app.Get("/healthz", h.serve)
	app.Get("/readyz", h.ready)
	cl := clients{trusted: deps.TrustedProxies}
	citizens := citizenLimit(deps.CitizenRate, cl)
	if deps.API != nil {
		registerAPI(app, *deps.API, cl, citizens)
	}
	if pages != nil {
		pages.clients, pages.citizenLimit = cl, citizens
		pages.computeLimit = citizenLimit(deps.CitizenRate*computeRateFactor, cl)
		if err := pages.register(app); err != nil {
			panic(fmt.Sprintf("web: %v", err))
		}
	}

	return app
}
