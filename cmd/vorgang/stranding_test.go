package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"vorgang/core/app"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
)

const antragV1 = `apiVersion: vorgang/v1
kind: Process
id: antrag
title: Antrag
form: antrag
audience: [staff]
states:
  - {id: eingang, category: open}
  - {id: erledigt, category: closed}
transitions:
  - {id: erledigen, from: [eingang], to: erledigt}
---
apiVersion: vorgang/v1
kind: Form
id: antrag
title: Antrag
fields:
  - {id: summary, type: text, label: Betreff}
`

const migrationToNeu = `---
apiVersion: vorgang/v1
kind: Migration
id: eingang-wird-neu
title: Eingang heißt jetzt Neu
process: antrag
states:
  eingang: neu
`

const migrationToEingang = `---
apiVersion: vorgang/v1
kind: Migration
id: neu-wird-eingang
title: Zurück zu Eingang
process: antrag
states:
  neu: eingang
`

// openAntrag opens one ticket of the antrag desk in dir on the stopped
// server's data folder, through the engine the server uses.
func openAntrag(t *testing.T, dir, data string) {
	t.Helper()
	ctx := t.Context()
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
	a, err := app.New(ctx, app.Config{DataDir: data, Catalog: func() *definition.Catalog { return cat },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = a.Close(closeCtx)
	}()
	if _, err := a.Engine.Create(ctx, &auth.Principal{User: "root", Admin: true}, engine.CreateRequest{Process: "antrag", Data: map[string]any{"summary": "Umzug"}}); err != nil {
		t.Fatal(err)
	}
}

// TestServeRefusesDefinitionsThatStrandTickets: with an open ticket in
// state eingang, renaming that state is refused by --watch (the old
// definitions keep serving), and at start-up (the server does not start);
// a change that strands nothing is taken by --watch and by SIGHUP.
func TestServeRefusesDefinitionsThatStrandTickets(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	desk := filepath.Join(dir, "processes", "antrag.yaml")
	writeFile(t, desk, antragV1)
	first := startServer(t, dir, "--data", data)
	if err := first.stop(t); err != nil {
		t.Fatal(err)
	}
	openAntrag(t, filepath.Join(dir, "processes"), data)

	s := startServer(t, dir, "--data", data, "--watch", "--watch-interval", "50ms")
	before := s.health(t).Catalog
	writeFile(t, desk, strings.ReplaceAll(antragV1, "eingang", "neu"))
	waitFor(t, s, "definitions not reloaded: the change would strand open tickets, the previous definitions stay in service")
	rec := s.record("open tickets would be stranded")
	if rec == nil || rec["tickets"] != float64(1) || rec["state"] != "eingang" || !strings.HasSuffix(rec["at"].(string), "antrag.yaml:8:10") {
		t.Errorf("stranded tickets not named: %v", rec)
	}
	if got := s.health(t).Catalog; got.Hash != before.Hash {
		t.Fatalf("a stranding change replaced the catalog: %s → %s", before.Hash, got.Hash)
	}
	writeFile(t, desk, strings.Replace(antragV1, "title: Antrag\nform", "title: Antrag auf Umzug\nform", 1))
	waitFor(t, s, "definitions reloaded")
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}

	// The rename with a migration that moves the tickets on is taken, and
	// the ticket is migrated.
	s = startServer(t, dir, "--data", data, "--watch", "--watch-interval", "50ms")
	writeFile(t, desk, strings.ReplaceAll(antragV1, "eingang", "neu")+migrationToNeu)
	waitFor(t, s, "tickets migrated")
	if rec := s.record("tickets migrated"); rec["tickets"] != float64(1) || rec["migration"] != "eingang-wird-neu" {
		t.Errorf("migration log = %v", rec)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	writeFile(t, desk, antragV1+migrationToEingang)
	s = startServer(t, dir, "--data", data)
	if rec := s.record("tickets migrated"); rec == nil || rec["tickets"] != float64(1) {
		t.Errorf("a start with the migration back did not migrate the ticket: %v\n%s", rec, s.log())
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	writeFile(t, desk, antragV1)

	// SIGHUP reloads a change that strands nothing.
	s = startServer(t, dir, "--data", data)
	writeFile(t, desk, strings.Replace(antragV1, "title: Antrag\nform", "title: Antrag auf Umzug\nform", 1))
	if err := s.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "definitions reloaded")
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}

	// A start with the stranding change is refused.
	writeFile(t, desk, strings.ReplaceAll(antragV1, "eingang", "neu"))
	cmd := exec.Command(binary(t), "serve", "--addr", "127.0.0.1:0", "--data", data)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "VORGANG_MONGO_URI=")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "definitions not served: they would strand 1 open tickets") {
		t.Errorf("start with stranding definitions: %v\n%s", err, out)
	}
}

// TestPlan compares the definitions on disk with those served and counts
// the open tickets each change touches; its exit code says whether the
// change is safe.
func TestPlan(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	desk := filepath.Join(dir, "processes", "antrag.yaml")
	writeFile(t, desk, antragV1)
	if err := startServer(t, dir, "--data", data).stop(t); err != nil {
		t.Fatal(err)
	}
	openAntrag(t, filepath.Join(dir, "processes"), data)

	tests := []struct {
		name     string
		desk     string
		json     bool
		wantCode int
		wantOut  []string
	}{
		{"nothing changes", antragV1, false, 0, []string{"nothing changes"}},
		{"a title", strings.Replace(antragV1, "title: Antrag\nform", "title: Antrag auf Umzug\nform", 1), false, 2,
			[]string{"antrag.yaml:3:5: Process antrag changed (1 open ticket)", "1 change, none strands an open ticket"}},
		{"a state of an open ticket renamed", strings.ReplaceAll(antragV1, "eingang", "neu"), false, 3,
			[]string{"antrag.yaml:8:10: Process antrag: state eingang removed: strands 1 open ticket", "Process antrag: state neu added",
				"1 open ticket would be stranded"}},
		{"a state renamed with a migration", strings.ReplaceAll(antragV1, "eingang", "neu") + migrationToNeu, false, 2,
			[]string{"state eingang removed: 1 open ticket moved on by migration eingang-wird-neu", "Migration eingang-wird-neu added",
				"migration eingang-wird-neu would change 1 open ticket", ": state eingang → neu"}},
		{"in JSON", strings.ReplaceAll(antragV1, "eingang", "neu"), true, 3, []string{`"stranded_tickets": 1`, `"op": "removed"`}},
		{"invalid definitions", strings.Replace(antragV1, "title: Antrag\nform", "titel: Antrag\nform", 1), false, 1, []string{"run vorgang validate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeFile(t, desk, tt.desk)
			args := []string{"plan", "--data", data}
			if tt.json {
				args = append(args, "--json")
			}
			var out, errb bytes.Buffer
			code := run(t.Context(), append(args, filepath.Join(dir, "processes")), &out, &errb)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d\n%s%s", code, tt.wantCode, out.String(), errb.String())
			}
			for _, want := range tt.wantOut {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s%s", want, out.String(), errb.String())
				}
			}
		})
	}
}
