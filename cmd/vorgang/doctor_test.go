package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"vorgang/core/app"
)

// vorgang doctor explains every declared query. On the embedded database
// it checks SQLite's plans, which serve every query not declared to scan;
// through a connection string it asks the server's explain, and the
// embedded FerretDB, reached that way, filters and sorts in its own
// process: doctor reports those queries and exits 1.
func TestDoctor(t *testing.T) {
	// The driver lower-cases socket paths: the folder must not have
	// upper-case letters, as t.TempDir's (named after the test) has.
	dir, err := os.MkdirTemp("", "vorgang-doctor-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })

	var out, errOut bytes.Buffer
	if code := run(t.Context(), []string{"doctor", "--data", dir}, &out, &errOut); code != 0 {
		t.Fatalf("doctor --data exited %d: %s%s", code, out.String(), errOut.String())
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^tickets +inbox\.team +ok +SQLite searches an index$`),
		regexp.MustCompile(`(?m)^tickets +tickets\.find +declared scan`),
		regexp.MustCompile(`(?m)^assets +assets\.search +in memory`),
		regexp.MustCompile(`(?m)^\d+ queries on embedded: \d+ served by an index, \d+ declared to scan, \d+ answered from memory, 0 not served$`),
	} {
		if !want.MatchString(out.String()) {
			t.Errorf("doctor --data output lacks %s:\n%s", want, out.String())
		}
	}

	st, err := app.OpenStore(t.Context(), "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = st.Close(ctx)
	})
	out.Reset()
	errOut.Reset()
	if code := run(t.Context(), []string{"doctor", "--mongo-uri", st.EmbeddedURI()}, &out, &errOut); code != 1 {
		t.Fatalf("doctor --mongo-uri on FerretDB exited %d, want 1: %s%s", code, out.String(), errOut.String())
	}
	t.Logf("doctor --mongo-uri on FerretDB:\n%s", out.String())
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^tickets +inbox\.team +PROBLEM: reads the whole collection +FerretDB: filter pushed down false`),
		regexp.MustCompile(`(?m)^users +users\.all +declared scan`),
		regexp.MustCompile(`(?m)^\d+ queries on mongodb: \d+ served by an index, \d+ declared to scan, 0 answered from memory, [1-9]\d* not served$`),
	} {
		if !want.MatchString(out.String()) {
			t.Errorf("doctor --mongo-uri output lacks %s:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errOut.String(), `query inbox.team on tickets reads the whole collection: {"find": "tickets"`) {
		t.Errorf("stderr does not name the query:\n%s", errOut.String())
	}

	if code := run(t.Context(), []string{"doctor", "--data", dir, "extra"}, &out, &errOut); code != 2 {
		t.Errorf("doctor with an argument exited %d, want 2", code)
	}
}
