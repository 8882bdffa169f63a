package auth_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/internal/testkit"
	"vorgang/core/store"
)

// fastParams keep the tests fast; the defaults are exercised by
// TestDefaultParams and BenchmarkHashPassword.
var fastParams = auth.Params{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 32}

// newClock is the tests' clock, at a Monday morning.
func newClock() *testkit.Clock {
	return testkit.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
}

// logRecorder keeps the messages of log records and echoes them to the
// test log.
type logRecorder struct {
	t    testing.TB
	mu   sync.Mutex
	msgs []string
}

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }

func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	var b strings.Builder
	b.WriteString(rec.Level.String() + " " + rec.Message)
	rec.Attrs(func(a slog.Attr) bool {
		b.WriteString(" " + a.String())
		return true
	})
	r.mu.Lock()
	r.msgs = append(r.msgs, b.String())
	r.mu.Unlock()
	if rec.Level >= slog.LevelWarn {
		r.t.Log(b.String())
	}
	return nil
}

func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *logRecorder) WithGroup(string) slog.Handler      { return r }

func (r *logRecorder) messages() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.msgs...)
}

// openStore opens a fresh embedded store for the test; its warnings go
// to the test log.
func openStore(t testing.TB) *store.Store {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return testkit.OpenStore(t, testkit.StoreOptions{Logger: logger, Collections: auth.Schema()})
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// env is one test's service with its store, clock and log.
type env struct {
	svc   *auth.Service
	store *store.Store
	clock *testkit.Clock
	log   *logRecorder
}

// newEnv opens a store and a Service on it with fast hashing, a fake clock
// and cat (may be nil). tune, if not nil, adjusts the config.
func newEnv(t *testing.T, cat *definition.Catalog, tune func(*auth.Config)) *env {
	t.Helper()
	e := &env{store: openStore(t), clock: newClock(), log: &logRecorder{t: t}}
	e.svc = e.service(t, cat, tune)
	return e
}

// service returns another Service on e's store and clock.
func (e *env) service(t *testing.T, cat *definition.Catalog, tune func(*auth.Config)) *auth.Service {
	t.Helper()
	cfg := auth.Config{
		Store:    e.store,
		Catalog:  func() *definition.Catalog { return cat },
		Logger:   slog.New(e.log),
		Now:      e.clock.Now,
		Password: fastParams,
	}
	if tune != nil {
		tune(&cfg)
	}
	svc, err := auth.New(cfg)
	if err != nil {
		t.Fatalf("auth.New: %v", err)
	}
	return svc
}

// createUser creates a user or fails the test.
func (e *env) createUser(t *testing.T, nu auth.NewUser) *auth.User {
	t.Helper()
	u, err := e.svc.CreateUser(t.Context(), nu)
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", nu.Name, err)
	}
	return u
}

// testClient is the client address of the tests' logins.
const testClient = "198.51.100.1"

// login logs in or fails the test.
func (e *env) login(t *testing.T, name, password string) *auth.Session {
	t.Helper()
	s, err := e.svc.Login(t.Context(), name, password, testClient)
	if err != nil {
		t.Fatalf("Login(%s): %v", name, err)
	}
	return s
}

// sha256Hex is the database id of a secret.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// testCatalogYAML defines three roles and three teams; second-level is the
// parent (escalation team) of first-level.
const testCatalogYAML = `apiVersion: vorgang/v1
kind: Role
id: agent
title: Agent
permissions: [ticket.read_team, ticket.work, ticket.comment_internal]
---
apiVersion: vorgang/v1
kind: Role
id: specialist
title: Specialist
permissions: [ticket.read_team, ticket.work, asset.write]
---
apiVersion: vorgang/v1
kind: Role
id: lead
title: Lead
permissions: [ticket.read_all, ticket.approve, report.read]
---
apiVersion: vorgang/v1
kind: Role
id: operator
title: Operator
permissions: [admin]
---
apiVersion: vorgang/v1
kind: Team
id: first-level
title: First level
roles: [agent]
parent: second-level
---
apiVersion: vorgang/v1
kind: Team
id: second-level
title: Second level
roles: [specialist]
---
apiVersion: vorgang/v1
kind: Team
id: facility
title: Facility
`

// compileCatalog compiles YAML through the real loader and schemas.
func compileCatalog(t testing.TB, yaml string) *definition.Catalog {
	t.Helper()
	return testkit.Compile(t, []definition.File{{Path: "identity.yaml", Data: []byte(yaml)}})
}
