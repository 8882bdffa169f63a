package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"vorgang/core/engine"
	"vorgang/core/store"
)

// audit runs "vorgang audit verify [NUMBER...]": it checks the
// tamper-evident history chains and exits 1 when any is broken.
func audit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(stderr, "Usage: vorgang audit verify [--data DIR | --mongo-uri URI] [NUMBER...]")
		return 2
	}
	fl := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fl.SetOutput(stderr)
	dataDir := fl.String("data", envOr("VORGANG_DATA", "./data"), "data folder of the embedded database (env VORGANG_DATA)")
	mongoURI := fl.String("mongo-uri", os.Getenv("VORGANG_MONGO_URI"), "MongoDB connection string (env VORGANG_MONGO_URI)")
	if err := fl.Parse(args[1:]); err != nil {
		return 2
	}
	quiet := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := store.Open(ctx, store.Config{MongoURI: *mongoURI, DataDir: *dataDir, Logger: quiet})
	if err != nil {
		fmt.Fprintf(stderr, "vorgang audit: %v\n", err)
		return 1
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = st.Close(closeCtx)
	}()
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
