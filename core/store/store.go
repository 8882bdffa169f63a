package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Mode names returned by (*Store).Mode.
const (
	ModeEmbedded = "embedded"
	ModeMongoDB  = "mongodb"
)

// Default values used by Open for zero Config fields.
const (
	DefaultDatabase       = "vorgang"
	DefaultConnectTimeout = 15 * time.Second
)

// Config configures Open. The zero value of every field except DataDir (in
// embedded mode) is usable.
type Config struct {
	// MongoURI is a MongoDB connection string. If empty, Open starts an
	// embedded FerretDB that stores its data with SQLite under DataDir.
	MongoURI string

	// DataDir is the directory of the embedded store; it is required when
	// MongoURI is empty and ignored otherwise. Open creates it (mode 0700) if
	// it is missing. Only one Store at a time may use a data directory; Open
	// fails if another one holds it.
	DataDir string

	// Database is the database name. Default: "vorgang".
	Database string

	// Logger receives the store's own records and, filtered to warnings that
	// matter, those of the embedded FerretDB. Default: slog.Default().
	Logger *slog.Logger

	// ConnectTimeout bounds how long Open waits for the database to answer a
	// ping (embedded: for FerretDB to come up). The context passed to Open
	// can shorten it further. Default: 15 s.
	ConnectTimeout time.Duration

	// Collections declares the collections of the packages using the store
	// (users, sessions, assets, ...) beside the store's own: Open creates
	// them, their indexes and, on the embedded store, the index that makes
	// lookups by _id fast. A read or write of a collection no Schema
	// declares fails with ErrUnregistered.
	Collections Schema

	// Observe, if set, is told of every query the store sends in MongoDB
	// mode (see IssuedQuery), so a test can check that the declared
	// indexes serve each one. The embedded store answers most queries
	// through SQL and never calls it.
	Observe func(IssuedQuery)
}

// Store is an open connection to vorgang's database. It is safe for
// concurrent use. Close it when done.
type Store struct {
	mode   string
	log    *slog.Logger
	client *mongo.Client
	db     *mongo.Database

	embedded *embedded // nil in MongoDB mode
	// sql answers indexed queries on the embedded store; nil on MongoDB.
	sql *sqlIndex
	// writer replaces batches of tickets in one transaction
	// (ticket_write_sql.go); nil on MongoDB.
	writer *sqlWriter
	// turns orders the writer's transactions and FerretDB's writes
	// (write_turns.go).
	turns sync.RWMutex
	// snapshotSQL reads the documents of a backup snapshot straight from
	// its SQLite file (backup_sjson.go); nil except on a snapshot.
	snapshotSQL *sql.DB
	// schema is every collection the store knows: created at start-up,
	// looked up by _id and queried by the shapes declared.
	schema registry
	// openedAt is when this process opened the store (see Stale).
	openedAt time.Time
	// counts caches the dashboard counts on the embedded store.
	counts openCounts

	// localLocks is true when compare-and-set is made atomic by locks in this
	// process (FerretDB), false when the database does it (MongoDB).
	localLocks bool
	locks      *KeyedMutex

	instance InstanceInfo

	counters counterCache
	// health notes a full disk (see Writable).
	health  writeHealth
	inserts insertBatcher
	// creates groups the creates of concurrent callers on the embedded
	// store (ticket_create_batch.go).
	creates groupQueue[*createRequest]
	// watchers are told of committed ticket writes (OnTicketChange).
	watchers changeWatchers
	tuning   tuning

	closeMu sync.Mutex
	closed  bool
}

// Open connects to MongoDB, or starts an embedded FerretDB when
// cfg.MongoURI is empty, waits until the database answers and makes sure
// the instance document exists.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Database == "" {
		cfg.Database = DefaultDatabase
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = DefaultConnectTimeout
	}

	s := &Store{
		log:      cfg.Logger.With(slog.String("component", "store")),
		locks:    NewKeyedMutex(),
		tuning:   defaultTuning(),
		openedAt: time.Now(),
	}
	s.counters.init()
	schema, err := newRegistry(ownSchema, cfg.Collections)
	if err != nil {
		return nil, err
	}
	s.schema = schema

	if cfg.MongoURI == "" {
		err = s.openEmbedded(ctx, cfg)
	} else {
		err = s.openMongoDB(ctx, cfg)
	}
	if err != nil {
		return nil, err
	}
	s.db = s.client.Database(cfg.Database, options.Database().SetRegistry(plainValues))

	if err := s.setup(ctx); err != nil {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = s.Close(closeCtx)
		return nil, err
	}

	s.log.InfoContext(ctx, "store opened", slog.String("mode", s.mode), slog.String("database", cfg.Database),
		slog.Time("instance_created_at", s.instance.CreatedAt))
	return s, nil
}

