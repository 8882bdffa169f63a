package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"

	"vorgang/core/engine"
	"vorgang/core/store"
)

// Loop is one piece of background work Run starts. Run returns when ctx
// ends; an error ends every other loop of the App too.
type Loop struct {
	Name string
	Run  func(ctx context.Context) error
}

// ErrClosed is returned by Run on an App that is closing or closed.
var ErrClosed = errors.New("app: closed")

// SessionSweepLease is the lease whose holder sweeps expired sessions, so
// several instances on one database do not all scan.
const SessionSweepLease = "session-sweep"

// UploadSweepLease is the lease whose holder deletes the uploads no ticket
// took.
const UploadSweepLease = "upload-sweep"

// OutboxPurgeLease is the lease whose holder deletes old done outbox
// items.
const OutboxPurgeLease = "outbox-purge"

// Run runs every background loop until ctx ends, Close is called or a loop
// fails, and returns when all of them have returned. Every instance runs
// every loop: leases and outbox claims make each piece of work happen
// once.
func (a *App) Run(ctx context.Context) error {
	a.mu.Lock()
	if a.stopping {
		a.mu.Unlock()
		return ErrClosed
	}
	a.running.Add(1)
	a.mu.Unlock()
	defer a.running.Done()

	stoppable, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-a.stopped:
			cancel()
		case <-stoppable.Done():
		}
	}()
	g, loopCtx := errgroup.WithContext(stoppable)
	for _, l := range append(a.loops(), a.cfg.Loops...) {
		g.Go(func() error {
			if err := l.Run(loopCtx); err != nil && loopCtx.Err() == nil {
				return fmt.Errorf("%s: %w", l.Name, err)
			}
			return nil
		})
	}
	return g.Wait()
}

// loops are the services' own background work.
func (a *App) loops() []Loop {
	return []Loop{
		{"asset index warm-up", a.warmAssets},
		{"search index", a.runSearch},
		{"scheduled jobs", func(ctx context.Context) error {
			a.Engine.NewScheduler(a.Store, "").Run(ctx)
			return nil
		}},
		{"SLA sweep", func(ctx context.Context) error { a.sla.Run(ctx); return nil }},
		{"notifications", func(ctx context.Context) error { a.Mailer.Run(ctx); return nil }},
		{"webhooks", func(ctx context.Context) error { a.Webhooks.Run(ctx); return nil }},
		{"follow-up work", a.runEffects},
		{"session sweep", a.sweepSessions},
		{"upload sweep", a.sweepUploads},
		{"directory sync", a.syncDirectoryLoop},
		{"mail-in", a.mailIn},
		{"outbox watch", a.watchOutbox},
		{"outbox purge", a.purgeOutbox},
		{"LMTP listener", a.LMTP.Run},
		{"scheduled backup", a.backupLoop},
		{"asset reminders", a.remindAssetsLoop},
		{"retention", a.retentionLoop},
		{"closing times", a.closingTimesLoop},
	}
}

// warmAssets loads the asset index ahead of the first search.
func (a *App) warmAssets(ctx context.Context) error {
	if err := a.Assets.Warm(ctx); err != nil && ctx.Err() == nil {
		a.Logger.Warn("asset index not loaded; the first search loads it", slog.String("error", err.Error()))
	}
	return nil
}

// runEffects finishes follow-up work (child tickets) that a crash or an
// error left queued.
func (a *App) runEffects(ctx context.Context) error {
	return every(ctx, a.cfg.EffectsEvery, false, func() {
		if _, err := a.Engine.RunEffects(ctx); err != nil && ctx.Err() == nil {
			a.Logger.Warn("follow-up work failed; it is retried", slog.String("error", err.Error()))
		}
	})
}

