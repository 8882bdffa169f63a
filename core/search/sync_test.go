package search_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"vorgang/core/search"
)

// What was applied before Sync is there after the index is closed and
// opened again, mark included: batches are written in the background,
// and Sync waits for those still in memory.
func TestSyncKeepsEveryBatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "search.bleve")
	x, err := search.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mark := time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)
	for i := range 20 {
		if err := x.Apply([]search.Doc{{Number: "T-" + string(rune('A'+i)), Version: 1, Title: "Drucker"}}, mark); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	y, err := search.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	if n, err := y.Count(); err != nil || n != 20 {
		t.Errorf("reopened index holds %d documents (%v), want 20", n, err)
	}
	if got, err := y.Mark(); err != nil || !got.Equal(mark) {
		t.Errorf("reopened index's mark %s (%v), want %s", got, err, mark)
	}
}

// An index that does not open (cut off while it was made, damaged) is
// made again, empty and without a mark, so the feeder builds it from the
// store.
func TestOpenRemakesAnIndexThatDoesNotOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "search.bleve")
	if err := os.MkdirAll(path, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(path, "index_meta.json"), []byte(`{"storage":`), 0o600); err != nil {
		t.Fatal(err)
	}
	x, err := search.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if mark, err := x.Mark(); err != nil || !mark.IsZero() {
		t.Errorf("mark %s (%v), want none", mark, err)
	}
}

// A new index closed at once opens again: its mapping reached the disk
// even though batches are written in the background.
func TestANewIndexClosedAtOnceOpensAgain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "search.bleve")
	for range 2 {
		x, err := search.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := x.Apply([]search.Doc{{Number: "T-1", Version: 1, Title: "Drucker"}}, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := x.Close(); err != nil {
			t.Fatal(err)
		}
	}
	x, err := search.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if _, err := x.Search(t.Context(), search.Query{Text: "Drucker", Scope: search.Scope{All: true}}); err != nil {
		t.Fatal(err)
	}
}
