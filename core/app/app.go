package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/identity"
	"vorgang/core/knowledge"
	"vorgang/core/mailin"
	"vorgang/core/metrics"
	"vorgang/core/notify"
	"vorgang/core/search"
	"vorgang/core/store"
	"vorgang/core/webhook"
)

// Config configures New. Catalog is required, and DataDir unless MongoURI
// is set; every other zero field gets the documented default.
type Config struct {
	// MongoURI and DataDir select the database (see store.Config).
	MongoURI string
	DataDir  string
	// ObserveQueries, if set, is told of every query the store sends in
	// MongoDB mode (store.Config.Observe): for the test that the declared
	// indexes serve them all.
	ObserveQueries func(store.IssuedQuery)

	// Catalog returns the definitions in service, re-read on every call so
	// a reload applies at once (definition.Live.Catalog).
	Catalog func() *definition.Catalog
	// ScriptTimeout is the time limit of a hook call; 0: the default
	// (script.DefaultTimeout).
	ScriptTimeout time.Duration
	// Loader compiles recorded definition versions, for comparing them on
	// the admin pages; nil: versions are listed, not compared.
	Loader *definition.Loader

	// Logger receives every service's records. Default: slog.Default().
	Logger *slog.Logger
	// Now is the clock of every service. Default: time.Now.
	Now func() time.Time

	// Holder names this instance in leases and outbox claims; it must
	// differ between instances on one database. Default: host name and
	// process id.
	Holder string

	// Password holds the argon2id parameters of new password hashes.
	// Default: auth.DefaultParams().
	Password auth.Params

	// Mail configures the notification worker.
	Mail Mail

	// LMTPAddr is where the LMTP listener opens once a Mailbox is
	// delivered over LMTP (host:port, e.g. 127.0.0.1:2424). Empty: no
	// listener.
	LMTPAddr string

	// Loops are further loops Run starts beside the services' own (e.g. a
	// definition watch).
	Loops []Loop

	// Intervals of the loops Run starts. Zero: the defaults below.
	EffectsEvery      time.Duration // default DefaultEffectsEvery
	SessionSweepEvery time.Duration // default DefaultSessionSweepEvery
	// DirectorySyncEvery is how often the directory, if one is defined,
	// is read in full (default DefaultDirectorySyncEvery).
	DirectorySyncEvery time.Duration
	// UploadSweepEvery is how often uploads no ticket took are looked
	// for (default DefaultUploadSweepEvery); UploadGrace is how old they
	// must be to be deleted (default engine.DefaultUploadGrace).
	UploadSweepEvery time.Duration
	UploadGrace      time.Duration
	// RetentionEvery is how often retention rules are enforced after the
	// run at start-up (default DefaultRetentionEvery).
	RetentionEvery time.Duration

	// Backup schedules backups of the embedded store; the zero value
	// schedules none.
	Backup Backup
	// SearchPollEvery is how often an instance on MongoDB reads into its
	// search index the ticket changes of other instances; default
	// DefaultSearchPollEvery.
	SearchPollEvery time.Duration
}

// Mail configures how notifications leave vorgang.
type Mail struct {
	// Sender delivers mails; nil keeps them queued in the outbox.
	Sender notify.Sender
	// From is the sender address; required with Sender.
	From string
	// BaseURL is where vorgang is reached, for links in mails.
	BaseURL string
	// Every is the time between rounds of the worker. Default: notify's.
	Every time.Duration
	// ThreadSecret keys the signatures that name a ticket in the
	// Message-ID and reply address of a mail, so a reply by mail finds
	// its ticket (the server's VORGANG_SECRET). Without it a random key
	// is used: replies to mails sent before a restart then thread by the
	// ticket number in their subject only.
	ThreadSecret []byte
}

// Defaults of the loop intervals.
const (
	// DefaultEffectsEvery is how often follow-up work (child tickets) that
	// a crash or an error left queued is retried.
	DefaultEffectsEvery = 5 * time.Second
	// DefaultSessionSweepEvery is how often expired sessions and login
	// failure counters are deleted; they are also handled when next used,
	// so the sweep only keeps the collections small.
	DefaultSessionSweepEvery = time.Hour
	// DefaultDirectorySyncEvery is how often users are brought in line
	// with the directory; logins update their own user in between.
	DefaultDirectorySyncEvery = 6 * time.Hour
	// DefaultUploadSweepEvery is how often uploads no ticket took (a form
	// abandoned, a create refused) are deleted once past their grace
	// period.
	DefaultUploadSweepEvery = time.Hour
)

