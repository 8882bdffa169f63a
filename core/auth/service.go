package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"vorgang/core/definition"
	"vorgang/core/store"
)

// Collection names. docs/data-model.md describes each collection's fields.
const (
	UsersCollection         = "users"
	SessionsCollection      = "sessions"
	TokensCollection        = "api_tokens"
	TokenIndexCollection    = "token_index"
	LoginFailuresCollection = "login_failures"
)

// Names of the package's queries other than by _id.
const (
	shapeExpiredSessions      = "sessions.expired"
	shapeExpiredLoginFailures = "login_failures.expired"
	// shapeAllUsers reads every user: once to fill the member lists of
	// data written before they existed (see GroupsCollection), and at the
	// start of a directory sync run.
	shapeAllUsers = "users.all"
)

// Schema declares the package's collections to the store (pass it in
// store.Config.Collections). Everything is read by string _id except what
// Sweep deletes, which scans: it runs from a scheduled job.
func Schema() store.Schema {
	return append(store.Schema{
		{Name: UsersCollection, Shapes: []store.QueryShape{{Name: shapeAllUsers, Scans: true}}},
		{Name: SessionsCollection, Shapes: []store.QueryShape{{Name: shapeExpiredSessions, Keys: []string{"valid_until"}, Scans: true}}},
		{Name: TokensCollection},
		{Name: TokenIndexCollection},
		{Name: LoginFailuresCollection, Shapes: []store.QueryShape{{Name: shapeExpiredLoginFailures, Keys: []string{"expires"}, Scans: true}}},
		{Name: GroupsCollection},
		{Name: TwoFactorCollection},
		{Name: PendingLoginsCollection, Shapes: []store.QueryShape{{Name: shapeExpiredPendingLogins, Keys: []string{"expires"}, Scans: true}}},
	}, adminSchema()...)
}

// Documents is what the package needs from the data layer; *store.Store
// implements it. Get, Insert and Update are store's by-_id primitives with
// their errors (ErrNotFound, ErrDuplicate, ErrConflict); InsertMany makes
// the users of a directory sync's batch; DeleteExpired serves Sweep, Find
// the one-time fill of the member lists and the directory sync's reading
// of every user.
type Documents interface {
	Get(ctx context.Context, coll, id string, out any) error
	GetMany(ctx context.Context, coll string, ids []string, out any) error
	Insert(ctx context.Context, coll string, doc any) error
	InsertMany(ctx context.Context, coll string, docs []any) (int, error)
	Update(ctx context.Context, coll, id string, expectVersion int64, update map[string]any) (int64, error)
	Delete(ctx context.Context, coll, id string) error
	DeleteExpired(ctx context.Context, coll, shape string, now time.Time) (int64, error)
	Find(ctx context.Context, coll string, f store.Find, out any) error
}

// Default values New uses for zero Config fields.
const (
	// DefaultMinPasswordLength follows NIST SP 800-63B for passwords chosen
	// by the user: at least 8 characters, no composition rules.
	DefaultMinPasswordLength = 8

	// DefaultSessionIdle ends a session nobody used for a working day.
	DefaultSessionIdle = 8 * time.Hour
	// DefaultSessionLifetime ends every session a week after login, however
	// busy, so a stolen cookie does not live forever.
	DefaultSessionLifetime = 7 * 24 * time.Hour
	// DefaultTouchInterval is how often an active session's or token's
	// last use is written: at most once per interval, not once per
	// request. The idle timeout is therefore exact to within this interval.
	DefaultTouchInterval = 5 * time.Minute

	// DefaultMaxTokensPerUser bounds a user's API tokens (and the size of
	// the user's token index document).
	DefaultMaxTokensPerUser = 50
)

// Config configures New. Only Store is required; every zero field gets the
// documented default.
type Config struct {
	// Store holds users, sessions, tokens and login failure counters.
	Store Documents

	// Catalog returns the current definitions; roles and teams of user
	// records are resolved against it on every authentication, so a reload
	// takes effect at once. Nil, or a nil result, means no Role or Team
	// definitions: only the built-in admin role resolves, and user records
	// are not checked against definitions when written.
	Catalog func() *definition.Catalog

	// Logger receives warnings (stale role references, failed clean-ups).
	// Default: slog.Default().
	Logger *slog.Logger

	// Now is the clock. Default: time.Now.
	Now func() time.Time

	// Password holds the argon2id parameters of new hashes. Default:
	// DefaultParams().
	Password Params
	// MinPasswordLength is the shortest password (in characters) SetPassword
	// accepts. Default: DefaultMinPasswordLength.
	MinPasswordLength int
	// HashConcurrency is how many password hashes run at once; more wait.
	// Each takes Password.MemoryKiB of memory. Default: GOMAXPROCS.
	HashConcurrency int

	// SessionIdle, SessionLifetime and TouchInterval: see the defaults.
	SessionIdle     time.Duration
	SessionLifetime time.Duration
	TouchInterval   time.Duration

	// AccountClientThrottle, AccountThrottle and ClientThrottle slow down
	// failed logins (see Throttle); a zero value gets its default
	// (DefaultAccountClientThrottle …). KnownClientFor: see
	// DefaultKnownClientFor.
	AccountClientThrottle Throttle
	AccountThrottle       Throttle
	ClientThrottle        Throttle
	KnownClientFor        time.Duration

	// Directory, when set and configured, checks the logins of people
	// who have no local password (see Login). Nil: local accounts only.
	Directory Directory

	// SignOn, when set, lets staff sign in with the OpenID providers the
	// definitions declare (see StartSignOn). Nil: no sign-on.
	SignOn SignOn

	// MaxTokensPerUser: see the default.
	MaxTokensPerUser int

	// TokenCacheFor is how long an API token's authentication may use the
	// token and user it read before, unless this Service wrote either since
	// (see token_cache.go): the bound on how late a change made by another
	// process on the same database takes effect here. Default:
	// DefaultTokenCacheFor.
	TokenCacheFor time.Duration
}

