package app

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"vorgang/core/store"
)

// AssetRemindersLease is the lease whose holder runs the asset reminder
// job, so several instances on one database do not all scan the assets.
const AssetRemindersLease = "asset-reminders"

// assetRemindersEvery is how often the reminder job looks: reminders are
// days before a date, so an hour late is on time.
const assetRemindersEvery = time.Hour

// remindAssetsLoop runs RemindAssets at start and every hour.
func (a *App) remindAssetsLoop(ctx context.Context) error {
	return every(ctx, assetRemindersEvery, true, func() {
		if _, _, err := a.RemindAssets(ctx); err != nil && ctx.Err() == nil && !errors.Is(err, store.ErrDiskFull) {
			a.Logger.Warn("asset reminders failed; they run again", slog.String("error", err.Error()))
		}
	})
}

// RemindAssets records the reminders of the asset classes' end dates
// (asset.Service.RemindDue) at the app's clock, on this instance if it
// takes the lease for the hour; ran says whether it did, n how many
// reminders it recorded.
func (a *App) RemindAssets(ctx context.Context) (ran bool, n int, err error) {
	held, err := a.Store.AcquireLease(ctx, AssetRemindersLease, a.cfg.Holder, assetRemindersEvery)
	if err != nil || !held {
		return false, 0, err
	}
	n, err = a.Assets.RemindDue(ctx, a.cfg.Now())
	if n > 0 {
		a.Logger.Info("asset end dates reached their reminders", slog.Int("reminders", n))
	}
	return true, n, err
}
