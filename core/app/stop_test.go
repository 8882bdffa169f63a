package app_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"vorgang/core/app"
	"vorgang/core/internal/testkit"
)

// A graceful stop, as the server does it (the context ends, then Close),
// used to log warnings: work the loops had in flight on the database was cut
// off (an old lease record left, a connection FerretDB could not answer on).
// A clean stop logs no warning, at whatever moment it comes.
func TestGracefulStopLogsNoWarning(t *testing.T) {
	t.Parallel()
	for after := time.Duration(0); after < 100*time.Millisecond; after += 15 * time.Millisecond {
		var logs testkit.LogBuffer
		a := testkit.NewApp(t, app.Config{Holder: "first", Logger: logs.Logger(slog.LevelWarn)})
		ctx, cancel := context.WithCancel(context.Background())
		ran := make(chan error, 1)
		go func() { ran <- a.Run(ctx) }()
		time.Sleep(after)
		cancel()
		if err := <-ran; err != nil {
			t.Fatalf("Run = %v", err)
		}
		if err := a.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		if logs.String() != "" {
			t.Errorf("a graceful stop after %v logged:\n%s", after, logs.String())
		}
	}
}
