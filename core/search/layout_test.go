package search_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"vorgang/core/search"
)

// An index of another layout (an older vorgang's, with a mark) opens as
// an empty index without a mark, so the feeder builds it from the store.
func TestAnIndexOfAnotherLayoutIsBuiltAgain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "search.bleve")
	old, err := bleve.New(path, bleve.NewIndexMapping())
	if err != nil {
		t.Fatal(err)
	}
	if err := old.Index("A-1", map[string]any{"title": "Drucker"}); err != nil {
		t.Fatal(err)
	}
	if err := old.SetInternal([]byte("vorgang.mark"), []byte(time.Now().UTC().Format(time.RFC3339Nano))); err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	x, err := search.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if mark, err := x.Mark(); err != nil || !mark.IsZero() {
		t.Errorf("mark %v, %v: want none", mark, err)
	}
	if n, err := x.Count(); err != nil || n != 0 {
		t.Errorf("%d documents, %v: want none", n, err)
	}
	// Opened again, the new index stays.
	if err := x.Apply([]search.Doc{{Number: "A-1", Title: "Drucker"}}, time.Now()); err != nil {
		t.Fatal(err)
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
	if n, err := y.Count(); err != nil || n != 1 {
		t.Errorf("reopened: %d documents, %v: want 1", n, err)
	}
}
