package engine

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/form"
	"vorgang/core/script"
	"vorgang/core/sla"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// Store is what the engine needs from the data layer; *store.Store
// implements it. The role interfaces it embeds name the abilities single
// features need (reading the inbox index, leases, ...), so a missing one is
// a compile error, not a failure at run time.
type Store interface {
	AuditStore
	InboxStore
	DueStore
	CountStore
	TrackingStore
	LeaseStore
	OutboxClaimer
	TicketFinder
	AttachmentStore
	DefinitionVersionStore
	DefinitionHistory
	StateCounter
	OutboxAdmin
	ReportStore
	HistoryRewriter
	TicketReader
	AttachmentDeleter
	TicketDeleter
	CreateTicketReserved(ctx context.Context, t *ticket.Ticket, first *ticket.HistoryEntry, now time.Time, queued []*store.OutboxItem, r store.Reserved, with ...store.Companion) error
	SingleProcess() bool
	UpdateTicket(ctx context.Context, t *ticket.Ticket, entry *ticket.HistoryEntry) error
	UpdateTickets(ctx context.Context, changes []store.TicketChange) []error
	OpenTicketNumbers(ctx context.Context, process string, states ...string) ([]string, error)
	TicketsByNumber(ctx context.Context, numbers []string) ([]*ticket.Ticket, error)
	ClaimNumber(ctx context.Context, scope, owner string, unused store.Unused) (int64, error)
	ReserveNumber(ctx context.Context, scope, owner string, unused store.Unused) (store.Reserved, error)
	ReleaseNumber(scope string, n int64)
	Insert(ctx context.Context, coll string, doc any) error
	Update(ctx context.Context, coll, id string, expectVersion int64, update map[string]any) (int64, error)
	Delete(ctx context.Context, coll, id string) error
	SetDerived(ctx context.Context, coll, id string, set map[string]any) error
	IDsUpTo(ctx context.Context, coll, shape, upTo string, limit int) ([]string, error)
	Stale(startedAt time.Time) bool
	Enqueue(ctx context.Context, item *store.OutboxItem, now time.Time) error
	ClaimOutbox(ctx context.Context, worker string, now time.Time, lease time.Duration, limit int, kinds ...string) ([]store.OutboxItem, error)
	CompleteOutbox(ctx context.Context, item *store.OutboxItem) error
	FailOutbox(ctx context.Context, item *store.OutboxItem, cause error, now time.Time, retryIn time.Duration, maxAttempts int) error
}

// The store the server opens has every ability the engine needs.
var _ Store = (*store.Store)(nil)

// Schema declares the collections the engine reads and writes by _id
// beyond the store's own; pass it in store.Config.Collections.
func Schema() store.Schema {
	return store.Schema{
		{Name: createsCollection, Indexes: []store.Index{{Keys: []string{"claimed"}, Sparse: true}},
			Shapes: []store.QueryShape{{Name: shapeClaimsUpTo, Keys: []string{"claimed"}, UpTo: true}}},
		{Name: jobRunsCollection},
		{Name: privacyRequestsCollection},
		{Name: dataMigrationsCollection},
	}
}

// Deps configures an Engine. Store and Catalog are required.
type Deps struct {
	Store Store
	// Catalog returns the definitions in service (re-read on every call,
	// so a reload applies at once).
	Catalog func() *definition.Catalog
	// Users looks up user records (the requester's manager for approvals).
	// Optional: without it, approvals by the manager cannot be requested.
	Users Directory
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Now defaults to time.Now; tests fix the clock.
	Now func() time.Time
	// Refs checks the references of form fields (asset fields); nil checks
	// their shape only.
	Refs form.RefChecker
	// Assets, when set, is told about tickets created with an asset field,
	// so the asset lists them (see linkAssets).
	Assets AssetLinker
	// AssetQueries answers scripts' asset queries; nil: none.
	AssetQueries AssetFinder
	// SubjectSources list the records outside tickets that name a data
	// subject (FindSubject); nil: none.
	SubjectSources []SubjectSource
	// SubjectErasers remove what names a data subject from the records
	// outside tickets (AnonymiseSubject); nil: none.
	SubjectErasers []SubjectEraser
	// MailSenders finds the user an incoming mail's sender is; nil: every
	// sender is a citizen unless they are the requester of the ticket
	// they answer.
	MailSenders MailSenders
	// Scripts runs the processes' Lua hooks; nil: a runtime with the
	// defaults of script.Config and this engine's calendars, closed by
	// Close. A runtime given here should share Calendars.
	Scripts *script.Runtime
	// ScriptTimeout is the time limit of a hook call of the runtime the
	// engine makes when Scripts is nil; 0: script.DefaultTimeout.
	ScriptTimeout time.Duration
	// Compile compiles recorded definition files, for comparing versions;
	// nil: versions can be listed, not compared.
	Compile Compiler
	// Searcher answers Search; nil: search is unavailable.
	Searcher Searcher
	// Calendars compiles the calendars of the SLA clocks; nil: a new one.
	// The app hands the same one to the script runtime, so scripts and
	// SLAs see the same working days and public holidays.
	Calendars *sla.Calendars
	// Observer is told of every stored change and hook run, for metrics;
	// nil: nobody.
	Observer Observer
}