// openMongoDB connects to the server named by cfg.MongoURI.
func (s *Store) openMongoDB(ctx context.Context, cfg Config) error {
	s.mode = ModeMongoDB

	opts := options.Client().ApplyURI(cfg.MongoURI).SetAppName("vorgang")
	if cfg.Observe != nil {
		opts.SetMonitor(commandObserver(cfg.Observe))
	}
	if err := opts.Validate(); err != nil {
		// The driver's message does not repeat the URI, which may hold a password.
		return fmt.Errorf("store: invalid mongodb uri: %w", err)
	}
	hosts := strings.Join(opts.Hosts, ",")

	client, err := mongo.Connect(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: connect to mongodb at %s: %w", hosts, err)
	}

	pingCtx, cancel := context.WithTimeout(ctx, cfg.ConnectTimeout)
	defer cancel()
	if err := client.Ping(pingCtx, nil); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return fmt.Errorf("store: mongodb at %s is not reachable: %w", hosts, err)
	}
	s.client = client

	// A FerretDB behind a URI behaves like the embedded one: filtered updates
	// are not atomic, so compare-and-set must lock in this process, which is
	// only correct while this process is the only writer.
	ferret, err := isFerretDB(ctx, client)
	if err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return fmt.Errorf("store: mongodb at %s: %w", hosts, err)
	}
	if ferret {
		s.localLocks = true
		s.log.WarnContext(ctx, "the mongodb uri points at FerretDB: compare-and-set is only atomic while this is the only vorgang process using it",
			slog.String("hosts", hosts))
	}
	return nil
}

// isFerretDB reports whether the server is FerretDB, which adds
// ferretdbVersion to its buildInfo reply.
func isFerretDB(ctx context.Context, client *mongo.Client) (bool, error) {
	var info bson.M
	if err := client.Database("admin").RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		return false, fmt.Errorf("build info: %w", err)
	}
	_, ok := info["ferretdbVersion"]
	return ok, nil
}

// prepareData makes sure the instance document, collections and indexes
// the store relies on exist; at Open and after a restore.
func (s *Store) prepareData(ctx context.Context) error {
	if err := s.loadInstance(ctx); err != nil {
		return err
	}
	if err := s.ensureCollections(ctx); err != nil {
		return err
	}
	if s.embedded == nil {
		return nil
	}
	return addIDIndexes(ctx, s.embedded.sqliteFile, s.schema.names())
}

// setup prepares what the store itself relies on.
func (s *Store) setup(ctx context.Context) error {
	if err := s.prepareData(ctx); err != nil {
		return err
	}
	if s.embedded == nil {
		return nil
	}
	x, err := openSQLIndex(ctx, s.embedded.sqliteFile)
	if err != nil {
		return err
	}
	s.sql = x
	if s.writer, err = openSQLWriter(ctx, s.embedded.sqliteFile); err != nil {
		return err
	}
	if err := s.verifyPlans(ctx); err != nil {
		return err
	}
	// Load the dashboard counts now rather than on the first dashboard
	// request (~0.5 s at 20k open tickets); writers wait for it once.
	go func() { _, _ = s.Counts(context.WithoutCancel(ctx)) }()
	return nil
}

// Close disconnects from the database and, in embedded mode, stops FerretDB
// and releases the data directory. It may be called more than once; calls
// after the first return nil.
func (s *Store) Close(ctx context.Context) error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true

	var errs []error
	if s.snapshotSQL != nil {
		if err := s.snapshotSQL.Close(); err != nil {
			errs = append(errs, fmt.Errorf("store: close snapshot reader: %w", err))
		}
	}
	if s.sql != nil {
		if err := s.sql.close(); err != nil {
			errs = append(errs, fmt.Errorf("store: close index reader: %w", err))
		}
	}
	if s.writer != nil {
		if err := s.writer.close(); err != nil {
			errs = append(errs, fmt.Errorf("store: close writer: %w", err))
		}
	}
	// Disconnect first: FerretDB waits a fixed ~3 s for every connection that
	// is still open when its context is cancelled.
	if s.client != nil {
		if err := s.client.Disconnect(ctx); err != nil {
			errs = append(errs, fmt.Errorf("store: disconnect: %w", err))
		}
	}
	if s.embedded != nil {
		if err := s.embedded.stop(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx, nil); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Mode returns ModeEmbedded or ModeMongoDB.
func (s *Store) Mode() string { return s.mode }

// EmbeddedURI is the connection string by which another client reaches
// the embedded store (its unix socket), e.g. a second instance in a test
// or a MongoDB shell; "" when the store is MongoDB.
func (s *Store) EmbeddedURI() string {
	if s.embedded == nil {
		return ""
	}
	return s.embedded.uri
}

// DB returns the underlying database, for tests that look at or damage
// stored data on purpose. Program code outside this package never uses it
// (a test enforces that): writes through it bypass the guarantees of this
// package (Update's compare-and-set in particular) and its queries the
// declared shapes.
func (s *Store) DB() *mongo.Database { return s.db }

// Stale reports whether a claim (a started create, a pending job) begun at
// startedAt belongs to a writer that is gone, so another may take it over.
// On the embedded store one process owns the data, so every claim older
// than this process's opening of the store is a crash leftover; on MongoDB
// other processes may be alive, so only claims older than a minute are.
func (s *Store) Stale(startedAt time.Time) bool {
	if s.embedded != nil {
		return startedAt.Before(s.openedAt)
	}
	return time.Since(startedAt) > orphanAge
}
