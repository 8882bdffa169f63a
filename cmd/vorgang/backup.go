package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"vorgang/core/app"
	"vorgang/core/store"
)

// storeTarget is the database a backup is taken from or restored into,
// configured like `vorgang serve`.
type storeTarget struct {
	dataDir  string
	mongoURI string
}

func (t *storeTarget) addFlags(fl *flag.FlagSet) {
	fl.StringVar(&t.dataDir, "data", envOr("VORGANG_DATA", "./data"), "data folder of the embedded database (env VORGANG_DATA)")
	fl.StringVar(&t.mongoURI, "mongo-uri", os.Getenv("VORGANG_MONGO_URI"), "MongoDB connection string; empty uses the embedded database (env VORGANG_MONGO_URI)")
}

// String names the target without the URI, which may hold a password.
func (t *storeTarget) String() string {
	if t.mongoURI != "" {
		return "mongodb"
	}
	return "embedded store in " + t.dataDir
}

// open opens the store. An embedded store must not be in use: one process
// owns its data.
func (t *storeTarget) open(ctx context.Context, cmd string, stderr io.Writer) (*store.Store, func(), error) {
	log, err := newLogger(stderr, "text", "warn")
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, store.Config{MongoURI: t.mongoURI, DataDir: t.dataDir, Logger: log})
	if err != nil {
		if inUse := t.checkNotInUse(cmd); inUse != nil {
			return nil, nil, inUse
		}
		return nil, nil, err
	}
	closeStore := func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := st.Close(closeCtx); err != nil {
			fmt.Fprintf(stderr, "vorgang: close store: %v\n", err)
		}
	}
	return st, closeStore, nil
}

// checkNotInUse returns an error explaining that an embedded store's data
// folder is held by a running vorgang, if it is.
func (t *storeTarget) checkNotInUse(cmd string) error {
	if t.mongoURI == "" && store.DataDirInUse(t.dataDir) {
		return fmt.Errorf("the data folder %s is in use by a running vorgang: stop `vorgang serve` and run `vorgang %s` again", t.dataDir, cmd)
	}
	return nil
}

// backup writes a backup archive of the store. Exit codes: 0 written,
// 1 failed, 2 usage error.
func backup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var target storeTarget
	fl := flag.NewFlagSet("backup", flag.ContinueOnError)
	fl.SetOutput(stderr)
	target.addFlags(fl)
	out := fl.String("o", "", "archive to write, - for standard output (default vorgang-backup-YYYYMMDD-HHMMSS.tar.gz, UTC)")
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: vorgang backup [--data DIR | --mongo-uri URI] [-o FILE]\n\n"+
			"Writes every collection of the database to a tar.gz archive. The embedded store is\n"+
			"backed up as of one instant, also while `vorgang serve` runs on it; on MongoDB the\n"+
			"collections are read one after the other (for point-in-time copies of a live replica\n"+
			"set use mongodump --oplog).\n\n")
		fl.PrintDefaults()
	}
	if code, ok := parseFlags(fl, args); !ok {
		return code
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "vorgang backup: unexpected argument %q (the archive is named with -o)\n", fl.Arg(0))
		return 2
	}
	if err := runBackup(ctx, &target, *out, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "vorgang backup: %v\n", err)
		return 1
	}
	return 0
}

func runBackup(ctx context.Context, target *storeTarget, out string, stdout, stderr io.Writer) error {
	if target.mongoURI == "" && !store.HasEmbeddedData(target.dataDir) {
		return fmt.Errorf("no vorgang data in %s (set --data or VORGANG_DATA)", target.dataDir)
	}
	if out == "" {
		out = app.BackupFilePrefix + time.Now().UTC().Format(app.BackupTimeLayout) + app.BackupFileSuffix
	}
	write, done, err := target.backupWriter(ctx, stderr)
	if err != nil {
		return err
	}
	defer done()

	var info store.BackupInfo
	report := stdout
	if out == "-" {
		report = stderr // stdout carries the archive
		info, err = write(stdout)
	} else {
		err = app.WriteFileAtomically(out, func(w io.Writer) error {
			var err error
			info, err = write(w)
			return err
		})
	}
	if err != nil {
		return err
	}
	where := out
	if out == "-" {
		where = "standard output"
	}
	fmt.Fprintf(report, "backup of %s: %d collections, %d documents, %d bytes written to %s\n",
		target, len(info.Manifest.Collections), info.Documents, info.Bytes, where)
	return nil
}

