package testkit

import (
	"context"
	"testing"

	"vorgang/core/app"
)

// NewApp builds the application through core/app on a fresh embedded store
// in a temporary folder (unless cfg names one), quiet and over the shipped
// desks unless cfg says otherwise, and closes it when the test ends.
func NewApp(tb testing.TB, cfg app.Config) *app.App {
	tb.Helper()
	if cfg.DataDir == "" && cfg.MongoURI == "" {
		cfg.DataDir = tb.TempDir()
	}
	if cfg.Logger == nil {
		cfg.Logger = Quiet
	}
	if cfg.Catalog == nil {
		cfg.Catalog = Fixed(Desks(tb))
	}
	a, err := app.New(tb.Context(), cfg)
	if err != nil {
		tb.Fatalf("app.New: %v", err)
	}
	// Some tests leave the store unable to close cleanly on purpose (a full
	// disk); the error is worth a line, not a failure.
	tb.Cleanup(func() {
		if err := a.Close(context.Background()); err != nil {
			tb.Logf("close app: %v", err)
		}
	})
	return a
}
