package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/notify"
	"vorgang/core/store"
)

// startBackground starts the SLA scheduler and the notification worker.
// Both run on every instance; the sweep lease and the outbox claims make
// each piece of work happen once.
func startBackground(ctx context.Context, cfg serveConfig, st *store.Store, eng *engine.Engine, authn *auth.Service, live *definition.Live, log *slog.Logger) error {
	host, _ := os.Hostname()
	holder := fmt.Sprintf("%s/%d", host, os.Getpid())
	sched, err := eng.NewSLAScheduler(engine.SchedulerConfig{Holder: holder})
	if err != nil {
		return err
	}
	go sched.Run(ctx)

	var sender notify.Sender
	if cfg.smtpURL != "" {
		smtpCfg, err := notify.ParseSMTPURL(cfg.smtpURL)
		if err != nil {
			return err
		}
		sender = notify.NewSMTPSender(smtpCfg)
		log.Info("mail delivery", slog.String("smtp", smtpCfg.Redacted()), slog.String("from", cfg.mailFrom))
	} else {
		log.Warn("no --smtp-url: mails are kept in the outbox until a mail server is configured")
	}
	w, err := notify.NewWorker(notify.Config{
		Store: st, Catalog: live.Catalog, Directory: notify.AuthDirectory{Auth: authn},
		Committed: func(ctx context.Context, item *store.OutboxItem) (bool, error) {
			return engine.EffectCommitted(ctx, st, item)
		},
		Sender: sender, From: cfg.mailFrom, BaseURL: cfg.baseURL, Name: "notify/" + holder, Logger: log,
	})
	if err != nil {
		return err
	}
	go w.Run(ctx)
	return nil
}
