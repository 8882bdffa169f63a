package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"vorgang/core/store"
)

// doctor explains every declared query shape against the database and
// reports those that would scan a collection or sort in memory. Exit
// codes: 0 every shape is served by an index (or declared to scan), 1 a
// shape is not or the database could not be asked, 2 usage error.
func doctor(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fl.SetOutput(stderr)
	flags := addStoreFlags(fl)
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: vorgang doctor [--mongo-uri URI | --data DIR]\n\n"+
			"Explains every query vorgang sends against the database and reports each that would\n"+
			"read a whole collection (COLLSCAN) or sort in memory (SORT). On MongoDB it runs the\n"+
			"explain command (it reads no documents); on the embedded database SQLite's query\n"+
			"plans. Safe on a running cluster; on the embedded database stop the server first.\n"+
			"Opening the store creates missing collections and indexes, as a start of the server\n"+
			"would. Exit code 1 when a query is not served by an index.\n\n")
		fl.PrintDefaults()
	}
	if code, ok := parseNoArgs(fl, args); !ok {
		return code
	}
	st, closeStore, err := flags.open(ctx, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "vorgang doctor: %v\n", err)
		return 1
	}
	defer closeStore()
	plans, err := st.ExplainShapes(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "vorgang doctor: %v\n", err)
		return 1
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "COLLECTION\tQUERY\tVERDICT\tPLAN")
	declared, inMemory := 0, 0
	for _, p := range plans {
		verdict := "ok"
		switch {
		case p.Problem != "":
			verdict = "PROBLEM: " + p.Problem
		case p.Declared:
			verdict = "declared scan"
			declared++
		case p.InMemory:
			verdict = "in memory"
			inMemory++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Collection, p.Shape, verdict, p.Plan)
	}
	_ = tw.Flush()
	problems := store.Problems(plans)
	fmt.Fprintf(stdout, "%d queries on %s: %d served by an index, %d declared to scan, %d answered from memory, %d not served\n",
		len(plans), st.Mode(), len(plans)-declared-inMemory-len(problems), declared, inMemory, len(problems))
	for _, p := range problems {
		fmt.Fprintf(stderr, "vorgang doctor: query %s on %s %s: %s\n", p.Shape, p.Collection, p.Problem, p.Query)
	}
	if len(problems) > 0 {
		return 1
	}
	return 0
}
