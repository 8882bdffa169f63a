package definition_test

import (
	"strings"
	"testing"

	"vorgang/core/definition"
)

// minInvalidCases keeps the corpus from shrinking unnoticed.
const minInvalidCases = 35

// TestInvalidCorpus compiles every case of testdata/invalid on its own and
// compares the diagnostics with the want comments in the case's files: each
// wanted diagnostic must appear (file, line, column, code, and a message
// containing the fragment), and no other error may appear. Unwanted warnings
// are allowed.
func TestInvalidCorpus(t *testing.T) {
	l := newLoader(t)
	cases := corpusCases(t, "testdata/invalid")
	if len(cases) < minInvalidCases {
		t.Errorf("testdata/invalid holds %d cases, want at least %d", len(cases), minInvalidCases)
	}
	for _, name := range sortedNames(cases) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			files := readCase(t, cases[name])
			wants, bugs := parseWants(t, files)
			if len(wants) == 0 {
				t.Fatal("case has no want comments")
			}
			for _, b := range bugs {
				t.Logf("known loader bug: %s", b)
			}
			cat, diags := compile(t, l, files)
			if cat != nil {
				t.Errorf("Compile returned a catalog for an invalid case")
			}
			var failures []string
			used := make([]bool, len(diags))
			for _, w := range wants {
				found := false
				for i, d := range diags {
					if w.matches(d) {
						found, used[i] = true, true
					}
				}
				if !found {
					failures = append(failures, "missing "+w.String()+" (want at "+w.at+")")
				}
			}
			for i, d := range diags {
				if !used[i] && d.Severity == definition.SeverityError {
					failures = append(failures, "unexpected "+d.String())
				}
			}
			if len(failures) > 0 {
				t.Errorf("%s\ngot:\n%s", strings.Join(failures, "\n"), formatDiags(diags))
			}
		})
	}
}

// TestValidCorpus compiles every case of testdata/valid on its own and wants
// no diagnostic at all, not even a warning.
func TestValidCorpus(t *testing.T) {
	l := newLoader(t)
	cases := corpusCases(t, "testdata/valid")
	if len(cases) < 5 {
		t.Errorf("testdata/valid holds %d cases, want at least 5", len(cases))
	}
	for _, name := range sortedNames(cases) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cat, diags := compile(t, l, readCase(t, cases[name]))
			if len(diags) > 0 {
				t.Fatalf("want no diagnostics, got:\n%s", formatDiags(diags))
			}
			if cat == nil {
				t.Fatal("Compile returned no catalog")
			}
		})
	}
}
