package script_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"vorgang/core/definition"
	"vorgang/core/internal/testkit"
	"vorgang/core/script"
)

// catalogWith compiles the shipped desk plus the given scripts (name →
// source, stored as scripts/test/NAME.lua).
func catalogWith(t testing.TB, scripts map[string]string) *definition.Catalog {
	t.Helper()
	files := testkit.DeskFiles(t)
	for name, src := range scripts {
		files = append(files, definition.File{Path: "scripts/test/" + name + ".lua", Data: []byte(src)})
	}
	return testkit.Compile(t, files)
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
