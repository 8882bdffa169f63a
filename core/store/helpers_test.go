package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"
)

// testMongoURIEnv names a MongoDB to run the store tests against in addition
// to the embedded FerretDB, e.g. mongodb://127.0.0.1:27017.
const testMongoURIEnv = "VORGANG_TEST_MONGODB_URI"

// testLogger writes WARN and above to the test log.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// openEmbedded opens an embedded store on dir and closes it when the test ends.
// testSchema declares the collections the tests write beside the store's
// own.
var testSchema = Schema{{Name: "notes"}, {Name: "batch_test"}, {Name: "operators"}, {Name: "cas"}, {Name: "x_archive"},
	{Name: "derived", Indexes: []Index{{Keys: []string{"key"}, Unique: true, Sparse: true}},
		Shapes: []QueryShape{{Name: "derived.by_key", Keys: []string{"key"}, InMemory: true}}}}

func openEmbedded(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(t.Context(), Config{DataDir: dir, Logger: testLogger(t), Collections: testSchema})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { closeStore(t, s) })
	return s
}

// openURI opens a store on uri and closes it when the test ends.
func openURI(t testing.TB, uri, database string) *Store {
	t.Helper()
	s, err := Open(t.Context(), Config{MongoURI: uri, Database: database, Logger: testLogger(t), Collections: testSchema})
	if err != nil {
		t.Fatalf("Open(%s): %v", uri, err)
	}
	t.Cleanup(func() { closeStore(t, s) })
	return s
}

func closeStore(t testing.TB, s *Store) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Close(ctx); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// testStores returns the stores a data-layer test runs on: always a fresh
// embedded one, and a fresh database on the MongoDB named by
// VORGANG_TEST_MONGODB_URI if set.
func testStores(t *testing.T) map[string]*Store {
	t.Helper()
	stores := map[string]*Store{ModeEmbedded: openEmbedded(t, t.TempDir())}
	if uri := os.Getenv(testMongoURIEnv); uri != "" {
		db := "vorgang_test_" + randomHex(t, 6)
		s := openURI(t, uri, db)
		t.Cleanup(func() {
			// Registered after openURI's cleanup, so it runs before Close.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := s.DB().Drop(ctx); err != nil {
				t.Errorf("drop %s: %v", db, err)
			}
		})
		stores[ModeMongoDB] = s
	}
	return stores
}

// forEachStore runs f as a subtest on every store of testStores.
func forEachStore(t *testing.T, f func(t *testing.T, s *Store)) {
	t.Helper()
	for name, s := range testStores(t) {
		t.Run(name, func(t *testing.T) { f(t, s) })
	}
}

// lowerTempDir returns a new directory whose path has no upper-case
// letters: other clients reach an embedded store by a URI that names its
// socket, and the driver lower-cases socket paths.
func lowerTempDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "vorgang-store-")
	if err != nil {
		t.Fatal(err)
	}
	if dir != strings.ToLower(dir) {
		t.Skipf("temporary directory %s has upper-case letters", dir)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
