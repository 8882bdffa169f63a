package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"vorgang/core/app"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/ticket"
)

// retentionCrashTickets is how many closed citizen requests the crash
// test has retention anonymise: six batches, so the kill lands in the
// middle.
const retentionCrashTickets = 600

// withDeskApp runs f on an app over the data folder with the shipped
// desks and the clock now.
func withDeskApp(t *testing.T, data string, now func() time.Time, f func(a *app.App)) {
	t.Helper()
	loader, err := newLoader()
	if err != nil {
		t.Fatal(err)
	}
	files, err := (definitionSource{embedded: true}).read()
	if err != nil {
		t.Fatal(err)
	}
	cat, diags := loader.Compile(files)
	if cat == nil {
		t.Fatal(diags)
	}
	a, err := app.New(t.Context(), app.Config{DataDir: data, Catalog: func() *definition.Catalog { return cat }, Now: now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = a.Close(closeCtx)
	}()
	f(a)
}

// TestRetentionSurvivesSIGKILL: a server applying retention after it
// started is killed with SIGKILL halfway; the next start finishes it, every ticket
// is anonymised exactly once (one anonymised entry, the rule recorded),
// no address is left, and the audit of the hash chains passes.
func TestRetentionSurvivesSIGKILL(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := startServer(t, dir, "--data", data).stop(t); err != nil {
		t.Fatal(err)
	}
	numbers := yearOldCitizenRequests(t, data, retentionCrashTickets)

	serveUntil(t, dir, data, "retention")

	s := startServer(t, dir, "--data", data)
	if rec := s.awaitRecord(t, "retention applied"); rec == nil || rec["rules_applied"].(float64) <= 0 || rec["rules_applied"].(float64) >= retentionCrashTickets {
		t.Errorf("the restart did not finish the retention that was cut off: %v", rec)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(binary(t), "audit", "verify", "--data", data).CombinedOutput(); err != nil {
		t.Errorf("audit verify after retention: %v\n%s", err, out)
	}
	withDeskApp(t, data, time.Now, func(a *app.App) {
		ctx := t.Context()
		wrong := 0
		for _, n := range numbers {
			tk, err := a.Store.Ticket(ctx, n)
			if err != nil {
				t.Fatal(err)
			}
			hist, err := a.Store.History(ctx, tk)
			if err != nil {
				t.Fatal(err)
			}
			records := 0
			for _, h := range hist {
				if h.Type == ticket.EntryAnonymised {
					records++
				}
			}
			left := strings.Contains(fmt.Sprintf("%+v %+v", *tk, hist), "@example.org")
			if records != 1 || !slices.Equal(tk.Retained, []string{"requester"}) || left {
				if wrong++; wrong <= 5 {
					t.Errorf("%s: %d anonymised entries, retained %v, address left %v; want 1, [requester], false", n, records, tk.Retained, left)
				}
			}
		}
		if wrong > 0 {
			t.Errorf("%d of %d tickets not anonymised exactly once", wrong, len(numbers))
		}
	})
}

// yearOldCitizenRequests opens n citizen requests a year ago and answers
// them, so the citizen desk's retention rule is due for each; it returns
// their numbers.
func yearOldCitizenRequests(t *testing.T, data string, n int) []string {
	t.Helper()
	yearAgo := time.Now().AddDate(-1, 0, 0)
	var numbers []string
	withDeskApp(t, data, func() time.Time { return yearAgo }, func(a *app.App) {
		worker := &auth.Principal{User: "root", Admin: true}
		var mu sync.Mutex
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for w := range 8 {
			wg.Go(func() {
				for i := w; i < n; i += 8 {
					tk, err := a.Engine.Create(t.Context(), nil, engine.CreateRequest{Process: "citizen-request", Data: map[string]any{
						"summary": fmt.Sprint("Anliegen ", i), "category": "other", "description": "Bitte prüfen.",
						"email": fmt.Sprintf("person%d@example.org", i), "privacy_consent": true}})
					for _, step := range []engine.TransitionRequest{{Transition: "accept"}, {Transition: "answer", Comment: "Erledigt."}} {
						if err == nil {
							_, err = a.Engine.Transition(t.Context(), worker, tk.Number, step)
						}
					}
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					numbers = append(numbers, tk.Number)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	})
	return numbers
}
