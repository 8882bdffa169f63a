package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"vorgang/core/engine"
)

// auditSeal runs "vorgang audit seal [NUMBER...]": the migration of
// history written before personal values were sealed (docs/privacy.md).
// Each ticket's chain is verified first; a broken one is reported and left
// as it is. Run it with the server stopped, after a backup; running it
// again completes a run that was cut off and skips sealed tickets.
func auditSeal(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("audit seal", flag.ContinueOnError)
	fl.SetOutput(stderr)
	db := addStoreFlags(fl)
	if code, ok := parseFlags(fl, args); !ok {
		return code
	}
	st, closeStore, err := db.open(ctx, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "vorgang audit seal: %v\n", err)
		return 1
	}
	defer closeStore()
	numbers := fl.Args()
	if len(numbers) == 0 {
		for after := ""; ; {
			page, err := st.TicketNumbers(ctx, after, 500)
			if err != nil {
				fmt.Fprintf(stderr, "vorgang audit seal: %v\n", err)
				return 1
			}
			numbers = append(numbers, page...)
			if len(page) < 500 {
				break
			}
			after = page[len(page)-1]
		}
	}
	sealed, failed := 0, 0
	for _, n := range numbers {
		done, err := engine.SealHistory(ctx, st, n, time.Now())
		if err != nil {
			failed++
			fmt.Fprintf(stdout, "%s: %v\n", n, err)
			continue
		}
		if done {
			sealed++
		}
	}
	fmt.Fprintf(stdout, "sealed %d of %d tickets\n", sealed, len(numbers))
	if failed > 0 {
		fmt.Fprintf(stdout, "%d tickets were not sealed\n", failed)
		return 1
	}
	return 0
}
