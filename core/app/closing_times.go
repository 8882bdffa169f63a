package app

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"vorgang/core/engine"
	"vorgang/core/store"
)

// closingTimesLoop runs the migration that fills in the closing times of
// tickets finished before they were kept (engine.FillClosingTimes) once
// after start, in the background: the server serves meanwhile, and only
// reports of the weeks before the upgrade miss closes until it is done.
// An instance that could not finish it (another holds its lease, or it
// failed) tries again later; the run resumes where the last one stopped.
func (a *App) closingTimesLoop(ctx context.Context) error {
	for {
		done, err := a.FillClosingTimes(ctx)
		if err != nil && ctx.Err() == nil && !errors.Is(err, store.ErrDiskFull) {
			a.Logger.Warn("closing times not filled in yet; tried again", slog.String("error", err.Error()))
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(migrationLeaseTTL):
		}
	}
}

// FillClosingTimes runs engine.FillClosingTimes on the instance that takes
// its lease and reports whether the migration is done (by this run or an
// earlier one).
func (a *App) FillClosingTimes(ctx context.Context) (bool, error) {
	renew, release, err := a.migrationLease(ctx, engine.ClosingTimesLease)
	if err != nil || renew == nil {
		return false, err
	}
	defer release()
	res, err := a.Engine.FillClosingTimes(ctx, engine.FillOptions{Renew: renew})
	if res.Filled > 0 {
		a.Logger.Info("closing times filled in", slog.Int("tickets", res.Filled), slog.Int("looked_at", res.LookedAt), slog.Bool("done", res.Done))
	}
	return res.Done, err
}
