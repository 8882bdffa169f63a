package app_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"vorgang/core/app"
	"vorgang/core/auth"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/search"
)

// crashDirEnv names the data folder of the helper process the crash test
// kills.
const crashDirEnv = "VORGANG_SEARCH_CRASH_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		os.Exit(commentAndDie(dir, os.Getenv("VORGANG_SEARCH_CRASH_TICKET")))
	}
	os.Exit(m.Run())
}

var searchAdmin = &auth.Principal{User: "admin", Admin: true}

func incident(summary string) map[string]any {
	return map[string]any{"summary": summary, "category": "printer", "impact": "single", "urgency": "low", "location": "rathaus"}
}

// commentAndDie comments on a ticket and is killed by SIGKILL as soon as
// the store acknowledged it: its loops never ran, so the index never heard
// of the comment.
func commentAndDie(dir, number string) int {
	ctx := context.Background()
	a, err := app.New(ctx, app.Config{DataDir: dir, Catalog: testkit.Fixed(testkit.Desks(helperTB{})), Logger: testkit.Quiet})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	if _, err := a.Engine.Comment(ctx, searchAdmin, number, 0, "Kabelbruch am Netzteil gefunden", true, "de"); err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
}

// helperTB lets the helper process use testkit outside a test.
type helperTB struct{ testing.TB }

func (helperTB) Helper() {}
func (helperTB) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "helper: "+format+"\n", args...)
	os.Exit(1)
}

// runApp runs the app's loops until the test ends.
func runApp(t *testing.T, a *app.App) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// findEventually searches until text finds want (the index is fed in the
// background), or gives up after a generous while.
func findEventually(t *testing.T, a *app.App, text, want string) *search.Result {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := a.Engine.Search(t.Context(), searchAdmin, engine.SearchRequest{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			if h.Number == want {
				return res
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q never found %s (found %+v)", text, want, res.Hits)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A comment stored just before the process is killed, before the index
// heard of it, is found after the restart: the feeder catches up from the
// store.
func TestSearchFindsACommentStoredJustBeforeACrash(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := app.Config{DataDir: dir, Catalog: testkit.Fixed(testkit.Desks(t)), Logger: testkit.Quiet}

	a, err := app.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- a.Run(ctx) }()
	tk, err := a.Engine.Create(t.Context(), searchAdmin, engine.CreateRequest{Process: "it-incident", Data: incident("Bildschirm flackert")})
	if err != nil {
		t.Fatal(err)
	}
	findEventually(t, a, "flackert", tk.Number)
	cancel()
	<-ran
	if err := a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, "VORGANG_SEARCH_CRASH_TICKET="+tk.Number)
	out, err := cmd.CombinedOutput()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("helper was not killed: %v\n%s", err, out)
	}

	b := testkit.NewApp(t, cfg)
	runApp(t, b)
	res := findEventually(t, b, "Kabelbruch", tk.Number)
	if s := res.Hits[0].Snippets["internal"]; len(s) == 0 || !strings.Contains(s[0], "<mark>Kabelbruch</mark>") {
		t.Errorf("snippet of the comment: %q", s)
	}
}

// An index rebuilt from the store answers every query as the index fed
// change by change does.
func TestReindexEqualsIncrementalIndex(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := app.Config{DataDir: dir, Catalog: testkit.Fixed(testkit.Desks(t)), Logger: testkit.Quiet}
	a := testkit.NewApp(t, cfg)
	stop := make(chan struct{})
	loops, cancel := context.WithCancel(context.Background())
	go func() { _ = a.Run(loops); close(stop) }()
	ctx := t.Context()
	words := []string{"Drucker", "Bildschirm", "Netzwerk", "Toner", "Tastatur"}
	var last string
	for i := range 12 {
		tk, err := a.Engine.Create(ctx, searchAdmin, engine.CreateRequest{Process: "it-incident",
			Data: incident(fmt.Sprintf("%s Nummer %d defekt", words[i%len(words)], i))})
		if err != nil {
			t.Fatal(err)
		}
		for j := range i % 4 {
			if _, err := a.Engine.Comment(ctx, searchAdmin, tk.Number, 0, fmt.Sprintf("Hinweis %d zu %s", j, words[(i+j+1)%len(words)]), j%2 == 1, "de"); err != nil {
				t.Fatal(err)
			}
		}
		last = tk.Number
	}
	findEventually(t, a, "Nummer 11", last)
	cancel() // Run writes what waits before it returns
	<-stop
	incremental := allResults(t, a.Search, words)

	rebuilt, err := search.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer rebuilt.Close()
	f, err := search.NewFeeder(search.FeedConfig{Index: rebuilt, Source: a.Store, Logger: testkit.Quiet})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := f.Rebuild(ctx); err != nil || n != 12 {
		t.Fatalf("rebuild: %d tickets, %v", n, err)
	}
	if got := allResults(t, rebuilt, words); !slices.Equal(got, incremental) {
		t.Errorf("rebuilt index answers\n%s\nthe incremental one\n%s", strings.Join(got, "\n"), strings.Join(incremental, "\n"))
	}
}

// allResults is every hit with its snippets of a query per word, and of
// one for everything, as sorted text: the order among equal scores is
// not given.
func allResults(t *testing.T, x *search.Index, words []string) []string {
	t.Helper()
	var out []string
	for _, w := range append([]string{""}, words...) {
		res, err := x.Search(t.Context(), search.Query{Text: w, Scope: search.Scope{All: true, Internal: true}, Limit: search.MaxPage})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			out = append(out, fmt.Sprintf("%q %s %s %s %.4f %v", w, h.Number, h.Title, h.State, h.Score, h.Snippets))
		}
	}
	slices.Sort(out)
	return out
}
