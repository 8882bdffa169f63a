package store

import (
	"sync"
	"testing"
)

// Tests open stores in parallel; starting two embedded FerretDBs at once
// once raced on a variable of FerretDB's (seen with -race).
func TestEmbeddedStoresOpenAtOnce(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	stores := make([]*Store, 2)
	errs := make([]error, 2)
	for i := range stores {
		dir := t.TempDir()
		wg.Go(func() { stores[i], errs[i] = Open(t.Context(), Config{DataDir: dir, Logger: testLogger(t)}) })
	}
	wg.Wait()
	for i, s := range stores {
		if errs[i] != nil {
			t.Fatalf("Open: %v", errs[i])
		}
		t.Cleanup(func() { closeStore(t, s) })
	}
}