// App is one running vorgang: the store and the services built on it. Its
// fields are read-only after New.
type App struct {
	Store  *store.Store
	Auth   *auth.Service
	Assets *asset.Service
	Engine *engine.Engine
	// Knowledge is the knowledge base: articles for staff and citizens.
	Knowledge *knowledge.Service
	// Metrics are the Prometheus metrics the engine and the pages report
	// to and a scrape reads.
	Metrics *metrics.Metrics
	// Webhooks posts ticket events to the receivers of Webhook
	// definitions; Run runs it.
	Webhooks *webhook.Worker
	// Search is the full-text index of the tickets, kept up to date by
	// the "search index" loop.
	Search *search.Index
	// Mailer renders notifications into mails and delivers them; Run runs
	// it, the scenario runner drives it step by step.
	Mailer *notify.Worker
	// MailIn reads the mailboxes of the catalog; Run runs it.
	MailIn *mailin.Poller
	// LMTP takes the mail of the mailboxes delivered over LMTP; Run
	// opens it at Config.LMTPAddr when one exists.
	LMTP *mailin.Listener
	// Quarantine holds the mail the mailboxes did not file; the engine
	// lists, releases and discards it for administrators.
	Quarantine *mailin.Quarantine

	// Catalog is Config.Catalog, for the parts cmd wires on top.
	Catalog func() *definition.Catalog
	Logger  *slog.Logger
	Now     func() time.Time

	cfg Config
	sla *engine.SLAScheduler
	// directory follows the catalog's IdentityProvider.
	directory *identity.Provider
	feeder    *search.Feeder
	searchRan atomic.Bool

	// mu guards stopping and closed. stopped ends the loops of Run;
	// running counts the Runs in progress, so Close waits for them.
	mu       sync.Mutex
	stopping bool
	closed   bool
	stopped  chan struct{}
	running  sync.WaitGroup
}

// New opens the store and builds the services on it. Nothing runs in the
// background until Run. Close the App when done, also after an error of
// Run.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Catalog == nil {
		return nil, errors.New("app: Catalog is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Holder == "" {
		host, _ := os.Hostname()
		cfg.Holder = fmt.Sprintf("%s/%d", host, os.Getpid())
	}
	if cfg.EffectsEvery <= 0 {
		cfg.EffectsEvery = DefaultEffectsEvery
	}
	if cfg.DirectorySyncEvery <= 0 {
		cfg.DirectorySyncEvery = DefaultDirectorySyncEvery
	}
	if cfg.SessionSweepEvery <= 0 {
		cfg.SessionSweepEvery = DefaultSessionSweepEvery
	}
	if cfg.UploadSweepEvery <= 0 {
		cfg.UploadSweepEvery = DefaultUploadSweepEvery
	}
	if cfg.RetentionEvery <= 0 {
		cfg.RetentionEvery = DefaultRetentionEvery
	}
	if cfg.SearchPollEvery <= 0 {
		cfg.SearchPollEvery = DefaultSearchPollEvery
	}
	if cfg.UploadGrace <= 0 {
		cfg.UploadGrace = engine.DefaultUploadGrace
	}
	if err := checkBackup(&cfg.Backup, cfg.MongoURI); err != nil {
		return nil, err
	}
	a := &App{Catalog: cfg.Catalog, Logger: cfg.Logger, Now: cfg.Now, cfg: cfg, stopped: make(chan struct{})}
	var err error
	a.Store, err = store.Open(ctx, store.Config{MongoURI: cfg.MongoURI, DataDir: cfg.DataDir, Logger: cfg.Logger,
		Collections: Schema(), Observe: cfg.ObserveQueries})
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := a.build(ctx); err != nil {
		_ = a.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return a, nil
}

// OpenStore opens the database with the collections of every package, for
// commands that need the store alone (audit, outbox, backup).
func OpenStore(ctx context.Context, mongoURI, dataDir string, log *slog.Logger) (*store.Store, error) {
	st, err := store.Open(ctx, store.Config{MongoURI: mongoURI, DataDir: dataDir, Logger: log, Collections: Schema()})
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return st, nil
}

