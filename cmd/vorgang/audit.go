package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"vorgang/core/engine"
)

// audit runs "vorgang audit verify [NUMBER...]": it checks the
// tamper-evident history chains and exits 1 when any is broken; "vorgang
// audit seal" migrates history written before values were sealed.
func audit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "seal" {
		return auditSeal(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(stderr, "Usage: vorgang audit verify|seal [--data DIR | --mongo-uri URI] [NUMBER...]")
		return 2
	}
	fl := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fl.SetOutput(stderr)
	db := addStoreFlags(fl)
	if code, ok := parseFlags(fl, args[1:]); !ok {
		return code
	}
	st, closeStore, err := db.open(ctx, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "vorgang audit: %v\n", err)
		return 1
	}
	defer closeStore()
	broken := 0
	checked, err := engine.Audit(ctx, st, fl.Args(), func(number string, problems []engine.VerifyProblem) {
		broken++
		for _, p := range problems {
			fmt.Fprintf(stdout, "%s: entry %d: %s\n", number, p.Seq, p.Problem)
		}
	})
	if err != nil {
		fmt.Fprintf(stderr, "vorgang audit: %v\n", err)
		return 1
	}
	if broken > 0 {
		fmt.Fprintf(stdout, "%d of %d tickets have a broken history\n", broken, checked)
		return 1
	}
	fmt.Fprintf(stdout, "ok: the history of %d tickets is intact\n", checked)
	return 0
}
