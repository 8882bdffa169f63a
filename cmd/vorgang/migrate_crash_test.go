package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
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

// migrateCrashTickets is how many open tickets the crash test migrates:
// twenty batches, so the kill lands in the middle; 10,000 would take
// minutes to seed on the embedded store.
const migrateCrashTickets = 2000

// withApp runs f on an app over the stopped server's data folder, with
// the definitions below dir.
func withApp(t *testing.T, dir, data string, f func(a *app.App)) {
	t.Helper()
	files, err := definition.ReadFS(os.DirFS(dir), ".")
	if err != nil {
		t.Fatal(err)
	}
	loader, err := newLoader()
	if err != nil {
		t.Fatal(err)
	}
	cat, diags := loader.Compile(files)
	if cat == nil {
		t.Fatal(diags)
	}
	a, err := app.New(t.Context(), app.Config{DataDir: data, Catalog: func() *definition.Catalog { return cat },
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

// TestMigrationSurvivesSIGKILL: a server migrating open tickets is killed
// with SIGKILL halfway; the next start finishes the migration, every
// ticket is migrated exactly once (one migration entry, one version more)
// and the audit of the hash chains passes.
func TestMigrationSurvivesSIGKILL(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	desk := filepath.Join(dir, "processes", "antrag.yaml")
	writeFile(t, desk, antragV1)
	if err := startServer(t, dir, "--data", data).stop(t); err != nil {
		t.Fatal(err)
	}
	var numbers []string
	withApp(t, filepath.Join(dir, "processes"), data, func(a *app.App) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for w := range 8 {
			wg.Go(func() {
				for i := w; i < migrateCrashTickets; i += 8 {
					tk, err := a.Engine.Create(t.Context(), &auth.Principal{User: "root", Admin: true},
						engine.CreateRequest{Process: "antrag", Data: map[string]any{"summary": fmt.Sprint("Antrag ", i)}})
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

	writeFile(t, desk, strings.ReplaceAll(antragV1, "eingang", "neu")+migrationToNeu)
	serveUntil(t, dir, data, "migrating")

	s := startServer(t, dir, "--data", data)
	if rec := s.record("tickets migrated"); rec == nil || rec["tickets"].(float64) <= 0 || rec["tickets"].(float64) >= migrateCrashTickets {
		t.Errorf("the restart did not finish the migration that was cut off: %v", rec)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(binary(t), "audit", "verify", "--data", data).CombinedOutput(); err != nil {
		t.Errorf("audit verify after the migration: %v\n%s", err, out)
	}
	withApp(t, filepath.Join(dir, "processes"), data, func(a *app.App) {
		ctx := t.Context()
		twice := 0
		for _, n := range numbers {
			tk, err := a.Store.Ticket(ctx, n)
			if err != nil {
				t.Fatal(err)
			}
			hist, err := a.Store.History(ctx, tk)
			if err != nil {
				t.Fatal(err)
			}
			migrated := 0
			for _, h := range hist {
				if h.Type == ticket.EntryMigrated {
					migrated++
				}
			}
			if tk.State != "neu" || tk.Version != 2 || migrated != 1 {
				if twice++; twice <= 5 {
					t.Errorf("%s: state %s, version %d, %d migration entries; want neu, 2, 1", n, tk.State, tk.Version, migrated)
				}
			}
		}
		if twice > 0 {
			t.Errorf("%d of %d tickets not migrated exactly once", twice, len(numbers))
		}
	})
}
