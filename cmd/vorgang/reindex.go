package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"vorgang/core/app"
)

// reindex rebuilds the search index of the data folder from the database.
// Exit codes: 0 rebuilt, 1 failed, 2 usage error.
func reindex(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("reindex", flag.ContinueOnError)
	fl.SetOutput(stderr)
	flags := addStoreFlags(fl)
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: vorgang reindex [--data DIR] [--mongo-uri URI]\n\n"+
			"Removes the full-text search index (DIR/search.bleve) and builds it again from the\n"+
			"database. On the embedded database stop the server first. Needed only when the index\n"+
			"is damaged or lost: the server builds a missing index at start and catches up after\n"+
			"a crash by itself.\n\n")
		fl.PrintDefaults()
	}
	if code, ok := parseNoArgs(fl, args); !ok {
		return code
	}
	st, closeStore, err := flags.open(ctx, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "vorgang reindex: %v\n", err)
		return 1
	}
	defer closeStore()
	began := time.Now()
	quiet := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	n, err := app.RebuildSearchIndex(ctx, st, *flags.dataDir, quiet)
	if err != nil {
		fmt.Fprintf(stderr, "vorgang reindex: %v\n", err)
		return 1
	}
	took := time.Since(began)
	fmt.Fprintf(stdout, "indexed %d tickets in %s (%.0f tickets/s)\n", n, took.Round(time.Millisecond), float64(n)/max(took.Seconds(), 1e-3))
	return 0
}
