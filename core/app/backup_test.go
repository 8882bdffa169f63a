package app_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vorgang/core/app"
	"vorgang/core/internal/testkit"
	"vorgang/core/store"
)

// backupsIn lists the file names in dir.
func backupsIn(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestScheduledBackup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	old := []string{"vorgang-backup-20260101-020000.tar.gz", "vorgang-backup-20260102-020000.tar.gz", "vorgang-backup-20260103-020000.tar.gz"}
	for _, name := range append(slices.Clone(old), "notes.txt") {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	a := testkit.NewApp(t, app.Config{Holder: "one", Backup: app.Backup{Every: time.Hour, Dir: dir, Keep: 2}})
	ctx := t.Context()

	// Another instance holds the lease: this one writes nothing.
	if held, err := a.Store.AcquireLease(ctx, app.BackupLease, "other", time.Minute); err != nil || !held {
		t.Fatalf("lease for the other instance: %v %v", held, err)
	}
	if path, err := a.BackupNow(ctx); err != nil || path != "" {
		t.Fatalf("BackupNow while another instance holds the lease = %q, %v; want nothing written", path, err)
	}
	if err := a.Store.ReleaseLease(ctx, app.BackupLease, "other"); err != nil {
		t.Fatal(err)
	}

	// Run writes the due backup and keeps the newest two archives.
	ran := make(chan error, 1)
	runCtx, stop := context.WithCancel(ctx)
	go func() { ran <- a.Run(runCtx) }()
	want := []string{old[2], "notes.txt"}
	var got []string
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		got = backupsIn(t, dir)
		if len(got) == 3 && !slices.Contains(got, old[1]) && !slices.ContainsFunc(got, func(n string) bool { return strings.HasPrefix(n, ".") }) {
			break
		}
	}
	stop()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	var written string
	for _, n := range got {
		if !slices.Contains(want, n) {
			written = n
		}
	}
	if len(got) != 3 || !slices.Contains(got, want[0]) || !slices.Contains(got, want[1]) || !strings.HasPrefix(written, app.BackupFilePrefix) {
		t.Fatalf("backup folder holds %v; want %v and one new archive", got, want)
	}
	f, err := os.Open(filepath.Join(dir, written))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := store.ReadBackup(ctx, f, t.TempDir())
	if err != nil {
		t.Fatalf("the scheduled archive does not read back: %v", err)
	}
	defer b.Close()
	if m := b.Manifest(); m.Source.Mode != store.ModeEmbedded || len(m.Collections) == 0 {
		t.Errorf("manifest of the scheduled archive: %+v", m)
	}

	// The next one is due an hour after the newest archive, not now.
	if path, err := a.BackupNow(ctx); err != nil || path != "" {
		t.Errorf("BackupNow right after a backup = %q, %v; want nothing written", path, err)
	}
}

func TestScheduledBackupRefusesMongoDB(t *testing.T) {
	t.Parallel()
	_, err := app.New(t.Context(), app.Config{MongoURI: "mongodb://127.0.0.1:1/", Catalog: testkit.Fixed(testkit.Desks(t)),
		Backup: app.Backup{Every: time.Hour, Dir: t.TempDir()}})
	if err == nil || !strings.Contains(err.Error(), "mongodump") {
		t.Fatalf("app.New with a scheduled backup on MongoDB = %v; want a refusal naming mongodump", err)
	}
}
