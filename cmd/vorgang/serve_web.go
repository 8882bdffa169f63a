package main

import (
	"log/slog"
	"os"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/app"
	"vorgang/core/definition"
	"vorgang/core/notify"
	"vorgang/core/web"
)

// mailConfig reads how mails leave vorgang from the serve flags.
func mailConfig(cfg serveConfig, log *slog.Logger) (app.Mail, error) {
	// VORGANG_SECRET also signs the ticket into the Message-ID and reply
	// address of each mail, so replies by mail find their ticket.
	m := app.Mail{From: cfg.mailFrom, BaseURL: cfg.baseURL, ThreadSecret: []byte(os.Getenv("VORGANG_SECRET"))}
	if cfg.smtpURL == "" {
		log.Warn("no --smtp-url: mails are kept in the outbox until a mail server is configured")
		return m, nil
	}
	smtpCfg, err := notify.ParseSMTPURL(cfg.smtpURL)
	if err != nil {
		return m, err
	}
	m.Sender = notify.NewSMTPSender(smtpCfg)
	log.Info("mail delivery", slog.String("smtp", smtpCfg.Redacted()), slog.String("from", cfg.mailFrom))
	return m, nil
}

// newWebServer puts the HTTP API, the pages and the health checks onto
// the app's services.
func newWebServer(a *app.App, live *definition.Live, cfg serveConfig) *fiber.App {
	return web.New(web.Deps{
		Logger:  a.Logger,
		Store:   a.Store,
		Metrics: a.Metrics,
		Catalog: func() web.CatalogInfo {
			c := live.Catalog()
			return web.CatalogInfo{Hash: c.Hash(), Definitions: c.Len(), LoadedAt: c.LoadedAt()}
		},
		TrustedProxies: cfg.proxies,
		API:            &web.APIDeps{Engine: a.Engine, Auth: a.Auth, Catalog: live.Catalog, Assets: a.Assets, Knowledge: a.Knowledge, BaseURL: cfg.baseURL},
		// VORGANG_SECRET keeps forms and CSRF tokens valid across restarts
		// and instances; without it they are signed with a random key.
		UI: &web.UIDeps{Engine: a.Engine, Auth: a.Auth, Catalog: live.Catalog, Knowledge: a.Knowledge, Secret: []byte(os.Getenv("VORGANG_SECRET")),
			Assets: a.Assets, BaseURL: cfg.baseURL},
	})
}

// newMetricsServer is the server of --metrics-addr.
func newMetricsServer(a *app.App) *fiber.App { return web.NewMetricsServer(a.Metrics) }