// Directory reads user records; *auth.Service implements it.
type Directory interface {
	User(ctx context.Context, name string) (*auth.User, error)
}

// Engine is safe for concurrent use.
type Engine struct {
	store   Store
	compile Compiler
	// recorded caches older versions compiled for CatalogFor.
	recorded recordedCatalogs
	// refused is the last change of the definitions refused for
	// stranding open tickets.
	refused refusedChanges
	// migrationRuns keeps the last run of the migrations.
	migRuns migrationRuns
	users   Directory
	catalog func() *definition.Catalog
	log     *slog.Logger
	now     func() time.Time
	refs    form.RefChecker
	assets  AssetLinker
	queries AssetFinder
	senders MailSenders
	// subjectSources list records naming a data subject (FindSubject).
	subjectSources []SubjectSource
	// subjectErasers remove what names a data subject from records
	// outside tickets (AnonymiseSubject).
	subjectErasers []SubjectEraser
	// searcher answers Search; nil without an index.
	searcher Searcher
	scripts  *script.Runtime
	observe  Observer
	// quarantine holds the incoming mail not filed; nil without mail-in.
	quarantine MailQuarantine
	// ownScripts: the engine made scripts and closes it.
	ownScripts bool

	// instance tells this engine's create attempts from those of other
	// processes; creates are the attempts running.
	instance string
	creates  attempts
	// keyLocks lets the requests of this process under one idempotency
	// key take turns.
	keyLocks keyLocks

	// retrying queues the further attempts of changes that lost a race
	// (see change), per ticket.
	retrying *store.KeyedMutex

	forms     sync.Map // catalog hash + "/" + form id → *form.Compiled
	calendars *sla.Calendars
}

// New returns an engine.
func New(d Deps) (*Engine, error) {
	if d.Store == nil || d.Catalog == nil {
		return nil, fmt.Errorf("engine: Store and Catalog are required")
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Calendars == nil {
		d.Calendars = &sla.Calendars{}
	}
	e := &Engine{store: d.Store, compile: d.Compile, users: d.Users, catalog: d.Catalog, log: d.Logger, now: d.Now,
		refs: d.Refs, assets: d.Assets, queries: d.AssetQueries, senders: d.MailSenders, subjectSources: d.SubjectSources, subjectErasers: d.SubjectErasers, searcher: d.Searcher, scripts: d.Scripts, calendars: d.Calendars,
		observe: d.Observer, retrying: store.NewKeyedMutex(), instance: newNonce()}
	if e.observe == nil {
		e.observe = noObserver{}
	}
	if e.scripts == nil {
		e.scripts, e.ownScripts = script.New(script.Config{Logger: d.Logger, Now: d.Now, Calendars: d.Calendars, Timeout: d.ScriptTimeout}), true
	}
	return e, nil
}

// form returns the compiled form, compiling it once per catalog version.
func (e *Engine) form(cat *definition.Catalog, id string) (*form.Compiled, error) {
	key := cat.Hash() + "/" + id
	if c, ok := e.forms.Load(key); ok {
		return c.(*form.Compiled), nil
	}
	def := cat.Form(id)
	if def == nil {
		return nil, fmt.Errorf("engine: form %s is not defined", id)
	}
	compute, validate := e.formScripts(cat)
	c, err := form.Compile(def, form.Config{Now: e.now, Refs: e.refs, ComputeScript: compute, ValidateScript: validate})
	if err != nil {
		return nil, fmt.Errorf("engine: compile form %s: %w", id, err)
	}
	e.forms.Store(key, c)
	return c, nil
}

// stamp is the time recorded for a change: UTC, in the millisecond
// precision the database keeps, so history hashes survive a round trip.
func (e *Engine) stamp() time.Time { return e.now().UTC().Truncate(time.Millisecond) }

// FormSchema returns the JSON Schema of a form of the catalog.
func (e *Engine) FormSchema(cat *definition.Catalog, id string) ([]byte, error) {
	f, err := e.form(cat, id)
	if err != nil {
		return nil, err
	}
	return f.Schema(), nil
}

// Close releases the script runtime the engine made itself.
func (e *Engine) Close() {
	if e.ownScripts {
		e.scripts.Close()
	}
}
