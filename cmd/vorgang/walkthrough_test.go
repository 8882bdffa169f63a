package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// walkthroughFile is a code block of docs/authoring.md that is a whole
// file: its first line is a comment naming the file.
var walkthroughFile = regexp.MustCompile("(?s)```(?:yaml|lua)\n((?:#|--) ([\\w/.-]+\\.(?:yaml|lua))\n.*?)```")

// TestAuthoringWalkthrough follows the desk walkthrough of docs/authoring.md
// literally: every file it shows is written as shown into an empty folder,
// which must then validate, pass its scenario tests, and fail the way the
// page says when the first expectation is wrong. A walkthrough that needs
// knowledge it does not write down fails here.
func TestAuthoringWalkthrough(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "authoring.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	start := strings.Index(text, "## Writing a desk")
	end := strings.Index(text, "## Scenario tests\n")
	if start < 0 || end < start {
		t.Fatal("docs/authoring.md has no walkthrough section before its scenario tests section")
	}
	section := text[start:end]
	desk := t.TempDir()
	files := walkthroughFile.FindAllStringSubmatch(section, -1)
	if len(files) < 10 {
		t.Fatalf("the walkthrough shows %d whole files; want the desk's roles, asset class, forms, processes, scripts and scenarios", len(files))
	}
	for _, f := range files {
		writeFile(t, filepath.Join(desk, f[2]), f[1])
	}

	t.Chdir(desk) // as the page says: vorgang validate . in the desk's folder
	var out, errb bytes.Buffer
	if code := run(t.Context(), []string{"validate", "."}, &out, &errb); code != 0 {
		t.Fatalf("validate = %d\n%s%s", code, out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := run(t.Context(), []string{"test", "."}, &out, &errb); code != 0 || !strings.Contains(out.String(), "ok: 3 cases passed") {
		t.Fatalf("test = %d, want 0 and the three stories passed\n%s%s", code, out.String(), errb.String())
	}

	scenario := filepath.Join(desk, "processes/fleet/scenarios/fleet-booking_test.yaml")
	src, err := os.ReadFile(scenario)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, scenario, strings.Replace(string(src), "{state: booked, team", "{state: gebucht, team", 1))
	out.Reset()
	errb.Reset()
	if code := run(t.Context(), []string{"test", "."}, &out, &errb); code == 0 {
		t.Fatalf("test with a wrong state = 0, want a failure\n%s", out.String())
	}
	documented := regexp.MustCompile(`(?m)^    processes/fleet/scenarios/fleet-booking_test\.yaml:\d+:\d+: step 1 .*$`).FindString(section)
	if documented == "" || !strings.Contains(out.String(), documented) {
		t.Errorf("the failure the walkthrough shows,\n%s\nis not what vorgang test says:\n%s", documented, out.String())
	}
}
