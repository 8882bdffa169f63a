package store

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestQuietLogger(t *testing.T) {
	internal := "Response message:\n{\"ok\": 0.0, \"errmsg\": \"boom\", \"code\": 1, \"codeName\": \"InternalError\"}\n"
	full := "Response message:\n{\"ok\": 0.0, \"errmsg\": \"[db.go:167 fsql.(*DB).InTransaction] database or disk is full (13)\", \"code\": 1, \"codeName\": \"InternalError\"}\n"
	duplicate := "Response message:\n{\"ok\": 0.0, \"code\": 11000, \"codeName\": \"DuplicateKey\"}\n"
	tests := []struct {
		name  string
		level slog.Level
		msg   string
		keep  bool
	}{
		{"debug dropped", slog.LevelDebug, "Connection started", false},
		{"info dropped", slog.LevelInfo, "Listening on Unix /x/ferretdb.sock...", false},
		{"warn kept", slog.LevelWarn, "Failed to accept connection", true},
		{"error kept", slog.LevelError, "something broke", true},
		{"response header warn dropped", slog.LevelWarn, "Response header: length: 123, id: 2", false},
		{"response message warn dropped", slog.LevelWarn, duplicate, false},
		{"internal error message kept", slog.LevelWarn, internal, true},
		{"full disk message dropped (the store logs it once)", slog.LevelWarn, full, false},
		{"response header error kept", slog.LevelError, "Response header: length: 123, id: 2", true},
		{"response message error kept", slog.LevelError, duplicate, true},
		{"proxy response kept", slog.LevelWarn, "Proxy response header: x", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			base := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			// FerretDB derives per-connection loggers with With; the filter
			// must survive that.
			l := newQuietLogger(base).With(slog.String("name", "// conn"))
			l.Log(context.Background(), tt.level, tt.msg)
			if got := buf.Len() > 0; got != tt.keep {
				t.Errorf("kept = %v, want %v (output %q)", got, tt.keep, buf.String())
			}
			if tt.keep && !strings.Contains(buf.String(), "component=ferretdb") {
				t.Errorf("output %q lacks component=ferretdb", buf.String())
			}
		})
	}
}

func TestQuietLoggerRespectsBaseLevel(t *testing.T) {
	var buf bytes.Buffer
	base := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelError}))
	l := newQuietLogger(base)
	if l.Enabled(context.Background(), slog.LevelWarn) {
		t.Error("WARN enabled although the base logger only takes ERROR")
	}
	if !l.Enabled(context.Background(), slog.LevelError) {
		t.Error("ERROR disabled")
	}
}
