package script_test

import (
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"vorgang/core/definition"
	"vorgang/core/script"
)

// deskFiles are the shipped definitions, read once.
func deskFiles(t testing.TB) []definition.File {
	t.Helper()
	var files []definition.File
	for _, d := range []string{"processes", "forms", "scripts"} {
		fs, err := definition.ReadFS(os.DirFS("../../"+d), d)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	return files
}

// catalogWith compiles the shipped desk plus the given scripts (name →
// source, stored as scripts/test/NAME.lua).
func catalogWith(t testing.TB, scripts map[string]string) *definition.Catalog {
	t.Helper()
	loader, err := definition.NewLoader(os.DirFS("../../schemas"))
	if err != nil {
		t.Fatal(err)
	}
	files := deskFiles(t)
	for name, src := range scripts {
		files = append(files, definition.File{Path: "scripts/test/" + name + ".lua", Data: []byte(src)})
	}
	cat, diags := loader.Compile(files)
	if cat == nil {
		t.Fatalf("definitions: %v", diags)
	}
	return cat
}

var clock = time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)

func newRuntime(t testing.TB, cfg script.Config) *script.Runtime {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return clock }
	}
	rt := script.New(cfg)
	t.Cleanup(rt.Close)
	return rt
}

func sampleTicket() *script.Ticket {
	return &script.Ticket{
		Number: "INC-2026-000042", Process: "it-incident", Title: "Drucker druckt nicht",
		State: "new", Priority: "medium", Team: "it-1st-level", Requester: "anna", Version: 1,
		Created: clock, Updated: clock,
		Data: map[string]any{"summary": "Drucker druckt nicht", "category": "printer", "impact": "single",
			"urgency": "low", "location": "aussenstelle_nord"},
	}
}