// Service manages users, sessions and API tokens. It is safe for concurrent
// use; create one per process.
type Service struct {
	cfg Config
	db  Documents
	log *slog.Logger

	// hashSlots bounds concurrent argon2id runs (see Config.HashConcurrency).
	hashSlots chan struct{}
	// dummyHash is verified against when a login names no usable password
	// hash, so it costs the same as a real check.
	dummyHash func() (string, error)
	// warned remembers which stale role or team references were logged, so
	// a user's every request does not log them again.
	warned sync.Map

	// groupsReady is set once the member lists are known to be complete
	// (see buildGroups), which groupsBuild serialises.
	groupsReady atomic.Bool
	groupsBuild sync.Mutex

	// tokens remembers the documents of recent token authentications.
	tokens *tokenCache
}

// New returns a Service for cfg.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("auth: config: no store")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Catalog == nil {
		cfg.Catalog = func() *definition.Catalog { return nil }
	}
	if cfg.Password == (Params{}) {
		cfg.Password = DefaultParams()
	}
	if err := cfg.Password.Validate(); err != nil {
		return nil, fmt.Errorf("auth: config: %w", err)
	}
	setDefault(&cfg.MinPasswordLength, DefaultMinPasswordLength)
	setDefault(&cfg.HashConcurrency, runtime.GOMAXPROCS(0))
	setDefault(&cfg.SessionIdle, DefaultSessionIdle)
	setDefault(&cfg.SessionLifetime, DefaultSessionLifetime)
	setDefault(&cfg.TouchInterval, DefaultTouchInterval)
	for _, t := range []struct {
		v   *Throttle
		def Throttle
	}{{&cfg.AccountClientThrottle, DefaultAccountClientThrottle}, {&cfg.AccountThrottle, DefaultAccountThrottle}, {&cfg.ClientThrottle, DefaultClientThrottle}} {
		if *t.v == (Throttle{}) {
			*t.v = t.def
		}
		if t.v.Free < 0 || t.v.Leak <= 0 || t.v.Base <= 0 || t.v.Max < t.v.Base {
			return nil, fmt.Errorf("auth: config: throttle %+v: want Free ≥ 0, Leak and Base > 0, Max ≥ Base", *t.v)
		}
	}
	setDefault(&cfg.KnownClientFor, DefaultKnownClientFor)
	setDefault(&cfg.MaxTokensPerUser, DefaultMaxTokensPerUser)
	setDefault(&cfg.TokenCacheFor, DefaultTokenCacheFor)

	tokens := &tokenCache{}
	s := &Service{
		cfg:       cfg,
		db:        invalidatingDocuments{Documents: cfg.Store, cache: tokens},
		tokens:    tokens,
		log:       cfg.Logger.With(slog.String("component", "auth")),
		hashSlots: make(chan struct{}, cfg.HashConcurrency),
	}
	s.dummyHash = sync.OnceValues(func() (string, error) {
		return HashPassword("not a password: timing equaliser", cfg.Password)
	})
	return s, nil
}

func setDefault[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// now is the current time as stored: UTC, milliseconds (BSON dates have
// no more), so a value read back compares equal to the one written.
func (s *Service) now() time.Time {
	return s.cfg.Now().UTC().Truncate(time.Millisecond)
}

// hashSlot waits for a free hashing slot and returns its release function.
func (s *Service) hashSlot(ctx context.Context) (release func(), err error) {
	select {
	case s.hashSlots <- struct{}{}:
		return func() { <-s.hashSlots }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("auth: waiting to hash a password: %w", ctx.Err())
	}
}

// hash hashes password with the configured parameters in a hashing slot.
func (s *Service) hash(ctx context.Context, password string) (string, error) {
	release, err := s.hashSlot(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return HashPassword(password, s.cfg.Password)
}

// verify checks password against encoded in a hashing slot. An empty or
// malformed encoded is checked against a dummy hash instead and never
// matches, so the caller spends the same time either way.
func (s *Service) verify(ctx context.Context, encoded, password string) (bool, error) {
	usable := encoded != ""
	if usable {
		if _, _, _, err := parseHash(encoded); err != nil {
			s.log.WarnContext(ctx, "stored password hash is malformed", slog.Any("error", err))
			usable = false
		}
	}
	if !usable {
		dummy, err := s.dummyHash()
		if err != nil {
			return false, err
		}
		encoded = dummy
	}
	release, err := s.hashSlot(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	ok, err := VerifyPassword(encoded, password)
	return ok && usable, err
}

// deleteByID removes coll/id if it exists.
func (s *Service) deleteByID(ctx context.Context, coll, id string) error {
	if err := s.db.Delete(ctx, coll, id); err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	return nil
}

// maxCASAttempts bounds the read-compare-and-set loops. Each lost round
// means another writer succeeded, so this is only reached under a storm of
// writers to one document.
const maxCASAttempts = 100
