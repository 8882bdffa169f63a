package store

import (
	"strconv"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
)

func TestNewEmbeddedStorePageSize(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s := openEmbedded(t, dir)
	if err := s.Insert(ctx, "notes", bson.M{"_id": "a", "text": "kept"}); err != nil {
		t.Fatal(err)
	}
	var size int
	if err := s.sql.db.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&size); err != nil {
		t.Fatal(err)
	}
	if size != sqlitePageSize {
		t.Errorf("page size %d, want %d", size, sqlitePageSize)
	}
	var mode string
	if err := s.sql.db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Errorf("journal mode %q, want wal", mode)
	}
	closeStore(t, s)

	// Opened again, the file and its documents are as they were.
	s = openEmbedded(t, dir)
	var doc struct {
		Text string `bson:"text"`
	}
	if err := s.Get(ctx, "notes", "a", &doc); err != nil || doc.Text != "kept" {
		t.Errorf("after reopening: %+v, %v", doc, err)
	}
}

func TestWriteAheadLogIsCutAfterLargeBatch(t *testing.T) {
	ctx := t.Context()
	s := openEmbedded(t, t.TempDir())
	big := make([]any, 1000)
	for i := range big {
		big[i] = bson.M{"_id": i, "text": strings.Repeat("x", 16<<10)}
	}
	if _, err := s.InsertMany(ctx, "notes", big); err != nil {
		t.Fatal(err)
	}
	// The next commits find the log copied into the database and start
	// it again from the beginning, cutting it to walKeepBytes.
	var wal int64
	for i := range 20 {
		if err := s.Insert(ctx, "notes", bson.M{"_id": "small-" + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
		u, err := s.DiskUsage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if wal = u.WALBytes; wal <= walKeepBytes {
			return
		}
	}
	t.Errorf("write-ahead log stays at %d bytes after 16 MB were written, want ≤ %d", wal, walKeepBytes)
}
