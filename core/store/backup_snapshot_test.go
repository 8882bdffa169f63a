package store

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestSnapshotReadMatchesFerretDB: the documents a backup reads from a
// snapshot's SQLite tables are, byte for byte, those FerretDB returns for
// the same snapshot, for every BSON type the fixtures store.
func TestSnapshotReadMatchesFerretDB(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	seedBackupSource(t, s)
	ctx := t.Context()

	dir := t.TempDir()
	file := filepath.Join(dir, ferretDirName, DefaultDatabase+".sqlite")
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := snapshotSQLite(ctx, s.embedded.sqliteFile, file); err != nil {
		t.Fatal(err)
	}
	snap, err := openSnapshot(ctx, dir, DefaultDatabase, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = snap.Close(closeCtx)
	}()
	at := time.Date(2026, 12, 6, 22, 0, 0, 0, time.UTC)
	var direct, viaFerret bytes.Buffer
	fromRows, err := snap.dump(ctx, &direct, at, t.TempDir(), snapshotReaders)
	if err != nil {
		t.Fatalf("dump from the SQLite rows: %v", err)
	}
	rows := snap.snapshotSQL
	snap.snapshotSQL = nil
	defer rows.Close()
	fromFerret, err := snap.dump(ctx, &viaFerret, at, t.TempDir(), 1)
	if err != nil {
		t.Fatalf("dump through FerretDB: %v", err)
	}
	if fromFerret.Documents < 40 {
		t.Fatalf("only %d documents seeded", fromFerret.Documents)
	}
	if !slices.EqualFunc(fromRows.Manifest.Collections, fromFerret.Manifest.Collections, func(a, b BackupCollection) bool {
		return a.Name == b.Name && a.Documents == b.Documents && a.SHA256 == b.SHA256
	}) {
		t.Errorf("the archive read from the rows differs from the one read through FerretDB:\n rows   %+v\n ferret %+v",
			fromRows.Manifest.Collections, fromFerret.Manifest.Collections)
	}
	if !bytes.Equal(direct.Bytes(), viaFerret.Bytes()) {
		t.Error("the two archives differ")
	}
}
