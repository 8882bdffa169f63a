package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"go.mongodb.org/mongo-driver/mongo/options"
	"modernc.org/sqlite"
)

// snapshotReaders is how many collections of a snapshot are read at once.
// Each reader keeps about one core busy (FerretDB decoding its documents);
// more than two would take the cores a server beside it needs.
const snapshotReaders = 2

// BackupDataDir writes a backup archive of the embedded store in dataDir
// (database DefaultDatabase) to w, whether or not a vorgang process is
// serving it: it does not take the data directory, it reads the database
// file next to the server. The archive is of one instant, as with
// BackupWith. logger receives the records of the FerretDB that reads the
// snapshot; nil discards them.
func BackupDataDir(ctx context.Context, dataDir string, logger *slog.Logger, opts BackupOptions, w io.Writer) (BackupInfo, error) {
	if !HasEmbeddedData(dataDir) {
		return BackupInfo{}, fmt.Errorf("store: backup: no embedded store in %s", dataDir)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	file := filepath.Join(dataDir, ferretDirName, DefaultDatabase+".sqlite")
	return backupSnapshot(ctx, file, DefaultDatabase, logger, opts, w)
}

// backupSnapshot copies the SQLite database file to a temporary folder with
// SQLite's online backup API, starts an embedded FerretDB of its own on the
// copy and writes the archive from there.
//
// The copy is one sqlite3_backup_step over all pages, so it runs inside one
// read transaction: it is the database as of the instant that transaction
// began, whatever is written meanwhile. In WAL mode (FerretDB's) a reader
// never blocks a writer, so the server goes on committing while the pages
// are copied; its WAL only grows until the copy ends, since a checkpoint
// cannot pass an active reader. Copying in smaller steps would let writes
// in between, and SQLite restarts a backup whose source another connection
// changed, which under steady writes might never finish.
//
// The FerretDB on the copy lists the collections and their indexes; the
// documents are read from the copy's tables directly (backup_sjson.go),
// which gives the same archive at a fraction of the cost.
func backupSnapshot(ctx context.Context, file, database string, logger *slog.Logger, opts BackupOptions, w io.Writer) (BackupInfo, error) {
	tmp, err := os.MkdirTemp(opts.TempDir, "vorgang-snapshot-")
	if err != nil {
		return BackupInfo{}, fmt.Errorf("store: backup: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Mkdir(filepath.Join(tmp, ferretDirName), 0o700); err != nil {
		return BackupInfo{}, fmt.Errorf("store: backup: %w", err)
	}
	taken := time.Now()
	if err := snapshotSQLite(ctx, file, filepath.Join(tmp, ferretDirName, database+".sqlite")); err != nil {
		return BackupInfo{}, fmt.Errorf("store: backup: snapshot of %s: %w", file, err)
	}
	snap, err := openSnapshot(ctx, tmp, database, logger)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("store: backup: open the snapshot: %w", err)
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_ = snap.Close(closeCtx)
	}()
	// Nothing writes to the copy, so its collections are read two at a
	// time: the largest two (history and tickets) take most of the time.
	return snap.dump(ctx, w, taken, opts.TempDir, snapshotReaders)
}

// snapshotSQLite copies the SQLite database src to the new file dst with
// the online backup API, through the driver FerretDB itself uses. src is
// opened read-only: the copy never writes to the served database.
func snapshotSQLite(ctx context.Context, src, dst string) error {
	// SQLite does not open a relative path given as a file: URI.
	src, err := filepath.Abs(src)
	if err != nil {
		return err
	}
	ro := (&url.URL{Scheme: "file", Path: src, RawQuery: "mode=ro&_pragma=busy_timeout(10000)&_pragma=query_only(1)"}).String()
	db, err := sql.Open("sqlite", ro)
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		src, ok := dc.(interface {
			NewBackup(dstURI string) (*sqlite.Backup, error)
		})
		if !ok {
			return fmt.Errorf("the sqlite driver's connection (%T) has no online backup", dc)
		}
		b, err := src.NewBackup(dst)
		if err != nil {
			return fmt.Errorf("start: %w", err)
		}
		more, err := b.Step(-1) // every page in one read transaction
		if err == nil && more {
			err = errors.New("pages left after copying all of them")
		}
		if ferr := b.Finish(); err == nil && ferr != nil {
			err = ferr
		}
		return err
	})
}

// openSnapshot starts an embedded FerretDB on the snapshot in dir for
// reading only: unlike Open it creates no collections or indexes, so the
// archive holds what the served database held.
func openSnapshot(ctx context.Context, dir, database string, logger *slog.Logger) (*Store, error) {
	s := &Store{log: logger.With(slog.String("component", "store")), locks: NewKeyedMutex(), tuning: defaultTuning(), openedAt: time.Now()}
	s.counters.init()
	if err := s.openEmbedded(ctx, Config{DataDir: dir, Database: database, Logger: logger, ConnectTimeout: DefaultConnectTimeout}); err != nil {
		return nil, err
	}
	s.db = s.client.Database(database, options.Database().SetRegistry(plainValues))
	err := s.loadInstance(ctx)
	if err == nil {
		s.snapshotSQL, err = openSnapshotSQL(ctx, s.embedded.sqliteFile)
	}
	if err != nil {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = s.Close(closeCtx)
		return nil, err
	}
	return s, nil
}
