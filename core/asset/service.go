package asset

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/form"
	"vorgang/core/store"
)

// Store is what the package needs from the data layer; *store.Store
// implements it. Find serves the searches on MongoDB and the load of the
// in-memory index; GetMany and InsertMany the batched reads and inserts of
// an import; SetDerived fills the number keys of older assets.
type Store interface {
	Get(ctx context.Context, coll, id string, out any) error
	GetMany(ctx context.Context, coll string, ids []string, out any) error
	Find(ctx context.Context, coll string, f store.Find, out any) error
	Insert(ctx context.Context, coll string, doc any) error
	InsertMany(ctx context.Context, coll string, docs []any) (int, error)
	Update(ctx context.Context, coll, id string, expectVersion int64, update map[string]any) (int64, error)
	SetDerived(ctx context.Context, coll, id string, set map[string]any) error
	Delete(ctx context.Context, coll, id string) error
	NextNumber(ctx context.Context, scope string) (int64, error)
	Mode() string
}

// Users looks up user names named by user relations; *auth.Service
// implements it.
type Users interface {
	User(ctx context.Context, name string) (*auth.User, error)
}

// Permissions of Role definitions the package checks.
const (
	PermRead  = "asset.read"
	PermWrite = "asset.write"
)

// Deps configures a Service. Store and Catalog are required.
type Deps struct {
	Store Store
	// Catalog returns the definitions in service (re-read on every call).
	Catalog func() *definition.Catalog
	// Users checks user relations; nil accepts any well-formed user name.
	Users Users
	// Deletions records that an administrator deleted an asset; nil
	// records nothing.
	Deletions DeletionLog
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Now defaults to time.Now; tests fix the clock.
	Now func() time.Time
	// MemoryIndex answers searches from memory (see the package comment).
	// Default: on when the store is embedded. Only correct while this
	// process is the only writer of the assets.
	MemoryIndex *bool
}

// Service manages assets. It is safe for concurrent use.
type Service struct {
	store     Store
	catalog   func() *definition.Catalog
	users     Users
	deletions DeletionLog
	log       *slog.Logger
	now       func() time.Time

	mem   *memIndex // nil: search with MongoDB queries
	forms sync.Map  // catalog hash + "/" + class id → *form.Compiled

	migrateMu sync.Mutex
	migrated  bool // the number keys are filled (MongoDB; see Warm)
}

// New returns a service.
func New(d Deps) (*Service, error) {
	if d.Store == nil || d.Catalog == nil {
		return nil, fmt.Errorf("asset: Store and Catalog are required")
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &Service{store: d.Store, catalog: d.Catalog, users: d.Users, deletions: d.Deletions, log: d.Logger, now: d.Now}
	useMem := d.Store.Mode() == store.ModeEmbedded
	if d.MemoryIndex != nil {
		useMem = *d.MemoryIndex
	}
	if useMem {
		s.mem = newMemIndex()
	}
	return s, nil
}

// stamp is the time recorded for a change, in the database's precision.
func (s *Service) stamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// class returns the class with the id or a validation error on field.
func (s *Service) class(cat *definition.Catalog, id, field, lang string) (*definition.AssetClass, error) {
	if id == "" {
		return nil, invalid(field, form.CodeRequired, lang)
	}
	c := cat.AssetClass(id)
	if c == nil {
		return nil, invalid(field, CodeUnknownClass, lang)
	}
	return c, nil
}

// form returns the compiled form of a class's fields, once per catalog.
func (s *Service) form(cat *definition.Catalog, c *definition.AssetClass) (*form.Compiled, error) {
	key := cat.Hash() + "/" + c.ID.Value
	if f, ok := s.forms.Load(key); ok {
		return f.(*form.Compiled), nil
	}
	def := &definition.Form{Meta: c.Meta, Fields: c.Fields}
	f, err := form.Compile(def, form.Config{Now: s.now, Refs: s.RefChecker()})
	if err != nil {
		return nil, fmt.Errorf("asset: compile the fields of class %s: %w", c.ID.Value, err)
	}
	s.forms.Store(key, f)
	return f, nil
}

// MayRead reports whether p may see assets.
func MayRead(p *auth.Principal) bool { return p.HasPermission(PermRead) || p.HasPermission(PermWrite) }

// MayWrite reports whether p may create, change, retire and import assets.
func MayWrite(p *auth.Principal) bool { return p.HasPermission(PermWrite) }

func actorName(p *auth.Principal) string {
	if p == nil {
		return "system"
	}
	return p.User
}

// Warm loads the in-memory index now rather than on the first search, and
// runs the start-up migration: it fills the number key (see Asset.Key) of
// assets stored before there was one. On MongoDB, without an index to
// load, it only migrates. It is cheap after the first call.
func (s *Service) Warm(ctx context.Context) error {
	if s.mem == nil {
		return s.migrateMongo(ctx)
	}
	return s.mem.ensure(ctx, s.loadRecords)
}
