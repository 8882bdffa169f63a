package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestHelpExitsZero: asking a command for its flags prints them and is no
// error; a flag it does not know is one.
func TestHelpExitsZero(t *testing.T) {
	commands := [][]string{
		{"serve"}, {"validate"}, {"test"}, {"audit", "verify"}, {"audit", "seal"},
		{"retention"}, {"plan"}, {"user", "create", "anna"}, {"user", "reset-two-factor"}, {"user", "create"}, {"user", "reset-two-factor", "anna"},
		{"outbox", "discard"}, {"backup"}, {"restore"}, {"reindex"}, {"doctor"},
	}
	for _, cmd := range commands {
		name := strings.Join(cmd, " ")
		t.Run(name, func(t *testing.T) {
			for _, help := range []string{"-h", "--help"} {
				var stdout, stderr bytes.Buffer
				code := run(context.Background(), append(append([]string{}, cmd...), help), &stdout, &stderr)
				if code != 0 {
					t.Errorf("vorgang %s %s: exit %d, want 0; stderr:\n%s", name, help, code, stderr.String())
				}
				if !strings.Contains(stderr.String()+stdout.String(), "Usage") {
					t.Errorf("vorgang %s %s printed no usage:\n%s%s", name, help, stdout.String(), stderr.String())
				}
			}
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), append(append([]string{}, cmd...), "--no-such-flag"), &stdout, &stderr); code == 0 {
				t.Errorf("vorgang %s --no-such-flag: exit 0, want an error", name)
			}
		})
	}
}
