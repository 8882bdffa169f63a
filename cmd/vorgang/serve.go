package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"vorgang/core/app"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/script"
	"vorgang/core/store"
)

// serveConfig is what `vorgang serve` is configured with; every flag has an
// environment variable so containers need no command line.
type serveConfig struct {
	addr        string
	metricsAddr string
	dataDir     string
	mongoURI    string
	definitions string
	watch       bool
	watchEvery  time.Duration
	logFormat   string
	logLevel    string
	smtpURL     string
	mailFrom    string
	baseURL     string
	proxies     []netip.Prefix
	uploadGrace time.Duration
	scriptLimit time.Duration
	lmtpAddr    string
	backup      app.Backup
}

func parseServeFlags(args []string, stderr io.Writer) (serveConfig, error) {
	var c serveConfig
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.StringVar(&c.addr, "addr", envOr("VORGANG_ADDR", "127.0.0.1:8080"), "listen address (env VORGANG_ADDR)")
	fl.StringVar(&c.dataDir, "data", envOr("VORGANG_DATA", "./data"), "data folder of the embedded database (env VORGANG_DATA)")
	fl.StringVar(&c.mongoURI, "mongo-uri", os.Getenv("VORGANG_MONGO_URI"), "MongoDB connection string; empty starts the embedded database (env VORGANG_MONGO_URI)")
	fl.StringVar(&c.definitions, "definitions", envOr("VORGANG_DEFINITIONS", "."), "folder holding processes/, forms/ and scripts/; the built-in desks are used when none exists (env VORGANG_DEFINITIONS)")
	fl.BoolVar(&c.watch, "watch", os.Getenv("VORGANG_WATCH") == "true", "reload definitions when their files change (env VORGANG_WATCH=true)")
	fl.DurationVar(&c.watchEvery, "watch-interval", envDuration("VORGANG_WATCH_INTERVAL", time.Second), "how often --watch looks for changes (env VORGANG_WATCH_INTERVAL)")
	fl.StringVar(&c.logFormat, "log-format", envOr("VORGANG_LOG_FORMAT", "text"), "log format: text or json (env VORGANG_LOG_FORMAT)")
	fl.StringVar(&c.logLevel, "log-level", envOr("VORGANG_LOG_LEVEL", "info"), "log level: debug, info, warn, error (env VORGANG_LOG_LEVEL)")
	fl.StringVar(&c.smtpURL, "smtp-url", os.Getenv("VORGANG_SMTP_URL"), "mail server: smtp://user:pass@host:587 (STARTTLS), smtps://…:465 (TLS), smtp://host:25?tls=none; empty keeps mails in the outbox (env VORGANG_SMTP_URL)")
	fl.StringVar(&c.mailFrom, "mail-from", os.Getenv("VORGANG_MAIL_FROM"), "sender of mails, e.g. \"IT-Servicedesk <servicedesk@example.org>\" (env VORGANG_MAIL_FROM)")
	fl.StringVar(&c.baseURL, "base-url", envOr("VORGANG_BASE_URL", "http://localhost:8080"), "public address of vorgang, for links in mails and answers and the sign-on redirect URI (env VORGANG_BASE_URL)")
	fl.DurationVar(&c.uploadGrace, "upload-grace", envDuration("VORGANG_UPLOAD_GRACE", engine.DefaultUploadGrace), "how long a file uploaded with a form that was never sent is kept before it is deleted (env VORGANG_UPLOAD_GRACE)")
	fl.DurationVar(&c.scriptLimit, "script-timeout", envDuration("VORGANG_SCRIPT_TIMEOUT", script.DefaultTimeout), "time limit of one Lua hook call; a hook that runs longer is stopped and its change not made (env VORGANG_SCRIPT_TIMEOUT)")
	fl.StringVar(&c.metricsAddr, "metrics-addr", os.Getenv("VORGANG_METRICS_ADDR"), "address of a second listener serving Prometheus metrics at /metrics, e.g. 127.0.0.1:9464; empty: no metrics (env VORGANG_METRICS_ADDR)")
	fl.StringVar(&c.lmtpAddr, "lmtp-addr", envOr("VORGANG_LMTP_ADDR", "127.0.0.1:2424"), "where the LMTP listener opens once a Mailbox has delivery: lmtp; off: never (env VORGANG_LMTP_ADDR)")
	fl.DurationVar(&c.backup.Every, "backup-every", envDuration("VORGANG_BACKUP_EVERY", 0), "write a backup of the embedded store this often, e.g. 24h; 0: no scheduled backups (env VORGANG_BACKUP_EVERY)")
	fl.StringVar(&c.backup.Dir, "backup-dir", envOr("VORGANG_BACKUP_DIR", "./backups"), "folder of the scheduled backups (env VORGANG_BACKUP_DIR)")
	fl.IntVar(&c.backup.Keep, "backup-keep", envInt("VORGANG_BACKUP_KEEP", app.DefaultBackupKeep), "how many scheduled backups to keep (env VORGANG_BACKUP_KEEP)")
	proxies := fl.String("trusted-proxy", os.Getenv("VORGANG_TRUSTED_PROXIES"), "comma-separated addresses or networks (10.0.0.0/8) of reverse proxies whose X-Forwarded-For names the client (env VORGANG_TRUSTED_PROXIES)")
	if err := fl.Parse(args); err != nil {
		return c, err
	}
	var err error
	if c.proxies, err = parseProxies(*proxies); err != nil {
		return c, err
	}
	if c.uploadGrace <= 0 {
		return c, fmt.Errorf("--upload-grace %s: want a positive duration such as 24h", c.uploadGrace)
	}
	if c.scriptLimit <= 0 {
		return c, fmt.Errorf("--script-timeout %s: want a positive duration such as 100ms", c.scriptLimit)
	}
	if c.backup.Every < 0 || c.backup.Keep < 1 {
		return c, fmt.Errorf("--backup-every %s, --backup-keep %d: want a duration of 0 or more and at least one backup kept", c.backup.Every, c.backup.Keep)
	}
	if c.backup.Every > 0 && c.mongoURI != "" {
		return c, errors.New("--backup-every is for the embedded store; back up MongoDB with mongodump --oplog or snapshots of its storage")
	}
	if c.smtpURL != "" && c.mailFrom == "" {
		return c, errors.New("--smtp-url needs --mail-from")
	}
	if c.lmtpAddr == "off" {
		c.lmtpAddr = ""
	} else if _, _, err := net.SplitHostPort(c.lmtpAddr); err != nil {
		return c, fmt.Errorf("--lmtp-addr %q: want host:port, e.g. 127.0.0.1:2424, or off", c.lmtpAddr)
	}
	if fl.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fl.Arg(0))
	}
	return c, nil
}

