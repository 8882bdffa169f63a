package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
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
