package definition_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"vorgang/core/definition"
)

// TestWatchReportsAChangeMadeBeforeItStarted: a file changed after the
// definitions were read but before Watch began is reported, as is a later
// change; an unchanged folder is not. Before, Watch took its own first
// look, so a change made while a server started was never loaded.
func TestWatchReportsAChangeMadeBeforeItStarted(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "roles.yaml")
	// Written whole by a rename, so Watch never sees a half-written file
	// (which it would rightly report as a change of its own).
	write := func(s string) {
		tmp := filepath.Join(t.TempDir(), "roles.yaml")
		if err := os.WriteFile(tmp, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, file); err != nil {
			t.Fatal(err)
		}
	}
	write("kind: Role\n")
	since := definition.Fingerprint([]string{dir})
	write("kind: Role\nid: clerk\n")

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	changed := make(chan struct{}, 10)
	go definition.Watch(ctx, []string{dir}, 10*time.Millisecond, since, func() { changed <- struct{}{} })
	select {
	case <-changed:
	case <-time.After(10 * time.Second):
		t.Fatal("a change made before Watch started was not reported")
	}
	write("kind: Role\nid: clerk\ntitle: Sachbearbeitung\n")
	select {
	case <-changed:
	case <-time.After(10 * time.Second):
		t.Fatal("a later change was not reported")
	}
	select {
	case <-changed:
		t.Fatal("an unchanged folder was reported")
	case <-time.After(100 * time.Millisecond):
	}
}
