package testkit

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"vorgang/core/store"
)

// Quiet is a logger that drops everything.
var Quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// StoreOptions vary OpenStore. The zero value is a quiet store in a fresh
// temporary folder.
type StoreOptions struct {
	// DataDir is the folder of the embedded store. Default: t.TempDir().
	DataDir string
	// Logger receives the store's records. Default: Quiet.
	Logger *slog.Logger
	// Collections are passed to store.Config.Collections.
	Collections store.Schema
	// MongoURI opens the store in MongoDB mode on that server (another
	// embedded store's EmbeddedURI serves) instead of an embedded one.
	MongoURI string
	// Observe is passed to store.Config.Observe (MongoDB mode).
	Observe func(store.IssuedQuery)
}

// OpenStore opens a store (embedded unless MongoURI is set) for the test and closes it when the
// test ends.
func OpenStore(tb testing.TB, o StoreOptions) *store.Store {
	tb.Helper()
	if o.DataDir == "" && o.MongoURI == "" {
		o.DataDir = tb.TempDir()
	}
	if o.Logger == nil {
		o.Logger = Quiet
	}
	st, err := store.Open(tb.Context(), store.Config{DataDir: o.DataDir, MongoURI: o.MongoURI, Logger: o.Logger,
		Collections: o.Collections, Observe: o.Observe})
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := st.Close(ctx); err != nil {
			tb.Errorf("close store: %v", err)
		}
	})
	return st
}

// OpenMongoStore opens an embedded store and, on it, a store in MongoDB
// mode (o.MongoURI and o.DataDir are ignored), for tests of the code
// paths a site on MongoDB runs. The embedded store's folder has no
// upper-case letters: the driver lower-cases socket paths, and
// t.TempDir's have some.
func OpenMongoStore(tb testing.TB, o StoreOptions) *store.Store {
	tb.Helper()
	dir, err := os.MkdirTemp("", "vorgang-mongo-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = os.RemoveAll(dir) })
	first := OpenStore(tb, StoreOptions{DataDir: dir, Collections: o.Collections})
	o.DataDir, o.MongoURI = "", first.EmbeddedURI()
	return OpenStore(tb, o)
}
