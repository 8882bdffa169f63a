package app

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"vorgang/core/engine"
	"vorgang/core/store"
)

// retentionLeaseTTL bounds how long a crashed instance keeps others from
// enforcing retention; the holder renews it before every batch.
const retentionLeaseTTL = 10 * time.Minute

// DefaultRetentionEvery is how often retention is enforced after the run
// at start-up.
const DefaultRetentionEvery = time.Hour

// EnforceRetention applies the retention rules that are due, on the
// instance that holds the retention lease (engine.EnforceRetention): at
// start-up and then every RetentionEvery (retentionLoop), and before the
// server serves data restored from an archive (RetentionBeforeServing). It
// reports whether it held the lease.
func (a *App) EnforceRetention(ctx context.Context) (bool, engine.RetentionReport, error) {
	holder := a.cfg.Holder
	if a.Store.Mode() == store.ModeEmbedded {
		// One process owns an embedded data folder: a start after a
		// crash continues at once instead of waiting for the lease.
		holder = embeddedMigrationHolder
	}
	held, err := a.Store.AcquireLease(ctx, engine.RetentionLease, holder, retentionLeaseTTL)
	if err != nil || !held {
		return false, engine.RetentionReport{}, err
	}
	defer func() {
		if err := a.Store.ReleaseLease(context.WithoutCancel(ctx), engine.RetentionLease, holder); err != nil {
			a.Logger.Warn("retention lease not released; it expires", slog.String("error", err.Error()))
		}
	}()
	keep := func(ctx context.Context) bool {
		held, err := a.Store.RenewLease(ctx, engine.RetentionLease, holder, retentionLeaseTTL)
		return err == nil && held
	}
	progress := func(checked, applied int) {
		if applied > 0 {
			a.Logger.Info("retention", slog.Int("looked_at", checked), slog.Int("applied", applied))
		}
	}
	// Batches of 100: the lease is renewed and progress logged often.
	rep, err := a.Engine.EnforceRetention(ctx, engine.RetentionRun{Batch: 100, Keep: keep, Progress: progress})
	if n := len(rep.Actions) - rep.Failed; n > 0 || rep.Failed > 0 {
		a.Logger.Info("retention applied", slog.Int("rules_applied", n), slog.Int("failed", rep.Failed),
			slog.Int("held", rep.Held), slog.Int("tickets", rep.Checked))
	}
	return true, rep, err
}

// RetentionBeforeServing applies retention once before the server serves
// data restored from an archive, so the archive shows nothing retention
// removed since it was taken. Other starts leave it to retentionLoop,
// which begins at once beside the server: reading every ticket of a large
// store must not keep a restarted server from answering. It reports
// whether it ran.
func (a *App) RetentionBeforeServing(ctx context.Context) (bool, error) {
	restored, err := a.Store.Restored(ctx)
	if err != nil || !restored {
		return false, err
	}
	a.Logger.Info("retention before serving restored data")
	held, _, err := a.EnforceRetention(ctx)
	if err != nil {
		return true, err
	}
	if !held {
		// Another instance holds the lease and is applying it now.
		return true, nil
	}
	return true, a.Store.ClearRestored(ctx)
}

// retentionLoop enforces retention at start-up and every RetentionEvery.
func (a *App) retentionLoop(ctx context.Context) error {
	return every(ctx, a.cfg.RetentionEvery, true, func() {
		if _, _, err := a.EnforceRetention(ctx); err != nil && ctx.Err() == nil && !errors.Is(err, store.ErrDiskFull) {
			a.Logger.Warn("retention failed; it runs again", slog.String("error", err.Error()))
		}
	})
}
