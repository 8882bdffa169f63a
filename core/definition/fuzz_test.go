package definition_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vorgang/core/definition"
)

// seedFiles returns the contents of every file with the extension in the
// shipped desks and in the test corpora, as fuzzing seeds.
func seedFiles(f *testing.F, ext string) [][]byte {
	f.Helper()
	var out [][]byte
	for _, dir := range append([]string{"testdata/valid", "testdata/invalid"}, deskDirs...) {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ext) {
				return err
			}
			data, err := os.ReadFile(p)
			out = append(out, data)
			return err
		})
		if err != nil {
			f.Fatal(err)
		}
	}
	if len(out) == 0 {
		f.Fatalf("no %s seed files", ext)
	}
	return out
}

// checkCompile compiles files, failing on a panic, and checks what every
// result must satisfy: a catalog exactly when there is no error, and
// diagnostics that point into the file that was compiled.
func checkCompile(t *testing.T, l *definition.Loader, files []definition.File) {
	t.Helper()
	cat, diags := compile(t, l, files)
	if (cat == nil) != diags.HasErrors() {
		t.Fatalf("catalog %v, but HasErrors() = %v:\n%s", cat != nil, diags.HasErrors(), formatDiags(diags))
	}
	lines := map[string]int{}
	for _, f := range files {
		lines[f.Path] = countLines(f.Data)
	}
	for _, d := range diags {
		n, ok := lines[d.File]
		switch {
		case !ok:
			t.Errorf("diagnostic for a file that was not compiled: %s", d)
		case d.Line < 1 || d.Col < 1 || d.Line > n:
			t.Errorf("diagnostic outside the file (%d lines): %s", n, d)
		case d.Code == "" || d.Message == "":
			t.Errorf("diagnostic without code or message: %#v", d)
		}
	}
}

// countLines counts lines the way editors do: "\r\n", "\n" and a lone "\r"
// each end one. The line after a final line break counts, as an empty line.
func countLines(data []byte) int {
	n := 1 + bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r"))
	return n - bytes.Count(data, []byte("\r\n"))
}

// FuzzCompileYAML compiles one definition file of arbitrary bytes. Whatever
// an administrator saves, the loader must answer with diagnostics, never
// with a panic or a hang.
func FuzzCompileYAML(f *testing.F) {
	for _, data := range seedFiles(f, ".yaml") {
		f.Add(data)
	}
	l := newLoader(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkCompile(t, l, []definition.File{{Path: "x.yaml", Data: data}})
	})
}

// FuzzCompileLua compiles one script of arbitrary bytes next to a process
// that uses it as a hook.
func FuzzCompileLua(f *testing.F) {
	for _, data := range seedFiles(f, ".lua") {
		f.Add(data)
	}
	l := newLoader(f)
	process := []byte(`apiVersion: vorgang/v1
kind: Process
id: p
title: P
form: f
audience: [staff]
states: [{id: a, category: open}, {id: b, category: closed}]
transitions: [{id: t, from: [a], to: b, hooks: {before: [x]}}]
hooks: {on_create: x}
---
apiVersion: vorgang/v1
kind: Form
id: f
title: F
fields: [{id: a, type: text, label: A}]
`)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkCompile(t, l, []definition.File{
			{Path: "p.yaml", Data: process},
			{Path: "x.lua", Data: data},
		})
	})
}
