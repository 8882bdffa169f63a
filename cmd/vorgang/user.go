package main

import (
	"bufio"
	"context"
	"errors"
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
	"vorgang/core/fault"
	"vorgang/core/store"
)

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// userCommand runs "vorgang user create NAME [--role R]... [--team T]...
// [--password-stdin] [--token] [--definitions DIR]". Roles and teams are
// checked against the definitions below DIR (default: the current folder).
func userCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "reset-two-factor" {
		return userResetTwoFactor(ctx, args[1:], stdout, stderr)
	}
	const usage = "Usage: vorgang user create NAME [--role ROLE]... [--team TEAM]... [--email E] [--manager USER] [--lang de|en] [--password-stdin] [--token] [--definitions DIR] [--data DIR | --mongo-uri URI]"
	if len(args) > 0 && args[0] == "create" && askedForHelp(args[1:]) {
		fmt.Fprintln(stderr, usage)
		return 0
	}
	if len(args) < 2 || args[0] != "create" || strings.HasPrefix(args[1], "-") {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	name := args[1]
	fl := flag.NewFlagSet("user create", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var roles, teams listFlag
	fl.Var(&roles, "role", "role to give (repeatable); 'admin' is built in")
	fl.Var(&teams, "team", "team to join (repeatable)")
	manager := fl.String("manager", "", "user name of the line manager (approvals by 'manager'); must exist")
	userLang := fl.String("lang", "", "language of the user's mails: de (default) or en")
	email := fl.String("email", "", "e-mail address")
	passwordStdin := fl.Bool("password-stdin", false, "read the password from the first line of standard input")
	token := fl.Bool("token", false, "also create an API token and print it")
	definitions := fl.String("definitions", envOr("VORGANG_DEFINITIONS", "."), "folder holding processes/, forms/ and scripts/ whose roles and teams are checked, as for serve; the built-in desks when it holds none (env VORGANG_DEFINITIONS)")
	dataDir := fl.String("data", envOr("VORGANG_DATA", "./data"), "data folder of the embedded database (env VORGANG_DATA)")
	mongoURI := fl.String("mongo-uri", os.Getenv("VORGANG_MONGO_URI"), "MongoDB connection string (env VORGANG_MONGO_URI)")
	if code, ok := parseFlags(fl, args[2:]); !ok {
		return code
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "vorgang user create: %v\n", err)
		return 1
	}
	password := ""
	if *passwordStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fail(err)
		}
		password = strings.TrimRight(line, "\r\n")
	}
	src, err := resolveSource(*definitions, nil)
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
		return fail(fmt.Errorf("the definitions in %s are invalid; run vorgang validate", src))
	}
	quiet := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cat := res.catalog
	a, err := app.New(ctx, app.Config{MongoURI: *mongoURI, DataDir: *dataDir, Logger: quiet, Catalog: func() *definition.Catalog { return cat }})
	if err != nil {
		if *mongoURI == "" && store.DataDirInUse(*dataDir) {
			return fail(serverHoldsStore(*dataDir, name))
		}
		return fail(err)
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = a.Close(closeCtx)
	}()
	svc := a.Auth
	// Recorded in the admin audit log like a change made on the admin
	// pages, with the command line as the actor.
	u, err := svc.AdminCreateUser(ctx, auth.CommandLine(), auth.NewUser{Name: name, Email: *email, Manager: *manager, Lang: *userLang, Roles: roles, Teams: teams, Password: password})
	if err != nil {
		return fail(namingDefinitions(err, *definitions, src))
	}
	fmt.Fprintf(stdout, "created user %s (roles: %s; teams: %s)\n", u.Name, strings.Join(u.Roles, ", "), strings.Join(u.Teams, ", "))
	if *token {
		secret, _, err := svc.CreateToken(ctx, u.Name, "created with vorgang user create", time.Time{})
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "API token (shown once): %s\n", secret)
	}
	return 0
}

// serverHoldsStore explains that a running server holds the embedded
// store, and how to create the user through it instead.
func serverHoldsStore(dataDir, name string) error {
	return fmt.Errorf("the data folder %s is in use by a running vorgang server, which owns the embedded database.\n"+
		"Create the user through the running server instead:\n"+
		"  - as an administrator on the admin page /admin/users (\"Create a user\"), then make a password link on the user's page, or\n"+
		"  - with the API: curl -X POST https://HOST/api/v1/users -H 'Authorization: Bearer API_TOKEN' -H 'Content-Type: application/json' -d '{\"name\": %q}'\n"+
		"For the first administrator, when nobody can sign in yet: stop `vorgang serve`, run this command again, and start the server",
		dataDir, name)
}

// namingDefinitions adds to an unknown role or team where vorgang looked
// for them: run in the wrong folder, user create checks against the
// built-in desks, and the bare "not defined" does not say so.
func namingDefinitions(err error, root string, src definitionSource) error {
	var ferr *fault.Error
	if !errors.As(err, &ferr) {
		return err
	}
	for _, f := range ferr.Fields {
		if f.Field != "roles" && f.Field != "teams" {
			continue
		}
		where := "the definitions in " + src.String()
		if src.embedded {
			where = "the built-in desks, because " + root + " holds no processes/, forms/ or scripts/ folder"
		}
		return fmt.Errorf("%w (roles and teams were looked up in %s; --definitions DIR names the folder of your desks)", err, where)
	}
	return err
}
