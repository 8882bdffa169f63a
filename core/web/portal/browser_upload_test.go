package portal_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"vorgang/core/web/internal/webtest"
)

// TestBrowserFileLimitsCheckedOnChoice: with JavaScript, a file over its
// field's limit is refused as soon as it is chosen, with the error at the
// field and the input cleared, so the post that follows is never refused
// as too large after everything was typed; a file within the limit clears
// the error again.
func TestBrowserFileLimitsCheckedOnChoice(t *testing.T) {
	env := webtest.NewUIEnv(t)
	c := webtest.StartChrome(t)
	tb := c.Tab(env.Base, true)
	tb.T = t
	big := filepath.Join(t.TempDir(), "gross.png")
	if err := os.WriteFile(big, append(append([]byte{}, webtest.PNGBytes...), bytes.Repeat([]byte{0}, 3<<20)...), 0o600); err != nil {
		t.Fatal(err)
	}
	if st := tb.Open("/portal/new/citizen-report"); st != http.StatusOK {
		t.Fatalf("form: %d", st)
	}
	tb.TypeText("#f-summary", "Laterne flackert")
	tb.Upload("#f-photo", big)
	if !tb.Has("#f-photo-choice-error") {
		t.Fatalf("no error after choosing a 3 MB file for a 2 MB field")
	}
	if msg := tb.Text("#f-photo-choice-error"); !strings.Contains(msg, "gross.png") || !strings.Contains(msg, "2 MB") {
		t.Errorf("error %q, want it to name the file and the limit", msg)
	}
	if n := webtest.Eval[int](tb, `document.querySelector('#f-photo').files.length`); n != 0 {
		t.Errorf("the oversized file stays chosen (%d files)", n)
	}
	if d := webtest.Eval[string](tb, `document.querySelector('#f-photo').getAttribute('aria-describedby')`); !strings.Contains(d, "f-photo-choice-error") || !strings.Contains(d, "f-photo-limits") {
		t.Errorf("aria-describedby = %q", d)
	}
	if v := webtest.Eval[string](tb, `document.querySelector('#f-summary').value`); v != "Laterne flackert" {
		t.Errorf("the typed summary became %q", v)
	}
	tb.Upload("#f-photo", webtest.WritePNG(t))
	if tb.Has("#f-photo-choice-error") {
		t.Errorf("the error stays after choosing a file within the limit")
	}
	if n := webtest.Eval[int](tb, `document.querySelector('#f-photo').files.length`); n != 1 {
		t.Errorf("the file within the limit is not chosen (%d files)", n)
	}
}