// parseProxies reads a comma-separated list of addresses and networks.
func parseProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for item := range strings.SplitSeq(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			a, aerr := netip.ParseAddr(item)
			if aerr != nil {
				return nil, fmt.Errorf("--trusted-proxy %q: not an address or network", item)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: %w", level, err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("log format %q: want text or json", format)
}

// serve runs the service desk until ctx ends (SIGINT/SIGTERM), then shuts
// down: HTTP first so no request is cut off mid-write, then the store.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseServeFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "vorgang serve: %v\n", err)
		return 2
	}
	log, err := newLogger(stderr, cfg.logFormat, cfg.logLevel)
	if err != nil {
		fmt.Fprintf(stderr, "vorgang serve: %v\n", err)
		return 2
	}
	if err := runServer(ctx, cfg, log); err != nil {
		var diags definition.Diagnostics
		if errors.As(err, &diags) {
			fmt.Fprintln(stderr, diags.Error())
			fmt.Fprintf(stderr, "vorgang serve: refusing to start: %d definition errors\n", len(diags.Errors()))
			return 1
		}
		log.Error("vorgang stopped", slog.String("error", err.Error()))
		return 1
	}
	return 0
}

func runServer(ctx context.Context, cfg serveConfig, log *slog.Logger) error {
	src, err := resolveSource(cfg.definitions, nil)
	if err != nil {
		return err
	}
	loader, err := newLoader()
	if err != nil {
		return err
	}
	loadedFiles := definition.Fingerprint(src.dirs)
	res, err := src.load(loader)
	if err != nil {
		return err
	}
	cat := res.catalog
	if cat == nil {
		return res.diags
	}
	logDiagnostics(log, res.diags)
	live := definition.NewLive(cat)
	var a *app.App
	log.Info("definitions loaded", slog.String("source", src.String()), slog.Int("definitions", cat.Len()), slog.String("catalog", cat.Hash()[:12]))

	mail, err := mailConfig(cfg, log)
	if err != nil {
		return err
	}
	var loops []app.Loop
	if cfg.watch {
		if src.embedded {
			log.Warn("--watch ignored: serving the built-in desks, there are no files to watch")
		} else {
			loops = append(loops, app.Loop{Name: "definition watch", Run: func(ctx context.Context) error {
				definition.Watch(ctx, src.dirs, cfg.watchEvery, loadedFiles, func() { reload(ctx, src, loader, live, a, log) })
				return nil
			}})
		}
	}
	if !src.embedded {
		// SIGHUP reloads as --watch does, for sites that deploy definitions
		// and then tell the server. The signal is taken from here on, before
		// the server listens: a SIGHUP that came before the loop runs would
		// otherwise end the process (its default action).
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		defer signal.Stop(hup)
		loops = append(loops, app.Loop{Name: "definition reload on SIGHUP", Run: func(ctx context.Context) error {
			for {
				select {
				case <-ctx.Done():
					return nil
				case <-hup:
					log.Info("SIGHUP: reloading definitions")
					reload(ctx, src, loader, live, a, log)
				}
			}
		}})
	}
	a, err = app.New(ctx, app.Config{MongoURI: cfg.mongoURI, DataDir: cfg.dataDir, Catalog: live.Catalog, Loader: loader, Logger: log, Mail: mail, Loops: loops,
		UploadGrace: cfg.uploadGrace, ScriptTimeout: cfg.scriptLimit, LMTPAddr: cfg.lmtpAddr, Backup: cfg.backup})
	if err != nil {
		return err
	}
	// Close waits for the loops, then closes the store; HTTP is shut down
	// before, so no request is cut off mid-write.
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := a.Close(closeCtx); err != nil {
			log.Error("close", slog.String("error", err.Error()))
		}
	}()
	if err := refuseStranding(ctx, a, loader, cat, log); err != nil {
		return err
	}
	if err := saveVersion(ctx, a.Store, res); err != nil {
		return err
	}
	if _, _, err := a.Migrate(ctx); err != nil {
		return err
	}
	// Before serving: a restored backup must not show what retention
	// removed since it was taken.
	if _, err := a.RetentionBeforeServing(ctx); err != nil {
		log.Error("retention not finished; it runs again within the hour", slog.String("error", err.Error()))
	}
	server := newWebServer(a, live, cfg)
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	served := make(chan error, 1)
	go func() { served <- server.Listener(ln) }()
	log.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("store", a.Store.Mode()))
	if cfg.metricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.metricsAddr)
		if err != nil {
			return fmt.Errorf("listen on %s for metrics: %w", cfg.metricsAddr, err)
		}
		metricsServer := newMetricsServer(a)
		go func() { served <- metricsServer.Listener(mln) }()
		defer func() { _ = metricsServer.Shutdown() }()
		log.Info("serving metrics", slog.String("addr", mln.Addr().String()))
	}
	if b := cfg.backup; b.Every > 0 {
		log.Info("scheduled backups", slog.Duration("every", b.Every), slog.String("dir", b.Dir), slog.Int("keep", b.Keep))
	}
	if len(loops) > 0 {
		log.Info("watching definitions for changes", slog.Any("folders", src.dirs))
	}
	ran := make(chan error, 1)
	go func() { ran <- a.Run(ctx) }()

	var failed error
	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case err := <-served:
		failed = fmt.Errorf("http server: %w", err)
	case err := <-ran:
		if err != nil {
			failed = fmt.Errorf("background work: %w", err)
		}
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := server.ShutdownWithContext(shutdownCtx); err != nil {
		log.Error("http shutdown", slog.String("error", err.Error()))
	}
	return failed
}