// sweepSessions deletes expired sessions and login failure counters on the
// instance that holds the sweep lease.
func (a *App) sweepSessions(ctx context.Context) error {
	ttl := a.cfg.SessionSweepEvery
	return every(ctx, ttl, true, func() {
		held, err := a.Store.AcquireLease(ctx, SessionSweepLease, a.cfg.Holder, ttl)
		if err == nil && held {
			_, err = a.Auth.Sweep(ctx)
		}
		if err != nil && ctx.Err() == nil && !errors.Is(err, store.ErrDiskFull) {
			a.Logger.Warn("session sweep failed; it runs again", slog.String("error", err.Error()))
		}
	})
}

// sweepUploads deletes, on the instance that holds the lease, the uploads
// no ticket took within the grace period (engine.SweepUploads).
func (a *App) sweepUploads(ctx context.Context) error {
	ttl := a.cfg.UploadSweepEvery
	return every(ctx, ttl, true, func() {
		held, err := a.Store.AcquireLease(ctx, UploadSweepLease, a.cfg.Holder, ttl)
		if err == nil && held {
			_, err = a.Engine.SweepUploads(ctx, a.cfg.UploadGrace)
		}
		if err != nil && ctx.Err() == nil && !errors.Is(err, store.ErrDiskFull) {
			a.Logger.Warn("upload sweep failed; it runs again", slog.String("error", err.Error()))
		}
	})
}

// longFailing is how long queued work may keep failing before it is
// logged as a warning, and how often that is checked.
const longFailing = time.Hour

// watchOutbox warns, every hour, of work that has been failing for over
// an hour (mails, webhooks, child tickets): a receiver or mail server is
// down, or refuses something, and somebody should look.
func (a *App) watchOutbox(ctx context.Context) error {
	return every(ctx, longFailing, false, func() {
		backlog, err := a.Engine.LongFailing(ctx, longFailing)
		if err != nil {
			if ctx.Err() == nil {
				a.Logger.Warn("outbox watch failed", slog.String("error", err.Error()))
			}
			return
		}
		for _, b := range backlog {
			a.Logger.Warn("queued work has been failing for over an hour",
				slog.String("kind", b.Kind), slog.Int("items", b.Count), slog.Time("oldest_queued", b.Oldest))
		}
	})
}

// purgeOutbox deletes, hourly on the instance that holds the lease, the
// outbox items done more than store.DefaultOutboxKeep ago: the record of
// mails and posts that went out, which would otherwise grow with every
// ticket; and the claims of creates under an idempotency key made more
// than engine.DefaultCreateClaimKeep ago (wall-clock, as the claims
// record it); and the content of knowledge base files no address serves
// any more (knowledge.Service.PurgeFiles).
func (a *App) purgeOutbox(ctx context.Context) error {
	return every(ctx, time.Hour, true, func() {
		held, err := a.Store.AcquireLease(ctx, OutboxPurgeLease, a.cfg.Holder, time.Hour)
		if err == nil && held {
			var n int
			n, err = a.Store.PurgeOutbox(ctx, a.cfg.Now().Add(-store.DefaultOutboxKeep))
			if n > 0 {
				a.Logger.Info("old outbox items deleted", slog.Int("items", n))
			}
			if err == nil {
				n, err = a.Engine.PurgeCreateClaims(ctx, time.Now().Add(-engine.DefaultCreateClaimKeep))
				if n > 0 {
					a.Logger.Info("old idempotency claims deleted", slog.Int("claims", n))
				}
			}
			if err == nil {
				n, err = a.Knowledge.PurgeFiles(ctx, a.cfg.Now())
				if n > 0 {
					a.Logger.Info("files of knowledge articles no longer served deleted", slog.Int("files", n))
				}
			}
		}
		if err != nil && ctx.Err() == nil && !errors.Is(err, store.ErrDiskFull) {
			a.Logger.Warn("outbox purge failed; it runs again", slog.String("error", err.Error()))
		}
	})
}

// every calls do each interval until ctx ends, and at once when now is
// set.
func every(ctx context.Context, interval time.Duration, now bool, do func()) error {
	if now {
		do()
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			do()
		}
	}
}
