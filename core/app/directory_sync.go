package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"vorgang/core/auth"
	"vorgang/core/identity"
	"vorgang/core/store"
)

// DirectorySyncLease is the lease whose holder reads the directory, so
// several instances on one database do not all do it.
const DirectorySyncLease = "directory-sync"

// syncDirectoryLoop runs SyncDirectory on the instance that holds the
// lease, at start and every DirectorySyncEvery.
func (a *App) syncDirectoryLoop(ctx context.Context) error {
	ttl := a.cfg.DirectorySyncEvery
	return every(ctx, ttl, true, func() {
		if !a.directory.Configured() {
			return
		}
		held, err := a.Store.AcquireLease(ctx, DirectorySyncLease, a.cfg.Holder, ttl)
		if err == nil && held {
			err = a.SyncDirectory(ctx)
		}
		if err != nil && ctx.Err() == nil && !errors.Is(err, store.ErrDiskFull) {
			a.Logger.Warn("directory sync failed; it runs again", slog.String("error", err.Error()))
		}
	})
}

// syncBatch is how many people SyncDirectory syncs at a time at most. A
// batch is also cut where a tenth of the people is reached, so the
// progress lines tell the truth.
const syncBatch = 500

// SyncDirectory reads every person of the directory and creates or
// updates their users, then disables the directory users it did not find:
// people who left. Users are never deleted. A listing that fails part-way
// disables nobody, as a missing page must not look like people leaving.
// Without a directory it does nothing.
//
// People are synced in batches (auth.DirectorySync): a batch of new users
// is one insert, not one per person.
func (a *App) SyncDirectory(ctx context.Context) error {
	dir, err := a.directory.Directory()
	if err != nil || dir == nil {
		return err
	}
	log := a.Logger.With(slog.String("component", "directory sync"), slog.String("provider", dir.ID()))
	log.Info("directory sync started")
	run, err := a.Auth.NewDirectorySync(ctx)
	if err != nil {
		return fmt.Errorf("directory sync: %w", err)
	}
	seen := map[string]bool{}
	failed, nextTenth := 0, 1
	var pending []*identity.Person
	flush := func() {
		people := make([]*auth.DirectoryPerson, len(pending))
		for i, p := range pending {
			people[i] = &auth.DirectoryPerson{Login: p.Login, DisplayName: p.DisplayName,
				Email: p.Email, Lang: p.Lang, Manager: p.Manager, Roles: p.Roles, Teams: p.Teams}
		}
		for i, err := range run.Sync(ctx, people) {
			if err != nil {
				failed++
				log.Warn("directory entry not synced", slog.String("dn", pending[i].DN), slog.String("error", err.Error()))
			}
		}
		pending = pending[:0]
	}
	err = dir.People(ctx, func(p *identity.Person, i, total int) error {
		// Seen even when the update fails: the person is still in the
		// directory and must not be disabled for an entry vorgang cannot
		// take (a login that is no valid user name, a stale mapping).
		seen[auth.NormalizeName(p.Login)] = true
		pending = append(pending, p)
		done := i + 1
		if len(pending) < syncBatch && done < total && done*10 < nextTenth*total {
			return nil
		}
		flush()
		for ; nextTenth <= 10 && done*10 >= nextTenth*total; nextTenth++ {
			log.Info("directory sync progress", slog.Int("percent", nextTenth*10), slog.Int("done", done), slog.Int("of", total))
		}
		return nil
	})
	if len(pending) > 0 && ctx.Err() == nil {
		// Listed before the listing failed: as good as any.
		flush()
	}
	if err != nil {
		return fmt.Errorf("directory sync: %w", err)
	}
	disabled, err := run.DisableUsersExcept(ctx, seen)
	for _, name := range disabled {
		log.Info("user disabled: no longer in the directory", slog.String("user", name))
	}
	if err != nil {
		return fmt.Errorf("directory sync: %w", err)
	}
	log.Info("directory sync finished", slog.Int("synced", len(seen)-failed), slog.Int("failed", failed), slog.Int("disabled", len(disabled)))
	return nil
}
