package webtest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// RequireFile skips the test when a file the browser tests need is missing,
// except in CI (the CI environment variable is set), where that is a failure:
// there, a missing browser must not turn into a silently green run.
func RequireFile(t *testing.T, path, what string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing at %s (CI must install it; see .ci/run): %v", what, path, err)
		}
		t.Skipf("%s is missing at %s; install it to run this test (apt-get install chromium; npm ci --prefix core/web/testdata/axe)", what, path)
	}
}

// Chrome is one headless Chromium for a test, with a fresh profile.
type Chrome struct {
	T    *testing.T
	root context.Context
}

// StartChrome starts Chromium for the test, or skips it (fails in CI)
// without the browser.
func StartChrome(t *testing.T) *Chrome {
	t.Helper()
	RequireFile(t, chromiumPath, "Chromium")
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate"),
		chromedp.Flag("lang", "de-DE"),
		chromedp.Flag("accept-lang", "de-DE,de"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	root, cancelRoot := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelRoot(); cancelAlloc() })
	if err := chromedp.Do(root); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return &Chrome{T: t, root: root}
}

// Tab is one person's browser: its own cookies (a new browser context),
// JavaScript on or off, and a record of console errors.
type Tab struct {
	T *testing.T
	// Ctx is the tab's browser context, for steps of chromedp's own.
	Ctx  context.Context
	base string

	mu     sync.Mutex
	errors []string
}

// Tab opens a tab on base, with JavaScript on or off.
func (c *Chrome) Tab(base string, js bool) *Tab {
	t := c.T
	t.Helper()
	ctx, cancel := chromedp.NewContext(c.root, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tb := &Tab{T: t, Ctx: ctx, base: base}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, struct{}{}); err != nil {
		t.Fatalf("enable log: %v", err)
	}
	if err := chromedp.Listen(ctx, func(ev any) {
		var msg string
		switch e := ev.(type) {
		case *cdplog.EventEntryAdded:
			// Network entries are the statuses of pages that answer 4xx on
			// purpose (a form with errors is 422); everything else counts.
			if e.Entry.Level == cdplog.EntryLevelError && e.Entry.Source != cdplog.EntrySourceNetwork {
				msg = fmt.Sprintf("console %s: %s (%s)", e.Entry.Source, e.Entry.Text, e.Entry.URL)
			}
		case *runtime.EventExceptionThrown:
			msg = "exception: " + e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
		}
		if msg != "" {
			tb.mu.Lock()
			tb.errors = append(tb.errors, msg)
			tb.mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if !js {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatalf("disable JavaScript: %v", err)
		}
	}
	t.Cleanup(tb.checkConsole)
	return tb
}

// checkConsole fails the test on any console error or uncaught exception:
// a Content-Security-Policy violation shows up here too.
func (tb *Tab) checkConsole() {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, e := range tb.errors {
		tb.T.Errorf("browser reported: %s", e)
	}
}

func (tb *Tab) timeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(tb.Ctx, 30*time.Second)
}

// Open navigates to a path of the app and returns the HTTP status.
func (tb *Tab) Open(path string) int64 {
	tb.T.Helper()
	ctx, cancel := tb.timeout()
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(tb.base+path))
	if err != nil {
		tb.T.Fatalf("open %s: %v", path, err)
	}
	return resp.Status
}

// Submit clicks a button that posts and waits for the next page.
func (tb *Tab) Submit(sel string) int64 {
	tb.T.Helper()
	ctx, cancel := tb.timeout()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		tb.T.Fatalf("click %s: %v", sel, err)
	}
	return resp.Status
}

// Do runs browser steps, failing the test with what on an error.
func (tb *Tab) Do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.T.Helper()
	ctx, cancel := tb.timeout()
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.T.Fatalf("%s: %v", what, err)
	}
}

// Set sets the value of a form control.
func (tb *Tab) Set(sel, value string) {
	tb.T.Helper()
	tb.Do("set "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
}

// TypeText empties a control and types value into it.
func (tb *Tab) TypeText(sel, value string) {
	tb.T.Helper()
	Eval[bool](tb, fmt.Sprintf("(function(){var e=document.querySelector(%q); e.value=''; return true})()", sel))
	tb.Do("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), value))
}

// Click clicks a visible element.
func (tb *Tab) Click(sel string) {
	tb.T.Helper()
	tb.Do("click "+sel, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// Upload puts a file into a file input.
func (tb *Tab) Upload(sel, file string) {
	tb.T.Helper()
	tb.Do("upload to "+sel, chromedp.SetUploadFiles(chromedp.CSS(sel), []string{file}))
}

// Text is the text of an element.
func (tb *Tab) Text(sel string) string {
	tb.T.Helper()
	ctx, cancel := tb.timeout()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeReady))
	if err != nil {
		tb.T.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// Eval runs a script in the page and decodes its result.
func Eval[T any](tb *Tab, script string) T {
	tb.T.Helper()
	ctx, cancel := tb.timeout()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](script, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.T.Fatalf("evaluate %.80q: %v", script, err)
	}
	return v
}

// Has reports whether the page has an element.
func (tb *Tab) Has(sel string) bool {
	tb.T.Helper()
	return Eval[bool](tb, fmt.Sprintf("document.querySelector(%q) !== null", sel))
}
