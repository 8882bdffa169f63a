package store

import (
	"bytes"
	"testing"
)

// TestRestoreMarksTheData: data restored from an archive is marked as
// such until ClearRestored; a store that was only opened, and the store
// the archive was taken of, are not.
func TestRestoreMarksTheData(t *testing.T) {
	ctx := t.Context()
	src := openEmbedded(t, t.TempDir())
	archive, _ := backupOf(t, src)
	dst := openEmbedded(t, t.TempDir())
	if _, err := dst.Restore(ctx, bytes.NewReader(archive), RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	again, _ := backupOf(t, dst)
	replaced := openEmbedded(t, t.TempDir())
	if _, err := replaced.Restore(ctx, bytes.NewReader(again), RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := replaced.ClearRestored(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := replaced.Restore(ctx, bytes.NewReader(archive), RestoreOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	cleared := openEmbedded(t, t.TempDir())
	if _, err := cleared.Restore(ctx, bytes.NewReader(archive), RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := cleared.ClearRestored(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		s    *Store
		want bool
	}{
		{"the store the archive was taken of", src, false},
		{"restored", dst, true},
		{"restored again after the mark was cleared (--replace)", replaced, true},
		{"restored, the mark cleared", cleared, false},
	} {
		if got, err := c.s.Restored(ctx); err != nil || got != c.want {
			t.Errorf("%s: restored %v, %v; want %v", c.name, got, err, c.want)
		}
	}
}
