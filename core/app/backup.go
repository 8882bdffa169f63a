package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"vorgang/core/store"
)

// Backup configures the scheduled backup of the embedded store. With a zero
// Every there is none.
type Backup struct {
	// Every is the time between two backups. The next one is due Every
	// after the newest archive in Dir, so a restart neither skips nor
	// repeats one.
	Every time.Duration
	// Dir is the folder the archives are written to, as
	// vorgang-backup-YYYYMMDD-HHMMSS.tar.gz (UTC). Required with Every.
	Dir string
	// Keep is how many archives of that name Dir keeps; older ones are
	// deleted after each backup. Default DefaultBackupKeep.
	Keep int
}

// DefaultBackupKeep is how many scheduled archives are kept by default: a
// week of nightly backups.
const DefaultBackupKeep = 7

// BackupLease is the lease whose holder writes the scheduled backup.
const BackupLease = "backup"

// backupLeaseTTL bounds how long a crashed holder keeps the others from
// taking the backup; a backup of 100k tickets takes minutes.
const backupLeaseTTL = time.Hour

// Archive names: BackupFilePrefix, the UTC time of the backup in
// BackupTimeLayout, BackupFileSuffix. vorgang backup names its archives
// the same way by default.
const (
	BackupFilePrefix = "vorgang-backup-"
	BackupTimeLayout = "20060102-150405"
	BackupFileSuffix = ".tar.gz"
)

// checkBackup validates the scheduled backup's configuration against the
// store it would back up.
func checkBackup(b *Backup, mongoURI string) error {
	if b.Every <= 0 {
		return nil
	}
	if mongoURI != "" {
		// A backup of MongoDB read while other instances write is no copy
		// of one instant; pretending otherwise on a schedule would be worse
		// than no schedule.
		return errors.New("app: scheduled backups are for the embedded store; back up MongoDB with mongodump --oplog or snapshots of its storage")
	}
	if b.Dir == "" {
		return errors.New("app: a scheduled backup needs a folder for the archives")
	}
	if b.Keep <= 0 {
		b.Keep = DefaultBackupKeep
	}
	if err := os.MkdirAll(b.Dir, 0o700); err != nil {
		return fmt.Errorf("app: backup folder: %w", err)
	}
	return nil
}

// backupLoop writes a backup whenever the newest archive in the folder is
// Every old, on the instance that holds the backup lease.
func (a *App) backupLoop(ctx context.Context) error {
	b := a.cfg.Backup
	if b.Every <= 0 {
		return nil
	}
	log := a.Logger.With(slog.String("component", "backup"))
	retry := min(b.Every, time.Minute)
	for {
		wait := retry
		due, err := a.backupDue(time.Now())
		if err != nil {
			log.Warn("cannot list the backup folder; trying again", slog.String("dir", b.Dir), slog.String("error", err.Error()))
		} else if due <= 0 {
			if _, err := a.BackupNow(ctx); err != nil && ctx.Err() == nil {
				log.Error("scheduled backup failed; trying again", slog.String("dir", b.Dir), slog.Duration("in", retry), slog.String("error", err.Error()))
			}
			if due, err := a.backupDue(time.Now()); err == nil && due > 0 {
				wait = due
			}
		} else {
			wait = due
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
	}
}

// backupDue returns how long until the next scheduled backup is due at
// now; zero or less: it is due.
func (a *App) backupDue(now time.Time) (time.Duration, error) {
	archives, err := listBackups(a.cfg.Backup.Dir)
	if err != nil {
		return 0, err
	}
	if len(archives) == 0 {
		return 0, nil
	}
	return archives[len(archives)-1].at.Add(a.cfg.Backup.Every).Sub(now), nil
}

// BackupNow writes a scheduled backup into the configured folder, unless
// another instance holds the backup lease or wrote one less than Every
// ago, and then deletes the archives beyond Keep. It returns the archive
// written, "" when none was.
func (a *App) BackupNow(ctx context.Context) (string, error) {
	b := a.cfg.Backup
	if b.Every <= 0 {
		return "", errors.New("app: no scheduled backup is configured")
	}
	held, err := a.Store.AcquireLease(ctx, BackupLease, a.cfg.Holder, backupLeaseTTL)
	if err != nil || !held {
		return "", err
	}
	defer func() {
		if err := a.Store.ReleaseLease(context.WithoutCancel(ctx), BackupLease, a.cfg.Holder); err != nil {
			a.Logger.Warn("could not release the backup lease; it expires", slog.String("error", err.Error()))
		}
	}()
	// Another instance may have written one while this one waited.
	if due, err := a.backupDue(time.Now()); err != nil || due > 0 {
		return "", err
	}
	started := time.Now().UTC()
	path := filepath.Join(b.Dir, BackupFilePrefix+started.Format(BackupTimeLayout)+BackupFileSuffix)
	var info store.BackupInfo
	err = WriteFileAtomically(path, func(w io.Writer) error {
		var err error
		// The working copies go next to the archive: the folder is sized
		// for backups, the system's temporary folder may be small.
		info, err = a.Store.BackupWith(ctx, w, store.BackupOptions{TempDir: b.Dir})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("backup to %s: %w", path, err)
	}
	a.Logger.Info("backup written", slog.String("component", "backup"), slog.String("file", path),
		slog.Int64("documents", info.Documents), slog.Int64("bytes", info.Bytes), slog.Duration("took", time.Since(started)))
	if err := pruneBackups(b.Dir, b.Keep); err != nil {
		return path, fmt.Errorf("delete old backups: %w", err)
	}
	return path, nil
}

// backupFile is an archive of the backup folder and its time.
type backupFile struct {
	name string
	at   time.Time
}

// listBackups returns the archives in dir named as scheduled backups are,
// oldest first. Other files are not vorgang's to judge and are ignored.
func listBackups(dir string) ([]backupFile, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []backupFile
	for _, e := range entries {
		stamp, ok := strings.CutPrefix(e.Name(), BackupFilePrefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		if stamp, ok = strings.CutSuffix(stamp, BackupFileSuffix); !ok {
			continue
		}
		at, err := time.Parse(BackupTimeLayout, stamp)
		if err != nil {
			continue
		}
		out = append(out, backupFile{name: e.Name(), at: at})
	}
	slices.SortFunc(out, func(x, y backupFile) int { return x.at.Compare(y.at) })
	return out, nil
}

// pruneBackups deletes the archives of dir beyond the keep newest.
func pruneBackups(dir string, keep int) error {
	archives, err := listBackups(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range archives[:max(0, len(archives)-keep)] {
		if err := os.Remove(filepath.Join(dir, f.name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// WriteFileAtomically writes path through a temporary file in the same
// folder, so path is either complete or not there at all. The file is
// readable by its owner only: a backup holds personal data.
func WriteFileAtomically(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.partial")
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	done = true
	return nil
}
