package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidateCommand(t *testing.T) {
	valid := t.TempDir()
	writeFile(t, filepath.Join(valid, "roles.yaml"), "apiVersion: vorgang/v1\nkind: Role\nid: clerk\ntitle: Sachbearbeitung\n")
	invalid := t.TempDir()
	writeFile(t, filepath.Join(invalid, "team.yaml"), "apiVersion: vorgang/v1\nkind: Team\nid: office\ntitle: Bürgerbüro\nroles: [clerk]\ncalender: main\n")

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  []string
	}{
		{"shipped desks", []string{"validate", "../../processes", "../../forms", "../../scripts"}, 0, []string{"ok: "}},
		{"valid folder", []string{"validate", valid}, 0, []string{"ok: 1 definitions valid"}},
		{"invalid folder", []string{"validate", invalid}, 1, []string{
			filepath.ToSlash(invalid) + "/team.yaml:5:9: unknown role 'clerk' [unknown_reference]",
			filepath.ToSlash(invalid) + "/team.yaml:6:1: unknown key 'calender' (did you mean 'calendar'?) [unknown_key]",
			"2 errors in",
		}},
		{"missing folder", []string{"validate", filepath.Join(valid, "nope")}, 2, []string{"not a readable directory"}},
		{"unknown command", []string{"valdiate"}, 2, []string{`unknown command "valdiate"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			out := stdout.String() + stderr.String()
			if code != tt.wantCode {
				t.Fatalf("exit code %d, want %d; output:\n%s", code, tt.wantCode, out)
			}
			for _, want := range tt.wantOut {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q; got:\n%s", want, out)
				}
			}
		})
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