// backupWriter returns what writes the target's archive. The embedded
// store is read from a snapshot of its database file, next to a server
// that may be running on it (store.BackupDataDir); MongoDB through a store
// opened as the server opens it.
func (t *storeTarget) backupWriter(ctx context.Context, stderr io.Writer) (write func(io.Writer) (store.BackupInfo, error), done func(), err error) {
	log, err := newLogger(stderr, "text", "warn")
	if err != nil {
		return nil, nil, err
	}
	if t.mongoURI == "" {
		return func(w io.Writer) (store.BackupInfo, error) {
			return store.BackupDataDir(ctx, t.dataDir, log, store.BackupOptions{}, w)
		}, func() {}, nil
	}
	st, closeStore, err := t.open(ctx, "backup", stderr)
	if err != nil {
		return nil, nil, err
	}
	return func(w io.Writer) (store.BackupInfo, error) { return st.Backup(ctx, w) }, closeStore, nil
}

// restore writes a backup archive into the store. Exit codes: 0 restored,
// 1 failed (nothing is written when the archive is invalid or the database
// is not empty), 2 usage error.
func restore(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var target storeTarget
	fl := flag.NewFlagSet("restore", flag.ContinueOnError)
	fl.SetOutput(stderr)
	target.addFlags(fl)
	replace := fl.Bool("replace", false, "restore into a database that holds data: drop the collections in the archive first")
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: vorgang restore [--data DIR | --mongo-uri URI] [--replace] FILE\n\n"+
			"Restores a `vorgang backup` archive (FILE, or - for standard input). The archive is\n"+
			"checked completely before anything is written. To move an embedded store to MongoDB,\n"+
			"back it up and restore with --mongo-uri.\n\n")
		fl.PrintDefaults()
	}
	files, err := parseInterspersed(fl, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(files) != 1 {
		fmt.Fprintln(stderr, "vorgang restore: name one archive to restore")
		fl.Usage()
		return 2
	}
	if err := runRestore(ctx, &target, files[0], *replace, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "vorgang restore: %v\n", err)
		if errors.Is(err, store.ErrNotEmpty) {
			fmt.Fprintln(stderr, "vorgang restore: to overwrite it, run again with --replace: the collections in the archive are dropped and restored")
		}
		return 1
	}
	return 0
}

func runRestore(ctx context.Context, target *storeTarget, file string, replace bool, stdout, stderr io.Writer) (err error) {
	var r io.Reader = os.Stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	if err := target.checkNotInUse("restore"); err != nil {
		return err // before the archive is read: it may be large
	}
	// The whole archive is checked before the store is opened, which
	// would create one in an empty folder.
	archive, err := store.ReadBackup(ctx, r, "")
	if err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	defer archive.Close()
	if target.mongoURI == "" {
		undo, ferr := keepFolderOnFailure(target.dataDir)
		if ferr != nil {
			return ferr
		}
		defer func() { undo(err) }()
	}
	st, closeStore, err := target.open(ctx, "restore", stderr)
	if err != nil {
		return err
	}
	defer closeStore()

	info, err := st.RestoreVerified(ctx, archive, store.RestoreOptions{Replace: replace})
	if err != nil {
		return err
	}
	if target.mongoURI == "" {
		// The index describes the tickets that were there before; the
		// next start builds it from the restored ones.
		if err := app.RemoveSearchIndex(target.dataDir); err != nil {
			return err
		}
	}
	m := info.Manifest
	fmt.Fprintf(stdout, "restored %s into %s: %d collections, %d documents, %d bytes (%s backup of %s)\n",
		file, target, len(m.Collections), info.Documents, info.Bytes, m.Source.Mode, m.Created.Format(time.RFC3339))
	return nil
}

// keepFolderOnFailure notes what the data folder holds before a restore
// into it. If it holds no store yet, the returned undo removes what the
// restore created there when it fails (given the restore's error, after
// the store is closed), so a refused restore leaves the folder as it was.
func keepFolderOnFailure(dir string) (undo func(error), err error) {
	if store.HasEmbeddedData(dir) {
		return func(error) {}, nil
	}
	before := map[string]bool{}
	entries, err := os.ReadDir(dir)
	existed := err == nil
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("data folder %s: %w", dir, err)
	}
	for _, e := range entries {
		before[e.Name()] = true
	}
	return func(failed error) {
		if failed == nil {
			return
		}
		if !existed {
			_ = os.RemoveAll(dir)
			return
		}
		after, _ := os.ReadDir(dir)
		for _, e := range after {
			if !before[e.Name()] {
				_ = os.RemoveAll(filepath.Join(dir, e.Name()))
			}
		}
	}, nil
}

// parseInterspersed parses flags that may follow the positional arguments
// too (`vorgang restore FILE --replace`) and returns the positional ones.
func parseInterspersed(fl *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fl.Parse(args); err != nil {
			return nil, err
		}
		args = fl.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "-" || !strings.HasPrefix(args[0], "-") {
			positional = append(positional, args[0])
			args = args[1:]
			continue
		}
		// Parse stopped at a flag-like argument only after "--", which
		// ends the flags.
		return append(positional, args...), nil
	}
}
