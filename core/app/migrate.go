package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"vorgang/core/engine"
	"vorgang/core/store"
)

// embeddedMigrationHolder holds the migration lease on the embedded store.
const embeddedMigrationHolder = "embedded-store-owner"

// migrationLeaseTTL bounds how long a crashed instance keeps others from
// finishing its migrations.
const migrationLeaseTTL = 10 * time.Minute

// Migrate applies the migrations of the definitions in service, on the
// instance that holds the migration lease; another instance running at
// the same time does nothing (the holder migrates every ticket, and a
// ticket already migrated is skipped by the next run anyway). It reports
// whether it held the lease.
func (a *App) Migrate(ctx context.Context) (bool, engine.MigrationResult, error) {
	if len(a.cfg.Catalog().Migrations()) == 0 {
		return false, engine.MigrationResult{}, nil
	}
	renew, release, err := a.migrationLease(ctx, engine.MigrationLease)
	if err != nil || renew == nil {
		return false, engine.MigrationResult{}, err
	}
	defer release()
	// A line at every tenth of a migration's tickets.
	logged := map[string]int{}
	progress := func(migration string, done, total int) {
		if tenth := done * 10 / total; tenth > logged[migration] {
			logged[migration] = tenth
			a.Logger.Info("migrating", slog.String("migration", migration), slog.Int("looked_at", done), slog.Int("open_tickets", total))
		}
	}
	// A migration written for certain versions applies when the version
	// in service replaced one of them; recorded, so a resumed migration
	// sees the same.
	replaced, err := a.Store.ReplacedDefinitionVersion(ctx)
	if err != nil {
		return true, engine.MigrationResult{}, fmt.Errorf("migrate: %w", err)
	}
	res, err := a.Engine.Migrate(ctx, engine.MigrateOptions{Renew: renew, Progress: progress, Replaced: replaced})
	if err != nil {
		return true, res, fmt.Errorf("migrate: %w", err)
	}
	for id, n := range res.Migrated {
		a.Logger.Info("tickets migrated", slog.String("migration", id), slog.Int("tickets", n))
	}
	if res.Failed > 0 {
		a.Logger.Warn("tickets not migrated; they are tried again at the next start or reload", slog.Int("tickets", res.Failed))
		for _, f := range res.Failures {
			a.Logger.Warn("ticket not migrated", slog.String("ticket", f.Ticket), slog.String("migration", f.Migration), slog.String("error", f.Error))
		}
	}
	return true, res, nil
}

// migrationLease takes the lease of a migration. It returns nil functions
// when another instance holds it; else renew, to call before each batch,
// and release, to call when done.
func (a *App) migrationLease(ctx context.Context, name string) (renew func(context.Context) error, release func(), err error) {
	holder := a.cfg.Holder
	if a.Store.Mode() == store.ModeEmbedded {
		// One process owns an embedded data folder (its lock file sees to
		// it), so a migration lease held there before was its owner's: a
		// start after a crash resumes the migration at once rather than
		// wait for the dead process's lease to run out.
		holder = embeddedMigrationHolder
	}
	held, err := a.Store.AcquireLease(ctx, name, holder, migrationLeaseTTL)
	if err != nil || !held {
		return nil, nil, err
	}
	release = func() {
		if err := a.Store.ReleaseLease(context.WithoutCancel(ctx), name, holder); err != nil {
			a.Logger.Warn("migration lease not released; it expires", slog.String("lease", name), slog.String("error", err.Error()))
		}
	}
	// Renewed before each batch: a migration of many tickets outlasts one
	// lease, and an instance that lost the lease stops before its next
	// batch rather than write beside the one that took it over.
	renew = func(ctx context.Context) error {
		held, err := a.Store.RenewLease(ctx, name, holder, migrationLeaseTTL)
		if err != nil {
			return err
		}
		if !held {
			return errors.New("the migration lease was taken over")
		}
		return nil
	}
	return renew, release, nil
}
