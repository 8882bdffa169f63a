package store

import (
	"context"
	"log/slog"
	"strings"
)

// quietHandler filters what embedded FerretDB logs. FerretDB dumps every
// error reply (a duplicate key, an unsupported command) as two WARN records
// of several hundred bytes each; vorgang produces such replies on purpose
// (insert claims), so they would drown the log. Records below WARN are
// dropped as well, which silences FerretDB's start-up and per-connection
// chatter. Reply dumps of an InternalError are kept: they point at a
// FerretDB bug or a broken database file (except a full disk, which the
// store logs itself, once).
type quietHandler struct {
	inner slog.Handler
}

// newQuietLogger returns the logger handed to FerretDB, derived from base.
func newQuietLogger(base *slog.Logger) *slog.Logger {
	return slog.New(quietHandler{inner: base.Handler()}).With(slog.String("component", "ferretdb"))
}

func (h quietHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= slog.LevelWarn && h.inner.Enabled(ctx, level)
}

func (h quietHandler) Handle(ctx context.Context, r slog.Record) error {
	if !keepFerretRecord(r.Level, r.Message) || clientLeft(r) {
		return nil
	}
	return h.inner.Handle(ctx, r)
}

func (h quietHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return quietHandler{inner: h.inner.WithAttrs(attrs)}
}

func (h quietHandler) WithGroup(name string) slog.Handler {
	return quietHandler{inner: h.inner.WithGroup(name)}
}

// keepFerretRecord decides whether a FerretDB log record is passed on.
func keepFerretRecord(level slog.Level, msg string) bool {
	if level < slog.LevelWarn {
		return false
	}
	if level >= slog.LevelError {
		return true
	}
	if strings.HasPrefix(msg, "Response header: ") || strings.HasPrefix(msg, "Response message:") {
		// A full disk is an InternalError too, but the store reports it
		// once when it starts and once when it ends.
		return strings.Contains(msg, `"codeName": "InternalError"`) && !strings.Contains(msg, sqliteFullMessage)
	}
	return true
}

// clientLeft reports whether a record says only that the driver closed a
// connection while FerretDB still answered on it. The driver does so when
// an operation's context ends, which every stop does to the work in
// flight: it is no fault of the database.
func clientLeft(r slog.Record) bool {
	if r.Message != "Connection stopped" {
		return false
	}
	left := false
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "error" {
			msg := a.Value.String()
			left = strings.Contains(msg, "broken pipe") || strings.Contains(msg, "connection reset") || strings.HasSuffix(msg, "EOF")
			return false
		}
		return true
	})
	return left
}
