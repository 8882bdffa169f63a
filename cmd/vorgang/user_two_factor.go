package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"vorgang/core/app"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/store"
)

// userResetTwoFactor runs "vorgang user reset-two-factor NAME": it turns a
// user's two-factor sign-in off for someone who lost both the phone and
// the recovery codes (after the service desk checked who is asking). The
// user signs in with the password alone and, where a role requires it,
// sets it up anew. Roles do not matter here, so no definitions are read.
func userResetTwoFactor(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	usage := "Usage: vorgang user reset-two-factor NAME [--data DIR | --mongo-uri URI]"
	if askedForHelp(args) {
		fmt.Fprintln(stderr, usage)
		return 0
	}
	if len(args) < 1 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	name := args[0]
	fl := flag.NewFlagSet("user reset-two-factor", flag.ContinueOnError)
	fl.SetOutput(stderr)
	dataDir := fl.String("data", envOr("VORGANG_DATA", "./data"), "data folder of the embedded database (env VORGANG_DATA)")
	mongoURI := fl.String("mongo-uri", os.Getenv("VORGANG_MONGO_URI"), "MongoDB connection string (env VORGANG_MONGO_URI)")
	if code, ok := parseFlags(fl, args[1:]); !ok {
		return code
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "vorgang user reset-two-factor: %v\n", err)
		return 1
	}
	quiet := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.New(ctx, app.Config{MongoURI: *mongoURI, DataDir: *dataDir, Logger: quiet, Catalog: func() *definition.Catalog { return nil }})
	if err != nil {
		if *mongoURI == "" && store.DataDirInUse(*dataDir) {
			return fail(fmt.Errorf("the data folder %s is in use by a running vorgang server, which owns the embedded database.\n"+
				"Turn two-factor sign-in off through the running server instead: as an administrator on the page /admin/users/%s, "+
				"or with the API: curl -X DELETE https://HOST/api/v1/users/%s/two-factor -H 'Authorization: Bearer API_TOKEN'", *dataDir, name, name))
		}
		return fail(err)
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = a.Close(closeCtx)
	}()
	if err := a.Auth.AdminResetTwoFactor(ctx, auth.CommandLine(), name); err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "two-factor sign-in of %s is off; they sign in with the password alone\n", strings.ToLower(strings.TrimSpace(name)))
	return 0
}
