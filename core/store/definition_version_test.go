package store

import (
	"testing"
	"time"
)

// TestReplacedDefinitionVersion: the served record remembers the version
// the one in service replaced, and serving the same version again (a
// restart) keeps it.
func TestReplacedDefinitionVersion(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
		for _, step := range []struct {
			serve, replaced string
		}{
			{"", ""},
			{"aaaa", ""},
			{"bbbb", "aaaa"},
			{"bbbb", "aaaa"},
			{"aaaa", "bbbb"},
		} {
			if step.serve != "" {
				if err := s.MarkServed(ctx, step.serve, at); err != nil {
					t.Fatal(err)
				}
			}
			got, err := s.ReplacedDefinitionVersion(ctx)
			if err != nil || got != step.replaced {
				t.Fatalf("after serving %q: replaced %q, %v; want %q", step.serve, got, err, step.replaced)
			}
		}
	})
}
