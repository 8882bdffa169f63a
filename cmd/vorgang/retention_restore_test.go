package main

import (
	"bytes"
	"path/filepath"
	"slices"
	"testing"
)

// TestRetentionBeforeServingOnlyRestoredData: a server applies retention
// before it listens only to data restored from an archive — an archive
// must not show what retention removed since it was taken. An ordinary
// start listens first and applies retention beside serving, so reading
// every ticket of a large store does not keep a restarted server silent.
func TestRetentionBeforeServingOnlyRestoredData(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := startServer(t, dir, "--data", data).stop(t); err != nil {
		t.Fatal(err)
	}
	yearOldCitizenRequests(t, data, 8)
	archive := filepath.Join(dir, "backup.tar.gz")
	restored := filepath.Join(dir, "restored")
	for _, args := range [][]string{{"backup", "--data", data, "-o", archive}, {"restore", "--data", restored, archive}} {
		var stdout, stderr bytes.Buffer
		if code := run(t.Context(), args, &stdout, &stderr); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr.String())
		}
	}

	// order is the position of each message's first record in the log.
	order := func(s *server, msgs ...string) []int {
		s.mu.Lock()
		defer s.mu.Unlock()
		pos := make([]int, len(msgs))
		for i, msg := range msgs {
			pos[i] = slices.IndexFunc(s.lines, func(l map[string]any) bool { return l["msg"] == msg })
		}
		return pos
	}
	for _, c := range []struct {
		name, data             string
		applies, beforeServing bool
	}{
		{"restored data, first start", restored, true, true},
		{"restored data, second start", restored, false, false},
		{"data never restored", data, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := startServer(t, dir, "--data", c.data)
			if c.applies {
				if applied := s.awaitRecord(t, "retention applied"); applied["rules_applied"].(float64) != 8 {
					t.Errorf("retention applied %v rules, want 8", applied["rules_applied"])
				}
			}
			pos := order(s, "retention before serving restored data", "retention applied", "listening")
			if got := pos[0] >= 0 && pos[1] >= 0 && pos[1] < pos[2]; got != c.beforeServing {
				t.Errorf("retention before serving: %v, want %v (log positions %v)\n%s", got, c.beforeServing, pos, s.log())
			}
			if err := s.stop(t); err != nil {
				t.Fatal(err)
			}
		})
	}
}