// reload compiles the definitions again and swaps them in only when they are
// valid and recorded; otherwise the running catalog keeps serving.
func reload(ctx context.Context, src definitionSource, loader *definition.Loader, live *definition.Live, a *app.App, log *slog.Logger) {
	res, err := src.load(loader)
	if err != nil {
		log.Error("definitions not reloaded", slog.String("error", err.Error()))
		return
	}
	logDiagnostics(log, res.diags)
	cat := res.catalog
	if cat == nil {
		log.Error("definitions not reloaded: the change is invalid, the previous definitions stay in service",
			slog.Int("errors", len(res.diags.Errors())), slog.String("catalog", live.Catalog().Hash()[:12]))
		return
	}
	if cat.Hash() == live.Catalog().Hash() {
		return
	}
	stranded, err := a.Engine.Strands(ctx, live.Catalog(), cat)
	if err != nil {
		log.Error("definitions not reloaded", slog.String("error", err.Error()))
		return
	}
	if len(stranded) > 0 {
		logStranded(log, stranded)
		a.Engine.NoteRefused(cat.Hash(), stranded)
		log.Error("definitions not reloaded: the change would strand open tickets, the previous definitions stay in service",
			slog.Int64("tickets", strandedTickets(stranded)), slog.String("catalog", live.Catalog().Hash()[:12]))
		return
	}
	if err := saveVersion(ctx, a.Store, res); err != nil {
		log.Error("definitions not reloaded", slog.String("error", err.Error()))
		return
	}
	live.Swap(cat)
	a.Engine.ClearRefused()
	log.Info("definitions reloaded", slog.Int("definitions", cat.Len()), slog.String("catalog", cat.Hash()[:12]))
	if _, _, err := a.Migrate(ctx); err != nil {
		log.Error("migrations not finished; they run again at the next start or reload", slog.String("error", err.Error()))
	}
}

