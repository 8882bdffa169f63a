package main

import (
	"flag"
	"fmt"
	"io"
	"time"
)

// validate checks definitions and prints one line per problem. Exit codes:
// 0 valid, 1 invalid, 2 usage or read error.
func validate(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("validate", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprintln(stderr, "Usage: vorgang validate [DIR...]\n\nChecks every *.yaml and *.lua file below the folders (default: ./processes ./forms ./scripts).")
	}
	if code, ok := parseFlags(fl, args); !ok {
		return code
	}
	start := time.Now()
	src, err := resolveSource(".", fl.Args())
	if err != nil {
		fmt.Fprintf(stderr, "vorgang validate: %v\n", err)
		return 2
	}
	loader, err := newLoader()
	if err != nil {
		fmt.Fprintf(stderr, "vorgang validate: %v\n", err)
		return 2
	}
	res, err := src.load(loader)
	cat, diags := res.catalog, res.diags
	if err != nil {
		fmt.Fprintf(stderr, "vorgang validate: %v\n", err)
		return 2
	}
	for _, d := range diags {
		fmt.Fprintln(stdout, d.String())
	}
	if cat == nil {
		errs := len(diags.Errors())
		fmt.Fprintf(stdout, "%d %s in %s\n", errs, plural(errs, "error", "errors"), src)
		return 1
	}
	fmt.Fprintf(stdout, "ok: %d definitions valid in %s (%d warnings, %s, catalog %s)\n",
		cat.Len(), src, len(diags), time.Since(start).Round(time.Millisecond), cat.Hash()[:12])
	return 0
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
