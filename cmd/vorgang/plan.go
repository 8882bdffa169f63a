package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/ticket"
)

// Exit codes of vorgang plan.
const (
	planNothing  = 0
	planInvalid  = 1
	planSafe     = 2
	planStranded = 3
)

// planOutput is the --json answer.
type planOutput struct {
	Served   string `json:"served"`
	OnDisk   string `json:"on_disk"`
	Stranded int64  `json:"stranded_tickets"`
	engine.DefinitionPlan
	// Migrations is a dry run of the migrations on disk: how many open
	// tickets each would change, and some of the changes.
	Migrations *engine.MigrationResult `json:"migrations,omitempty"`
}

// plan runs "vorgang plan": it compares the definitions on disk with those
// the database's server serves and counts the open tickets each change
// touches. Exit codes: 0 nothing changes, 2 the changes are safe, 3 they
// would strand open tickets, 1 the definitions are invalid or the database
// cannot be read.
func plan(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("plan", flag.ContinueOnError)
	fl.SetOutput(stderr)
	db := addStoreFlags(fl)
	asJSON := fl.Bool("json", false, "answer in JSON")
	samples := fl.Int("samples", 3, "tickets to show per migration, as a dry run of what it changes")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "Usage: vorgang plan [--data DIR | --mongo-uri URI] [--json] [DIR...]\n\nCompares the definitions below the folders (default: ./processes ./forms ./scripts)\nwith those the server serves, and counts the open tickets each change touches.\nExit codes: 0 nothing to do, 2 safe changes, 3 changes that strand open tickets, 1 invalid definitions.")
		fl.PrintDefaults()
	}
	if code, ok := parseFlags(fl, args); !ok {
		if code != 0 {
			return planInvalid
		}
		return 0
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "vorgang plan: %v\n", err)
		return planInvalid
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
		for _, d := range res.diags.Errors() {
			fmt.Fprintln(stdout, d.String())
		}
		fmt.Fprintf(stdout, "the definitions in %s are invalid: run vorgang validate\n", src)
		return planInvalid
	}
	st, closeStore, err := db.open(ctx, stderr)
	if err != nil {
		return fail(err)
	}
	defer closeStore()
	quiet := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	served, err := servedCatalog(ctx, st, loader, res.catalog, quiet)
	if err != nil {
		return fail(err)
	}
	out := planOutput{OnDisk: res.catalog.Hash()}
	if served == nil {
		// Nothing served yet: everything is new, nothing can strand.
		served, _ = loader.Compile(nil)
	} else {
		out.Served = served.Hash()
	}
	if out.DefinitionPlan, err = engine.PlanDefinitions(ctx, st, served, res.catalog); err != nil {
		return fail(err)
	}
	out.Stranded = strandedTickets(out.DefinitionPlan.Stranded)
	if len(res.catalog.Migrations()) > 0 {
		eng, err := engine.New(engine.Deps{Store: st, Catalog: func() *definition.Catalog { return res.catalog }, Logger: quiet})
		if err != nil {
			return fail(err)
		}
		dry, err := eng.Migrate(ctx, engine.MigrateOptions{DryRun: true, Samples: *samples, Replaced: out.Served})
		eng.Close()
		if err != nil {
			return fail(err)
		}
		out.Migrations = &dry
	}
	code := planNothing
	switch {
	case out.Stranded > 0:
		code = planStranded
	case len(out.Changes) > 0:
		code = planSafe
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fail(err)
		}
		return code
	}
	printPlan(stdout, out)
	return code
}

func printPlan(w io.Writer, out planOutput) {
	served := "nothing"
	if out.Served != "" {
		served = out.Served[:12]
	}
	fmt.Fprintf(w, "served: %s, on disk: %s\n", served, out.OnDisk[:12])
	for _, c := range out.Changes {
		line := c.Change.String()
		switch {
		case c.MigratedBy != "":
			line += fmt.Sprintf(": %d open %s moved on by migration %s", c.OpenTickets, plural(int(c.OpenTickets), "ticket", "tickets"), c.MigratedBy)
		case c.Strands:
			line += fmt.Sprintf(": strands %d open %s", c.OpenTickets, plural(int(c.OpenTickets), "ticket", "tickets"))
		case c.OpenTickets > 0:
			line += fmt.Sprintf(" (%d open %s)", c.OpenTickets, plural(int(c.OpenTickets), "ticket", "tickets"))
		}
		fmt.Fprintln(w, line)
	}
	if m := out.Migrations; m != nil {
		for _, id := range slices.Sorted(maps.Keys(m.Migrated)) {
			fmt.Fprintf(w, "migration %s would change %d open %s\n", id, m.Migrated[id], plural(m.Migrated[id], "ticket", "tickets"))
		}
		for _, s := range m.Samples {
			fmt.Fprintf(w, "  %s: %s\n", s.Ticket, describeMigrated(s.Change))
		}
		for _, id := range m.NotApplied {
			served := out.Served
			if len(served) > 12 {
				served = served[:12]
			}
			fmt.Fprintf(w, "migration %s is written for other versions than %s: not applied\n", id, served)
		}
		if m.Failed > 0 {
			fmt.Fprintf(w, "%d open %s would not be migrated:\n", m.Failed, plural(m.Failed, "ticket", "tickets"))
			for _, f := range m.Failures {
				fmt.Fprintf(w, "  %s (migration %s): %s\n", f.Ticket, f.Migration, f.Error)
			}
		}
	}
	switch {
	case out.Stranded > 0:
		fmt.Fprintf(w, "%d %s; %d open %s would be stranded: keep their states (without transitions leading to them) until they are finished\n",
			len(out.Changes), plural(len(out.Changes), "change", "changes"), out.Stranded, plural(int(out.Stranded), "ticket", "tickets"))
	case len(out.Changes) > 0:
		fmt.Fprintf(w, "%d %s, none strands an open ticket\n", len(out.Changes), plural(len(out.Changes), "change", "changes"))
	default:
		fmt.Fprintln(w, "nothing changes")
	}
}

// describeMigrated is one line of what a migration changes on a ticket.
func describeMigrated(m ticket.Migrated) string {
	var parts []string
	if m.From != m.To {
		parts = append(parts, "state "+m.From+" → "+m.To)
	}
	for _, old := range slices.Sorted(maps.Keys(m.Renamed)) {
		parts = append(parts, "field "+old+" → "+m.Renamed[old])
	}
	if data, ok := m.Changes["data"]; ok {
		for _, f := range slices.Sorted(maps.Keys(data.Fields)) {
			c := data.Fields[f]
			old := any("–")
			if c.Old != nil {
				old = c.Old
			}
			parts = append(parts, fmt.Sprintf("%s: %v → %v", f, old, c.New))
		}
	}
	return strings.Join(parts, ", ")
}