// saveVersion records the definition files under the catalog hash before
// the catalog serves, so tickets started on it can always be followed, and
// marks it as the version in service, which the next start and reload
// compare with.
func saveVersion(ctx context.Context, st *store.Store, res loaded) error {
	v := &store.DefinitionVersion{Hash: res.catalog.Hash()}
	for _, f := range res.files {
		v.Files = append(v.Files, store.DefinitionFile{Path: f.Path, Data: f.Data})
	}
	if _, err := st.SaveDefinitionVersion(ctx, v); err != nil {
		return fmt.Errorf("record definition version: %w", err)
	}
	if err := st.MarkServed(ctx, v.Hash, time.Now()); err != nil {
		return fmt.Errorf("record definition version: %w", err)
	}
	return nil
}

func logDiagnostics(log *slog.Logger, diags definition.Diagnostics) {
	for _, d := range diags {
		level := slog.LevelError
		if d.Severity == definition.SeverityWarning {
			level = slog.LevelWarn
		}
		log.Log(context.Background(), level, "definition problem", slog.String("at", fmt.Sprintf("%s:%d:%d", d.File, d.Line, d.Col)), slog.String("code", d.Code), slog.String("message", d.Message))
	}
}

// envInt reads an integer from the environment, or returns def when the
// variable is unset or not an integer.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

// envDuration reads a duration from the environment, or returns def when
// the variable is unset or not a duration.
func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil {
		return d
	}
	return def
}
