package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"vorgang/core/engine"
	"vorgang/core/fault"
)

// outbox runs "vorgang outbox discard --version HASH": it stops the
// follow-up work (child tickets, notifications) a definition version
// queued and that is not done yet. With the embedded database, stop the
// server first: the data folder is in use while it runs.
func outbox(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "discard" {
		fmt.Fprintln(stderr, "Usage: vorgang outbox discard --version HASH [--data DIR | --mongo-uri URI]")
		return 2
	}
	fl := flag.NewFlagSet("outbox discard", flag.ContinueOnError)
	fl.SetOutput(stderr)
	version := fl.String("version", "", "definition version (catalog hash, at least 8 characters) whose queued work to discard")
	db := addStoreFlags(fl)
	if code, ok := parseFlags(fl, args[1:]); !ok {
		return code
	}
	if *version == "" || fl.NArg() > 0 {
		fmt.Fprintln(stderr, "vorgang outbox discard: --version HASH is required")
		return 2
	}
	st, closeStore, err := db.open(ctx, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "vorgang outbox: %v\n", err)
		return 1
	}
	defer closeStore()
	n, err := engine.DiscardEffects(ctx, st, *version, time.Now())
	if errors.Is(err, fault.Malformed) {
		fmt.Fprintf(stderr, "vorgang outbox discard: %v\n", err)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "vorgang outbox discard: %v (%d discarded before)\n", err, n)
		return 1
	}
	fmt.Fprintf(stdout, "discarded %d queued %s of definition version %s\n", n, plural(n, "effect", "effects"), *version)
	return 0
}
