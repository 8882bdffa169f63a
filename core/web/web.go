// Package web is the HTTP face of vorgang and, with its sub-packages, the
// only code that knows HTTP. This package builds the Fiber app (New): the
// middleware every request passes (request id, request log, recovery,
// security headers, refused content codings, timeouts), the central error
// handler that writes the one error shape (or an error page on a browser
// route), the health and readiness checks, the page templates and static
// files, the session and the staff and admin guards of the pages, and the
// registration of the areas, each a sub-package: the JSON API under
// /api/v1 with its OpenAPI description (core/web/api), the citizen portal
// under /portal (core/web/portal), the staff workspace under /app
// (core/web/workspace) and the admin pages under /admin (core/web/admin).
// What the areas share (the error shape and the table from core/fault
// kinds to statuses, the words in German and English, client addresses,
// the citizen rate limit, request ids) is in core/web/internal/webkit; the
// page machinery no single area owns (rendering, CSRF, form posts and
// tokens, the generated forms, the user form) is in
// core/web/internal/pagekit.
//
// Pages are rendered on the server from html/template, work without
// JavaScript, and come in German and English. Handlers stay thin: they
// decode the request, call the engine (or auth and assets), and turn the
// answer or the error's core/fault kind into a status and words. What the
// handlers need from the rest of vorgang comes in through Deps; core/app
// builds those parts and cmd/vorgang puts them together.
package web

import (
	"fmt"
	"log/slog"
	"net/netip"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/metrics"
	"vorgang/core/web/api"
	"vorgang/core/web/internal/webkit"
)

// DefaultCitizenRate is how many posts one address may make per minute
// without an account: enough for a family sending a few requests and
// replies, too few for a robot filling the inboxes.
const DefaultCitizenRate = 10

// computeRateFactor is how many computations one address may ask for per
// post it may make without an account: a person typing asks after each
// pause, so the computations count apart from the posts and never use up
// the posts' budget.
const computeRateFactor = 12

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

	// Metrics, when set, counts every request by route, method and status
	// class, with its latency.
	Metrics *metrics.Metrics

	// API serves /api/v1 when set.
	API *APIDeps

	// UI serves the HTML pages when set: the citizen portal (/portal), the
	// staff workspace (/app) and the admin pages (/admin).
	UI *UIDeps
}

// APIDeps is what the JSON API needs (core/web/api).
type APIDeps = api.Deps

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
		if pages, err = newUI(*deps.UI, deps.Logger, int64(deps.BodyLimit)); err != nil {
			panic(fmt.Sprintf("web: %v", err))
		}
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
	app.Use(requestLogMiddleware(deps.Logger, deps.Metrics))
	app.Use(recoverMiddleware())
	app.Use(securityHeaders)
	app.Use(refuseContentEncoding)

	h := &healthHandler{store: deps.Store, catalog: deps.Catalog, logger: deps.Logger}
	app.Get("/healthz", h.serve)
	app.Get("/readyz", h.ready)
	cl := webkit.Clients{Trusted: deps.TrustedProxies}
	citizens := webkit.CitizenLimit(deps.CitizenRate, cl)
	if deps.API != nil {
		api.Register(app, *deps.API, cl, citizens)
	}
	if pages != nil {
		pages.clients, pages.citizenLimit = cl, citizens
		pages.computeLimit = webkit.CitizenLimit(deps.CitizenRate*computeRateFactor, cl)
		if err := pages.register(app); err != nil {
			panic(fmt.Sprintf("web: %v", err))
		}
	}

	return app
}
