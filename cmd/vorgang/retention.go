package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"vorgang/core/definition"
	"vorgang/core/engine"
)

// retention runs "vorgang retention [--dry-run] [DIR...]": it applies the
// retention rules of the definitions below the folders (default:
// ./processes ./forms ./scripts) that are due, or with --dry-run lists
// them, one line per ticket and rule, and changes nothing. The server
// does the same at start-up and every hour; with the embedded database,
// stop it first. Exit codes: 0 done, 1 failed or invalid definitions.
func retention(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("retention", flag.ContinueOnError)
	fl.SetOutput(stderr)
	db := addStoreFlags(fl)
	dry := fl.Bool("dry-run", false, "list the rules due per ticket, change nothing")
	if code, ok := parseFlags(fl, args); !ok {
		return code
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "vorgang retention: %v\n", err)
		return 1
	}
	src, err := resolveSource(".", fl.Args())
	if err != nil {
		return fail(err)
	}
	loader, err := newLoader()
	if err != nil {
		return fail(err)
	}
	res, err := src.load(loader)
	if err != nil {
		return fail(err)
	}
	if res.catalog == nil {
		fmt.Fprintf(stdout, "the definitions in %s are invalid: run vorgang validate\n", src)
		return 1
	}
	st, closeStore, err := db.open(ctx, stderr)
	if err != nil {
		return fail(err)
	}
	defer closeStore()
	cat := res.catalog
	eng, err := engine.New(engine.Deps{Store: st, Catalog: func() *definition.Catalog { return cat },
		Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		return fail(err)
	}
	defer eng.Close()
	rep, err := eng.EnforceRetention(ctx, engine.RetentionRun{DryRun: *dry})
	verb := "applied"
	if *dry {
		verb = "due"
	}
	for _, a := range rep.Actions {
		status := verb
		if a.Err != nil {
			status = "failed: " + a.Err.Error()
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\tdue %s\tremoves %s\t%s\n", a.Ticket, a.Process, a.Rule,
			a.Due.Format("2006-01-02"), strings.Join(a.Removes, ", "), status)
	}
	fmt.Fprintf(stdout, "%d rules %s on %d tickets looked at; %d under legal hold; %d failed\n",
		len(rep.Actions)-rep.Failed, verb, rep.Checked, rep.Held, rep.Failed)
	if err != nil {
		return fail(err)
	}
	if rep.Failed > 0 {
		return 1
	}
	return 0
}
