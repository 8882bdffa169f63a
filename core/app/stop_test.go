package app_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"vorgang/core/app"
	"vorgang/core/internal/testkit"
)

// lockedBuffer is a log sink the loops may write to concurrently.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// A graceful stop, as the server does it (the context ends, then Close),
// used to log warnings: work the loops had in flight on the database was cut
// off (an old lease record left, a connection FerretDB could not answer on).
// A clean stop logs no warning, at whatever moment it comes.
func TestGracefulStopLogsNoWarning(t *testing.T) {
	t.Parallel()
	for after := time.Duration(0); after < 100*time.Millisecond; after += 15 * time.Millisecond {
		var logs lockedBuffer
		a := testkit.NewApp(t, app.Config{Holder: "first", Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))})
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