// build makes the services on the open store.
func (a *App) build(ctx context.Context) error {
	cfg := a.cfg
	var err error
	a.directory = identity.NewProvider(cfg.Catalog)
	a.Auth, err = auth.New(auth.Config{Store: a.Store, Catalog: cfg.Catalog, Logger: cfg.Logger, Now: cfg.Now, Password: cfg.Password,
		Directory: authDirectory{provider: a.directory}, SignOn: authSignOn{signOns: identity.NewSignOns(cfg.Catalog)}})
	if err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	a.Assets, err = asset.New(asset.Deps{Store: a.Store, Catalog: cfg.Catalog, Users: a.Auth, Deletions: a.Auth, Logger: cfg.Logger, Now: cfg.Now})
	if err != nil {
		return err
	}
	kd := knowledge.Deps{Store: a.Store, Users: a.Auth, Logger: cfg.Logger, Now: cfg.Now, Review: knowledgeReview(cfg.Catalog)}
	// One process owns the embedded store, so an index in its memory sees
	// every save; on MongoDB other instances save too, and each instance's
	// index reads the articles again as its ticket index reads the others'
	// changes (docs/knowledge.md, docs/search.md).
	if kd.Index, err = search.NewArticles(); err != nil {
		return err
	}
	if a.Store.Mode() != store.ModeEmbedded {
		kd.IndexRefresh = cfg.SearchPollEvery
	}
	if a.Knowledge, err = knowledge.New(kd); err != nil {
		return err
	}
	var compile func([]definition.File) (*definition.Catalog, definition.Diagnostics)
	if cfg.Loader != nil {
		compile = cfg.Loader.Compile
	}
	a.Metrics = metrics.New(a.Store, cfg.Now, cfg.Logger)
	if err := a.openSearch(); err != nil {
		return err
	}
	a.Engine, err = engine.New(engine.Deps{Searcher: a.Search, Store: a.Store, Users: a.Auth, Catalog: cfg.Catalog, Logger: cfg.Logger, Now: cfg.Now, Compile: compile, ScriptTimeout: cfg.ScriptTimeout,
		Refs: a.Assets.RefChecker(), Assets: a.Assets, AssetQueries: a.Assets, MailSenders: mailSenders{auth: a.Auth}, Observer: a.Metrics,
		SubjectSources: []engine.SubjectSource{mailin.SubjectRecords(a.Store), assetSubjects(a.Assets, cfg.Catalog)},
		SubjectErasers: []engine.SubjectEraser{mailin.EraseSubject(a.Store)}})
	if err != nil {
		return err
	}
	st := a.Store
	threads := notify.NewThreads(cfg.Mail.ThreadSecret)
	a.Mailer, err = notify.NewWorker(notify.Config{
		Store: st, Catalog: cfg.Catalog, Directory: notify.AuthDirectory{Auth: a.Auth},
		Committed: func(ctx context.Context, item *store.OutboxItem) (bool, error) {
			return engine.EffectCommitted(ctx, st, item)
		},
		Sender: cfg.Mail.Sender, From: cfg.Mail.From, BaseURL: cfg.Mail.BaseURL, Every: cfg.Mail.Every, Threads: threads,
		Name: "notify/" + cfg.Holder, Logger: cfg.Logger, Now: cfg.Now,
	})
	if err != nil {
		return err
	}
	a.Webhooks, err = webhook.New(webhook.Config{Store: st, Catalog: cfg.Catalog,
		Committed: func(ctx context.Context, item *store.OutboxItem) (bool, error) {
			return engine.EffectCommitted(ctx, st, item)
		},
		Name: "webhook/" + cfg.Holder, Logger: cfg.Logger, Now: cfg.Now})
	if err != nil {
		return err
	}
	mailCfg := mailin.Config{Store: st, Receiver: a.Engine, Catalog: cfg.Catalog, Threads: threads,
		Holder: cfg.Holder, Logger: cfg.Logger, Now: cfg.Now}
	if a.MailIn, err = mailin.New(mailCfg); err != nil {
		return err
	}
	if a.LMTP, err = mailin.NewListener(mailCfg, cfg.LMTPAddr); err != nil {
		return err
	}
	if a.Quarantine, err = mailin.NewQuarantine(mailCfg); err != nil {
		return err
	}
	a.Engine.SetMailQuarantine(a.Quarantine)
	a.sla, err = a.Engine.NewSLAScheduler(engine.SchedulerConfig{Holder: cfg.Holder})
	return err
}

// closeTimeout bounds how long Close waits for the store when the context
// given has no deadline.
const closeTimeout = 30 * time.Second

// Close stops the loops of Run, waits until every one has returned, then
// releases the engine's script runtime and closes the store. It is safe to
// call more than once.
func (a *App) Close(ctx context.Context) error {
	a.mu.Lock()
	if !a.stopping {
		a.stopping = true
		close(a.stopped)
	}
	a.mu.Unlock()
	a.running.Wait()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil
	}
	a.closed = true
	if a.Engine != nil {
		a.Engine.Close()
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, closeTimeout)
		defer cancel()
	}
	serr := a.closeSearch(ctx)
	if err := a.Store.Close(ctx); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	if serr != nil {
		return serr
	}
	return nil
}
