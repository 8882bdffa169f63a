package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vorgang/core/definition"
)

// TestScenarioSwitchesDefinitions: a scenario starts on an older version
// of a desk kept in a testdata folder (which is no part of the
// definitions), opens a ticket there and switches to the definitions under
// test, whose migration moves the ticket on; switching to definitions
// that would strand it is refused with "stranded".
func TestScenarioSwitchesDefinitions(t *testing.T) {
	desk := t.TempDir()
	v2 := strings.ReplaceAll(antragV1, "eingang", "neu")
	writeFile(t, filepath.Join(desk, "processes", "antrag.yaml"), v2+migrationToNeu)
	writeFile(t, filepath.Join(desk, "processes", "scenarios", "testdata", "v1", "processes", "antrag.yaml"), antragV1)
	writeFile(t, filepath.Join(desk, "processes", "scenarios", "testdata", "v2-ohne-migration", "processes", "antrag.yaml"), v2)
	writeFile(t, filepath.Join(desk, "processes", "scenarios", "antrag_test.yaml"), `users: [{name: anna}]
scenarios:
  - name: Die Migration bringt den Antrag nach neu
    clock: 2026-11-23T08:00:00+01:00
    steps:
      - definitions: testdata/v1
      - as: anna
        open: antrag
        data: {summary: Umzug}
        expect: {state: eingang}
      - definitions: current
        expect: {state: neu}
  - name: Ohne Migration wird der Wechsel abgelehnt
    clock: 2026-11-23T08:00:00+01:00
    steps:
      - definitions: testdata/v1
      - as: anna
        open: antrag
        data: {summary: Umzug}
      - definitions: testdata/v2-ohne-migration
        error: stranded
        expect: {state: eingang}
`)
	var out, errb bytes.Buffer
	if code := run(t.Context(), []string{"test", filepath.Join(desk, "processes")}, &out, &errb); code != 0 || !strings.Contains(out.String(), "ok: 2 cases passed") {
		t.Fatalf("vorgang test = %d\n%s%s", code, out.String(), errb.String())
	}
}

// TestScenarioMigrationFromVersion: a migration that names the version it
// is written for applies in a scenario that switches from that version,
// and one written for another version does not (the switch is refused as
// it would strand the ticket).
func TestScenarioMigrationFromVersion(t *testing.T) {
	desk := t.TempDir()
	v1Dir := filepath.Join(desk, "processes", "scenarios", "testdata", "v1")
	writeFile(t, filepath.Join(v1Dir, "processes", "antrag.yaml"), antragV1)
	files, err := definition.ReadFS(os.DirFS(v1Dir), filepath.ToSlash(v1Dir))
	if err != nil {
		t.Fatal(err)
	}
	loader, err := newLoader()
	if err != nil {
		t.Fatal(err)
	}
	v1, diags := loader.Compile(files)
	if v1 == nil {
		t.Fatal(diags)
	}
	v2 := strings.ReplaceAll(antragV1, "eingang", "neu")
	for _, tc := range []struct {
		name, from, want string
	}{
		{"its version", v1.Hash()[:12], "ok: 1 case passed"},
		{"another version", "0123456789ab", "stranded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			migration := strings.Replace(migrationToNeu, "process: antrag\n", "process: antrag\nfrom: ["+tc.from+"]\n", 1)
			writeFile(t, filepath.Join(desk, "processes", "antrag.yaml"), v2+migration)
			writeFile(t, filepath.Join(desk, "processes", "scenarios", "antrag_test.yaml"), `users: [{name: anna}]
scenarios:
  - name: Die Migration bringt den Antrag nach neu
    clock: 2026-11-23T08:00:00+01:00
    steps:
      - definitions: testdata/v1
      - as: anna
        open: antrag
        data: {summary: Umzug}
        expect: {state: eingang}
      - definitions: current
        expect: {state: neu}
`)
			var out, errb bytes.Buffer
			run(t.Context(), []string{"test", filepath.Join(desk, "processes")}, &out, &errb)
			if !strings.Contains(out.String()+errb.String(), tc.want) {
				t.Fatalf("vorgang test does not say %q:\n%s%s", tc.want, out.String(), errb.String())
			}
		})
	}
}
