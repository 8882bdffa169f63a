// Command vorgang is the vorgang service desk: it serves the desks described
// in the definition folders and offers tools to validate them.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	// Calendars name IANA time zones; embedding the database keeps them
	// valid on hosts and images without tzdata.
	_ "time/tzdata"
)

const usage = `vorgang — a low-code service desk

Usage:
  vorgang [serve] [flags]      run the service desk (default)
  vorgang validate [DIR...]    check definitions (default: ./processes ./forms ./scripts)
  vorgang test [DIR...]        run the script tests (*_test.lua) against the definitions
  vorgang plan [DIR...]        what serving these definitions would change, and the open tickets it touches
  vorgang audit verify [N...]  check the tamper-evident ticket histories (all without N)
  vorgang audit seal [N...]    seal histories written before values could be anonymised
  vorgang retention [--dry-run] apply (or list) the retention rules that are due
  vorgang user create NAME     create a user (--role admin --token for the first administrator)
  vorgang outbox discard --version HASH
                               stop the queued follow-up work of a definition version
  vorgang backup [-o FILE]     write every collection of the database to a tar.gz archive
  vorgang restore FILE         restore an archive into an empty database (--replace: overwrite)
  vorgang reindex              rebuild the full-text search index from the database
  vorgang doctor               explain every query against the database: any collection scan or in-memory sort
  vorgang help                 show this text

Run "vorgang COMMAND -h" for the flags of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches to a command and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, stdout, stderr)
	case "validate":
		return validate(args, stdout, stderr)
	case "test":
		return test(ctx, args, stdout, stderr)
	case "audit":
		return audit(ctx, args, stdout, stderr)
	case "retention":
		return retention(ctx, args, stdout, stderr)
	case "plan":
		return plan(ctx, args, stdout, stderr)
	case "user":
		return userCommand(ctx, args, os.Stdin, stdout, stderr)
	case "outbox":
		return outbox(ctx, args, stdout, stderr)
	case "backup":
		return backup(ctx, args, stdout, stderr)
	case "restore":
		return restore(ctx, args, stdout, stderr)
	case "reindex":
		return reindex(ctx, args, stdout, stderr)
	case "doctor":
		return doctor(ctx, args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "vorgang: unknown command %q\n\n%s", cmd, usage)
	return 2
}
