package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOpenPingClose(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // does not exist yet
	s, err := Open(t.Context(), Config{DataDir: dir, Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if got := s.Mode(); got != ModeEmbedded {
		t.Errorf("Mode() = %q, want %q", got, ModeEmbedded)
	}
	if err := s.Ping(t.Context()); err != nil {
		t.Errorf("Ping: %v", err)
	}
	if got := s.DB().Name(); got != DefaultDatabase {
		t.Errorf("DB().Name() = %q, want %q", got, DefaultDatabase)
	}
	created := s.Instance().CreatedAt
	if created.IsZero() || time.Since(created) > time.Minute || created.Location() != time.UTC {
		t.Errorf("Instance().CreatedAt = %v, want a recent UTC time", created)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o700 {
		t.Errorf("data directory mode = %v, want 0700", perm)
	}

	// Close returns (promptly: the client is disconnected before FerretDB is
	// stopped) and a second Close is a no-op.
	if err := s.Close(t.Context()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(t.Context()); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := s.Ping(t.Context()); err == nil {
		t.Error("Ping after Close succeeded")
	}
}

func TestReopenKeepsInstance(t *testing.T) {
	dir := t.TempDir()
	var first time.Time
	for i := range 2 {
		s, err := Open(t.Context(), Config{DataDir: dir, Logger: testLogger(t)})
		if err != nil {
			t.Fatalf("Open #%d: %v", i+1, err)
		}
		got := s.Instance().CreatedAt
		if err := s.Close(t.Context()); err != nil {
			t.Fatalf("Close #%d: %v", i+1, err)
		}
		if i == 0 {
			first = got
			continue
		}
		if !got.Equal(first) {
			t.Errorf("CreatedAt after reopen = %v, want %v", got, first)
		}
	}
	files, err := filepath.Glob(filepath.Join(dir, ferretDirName, "*.sqlite"))
	if err != nil || len(files) == 0 {
		t.Errorf("no SQLite files in %s (err %v)", filepath.Join(dir, ferretDirName), err)
	}
}

func TestOpenRefusesDataDirInUse(t *testing.T) {
	dir := t.TempDir()
	openEmbedded(t, dir)
	s, err := Open(t.Context(), Config{DataDir: dir, Logger: testLogger(t)})
	if err == nil {
		_ = s.Close(t.Context())
		t.Fatal("second Open on the same data directory succeeded")
	}
	if !strings.Contains(err.Error(), "in use") {
		t.Errorf("error = %q, want it to say the directory is in use", err)
	}
}

func TestOpenLongDataDirUsesTCP(t *testing.T) {
	dir := t.TempDir()
	for len(filepath.Join(dir, socketName)) <= maxSocketBytes {
		dir = filepath.Join(dir, "a-rather-long-directory-name")
	}
	s := openEmbedded(t, dir)
	if !strings.HasPrefix(s.embedded.uri, "mongodb://127.0.0.1:") {
		t.Errorf("uri = %q, want a TCP address on 127.0.0.1", s.embedded.uri)
	}
	if err := s.Ping(t.Context()); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

func TestOpenMongoURIOfFerretDB(t *testing.T) {
	// A URI pointing at FerretDB (here: an embedded one) is used like
	// MongoDB, but compare-and-set keeps locking in this process.
	owner := openEmbedded(t, lowerTempDir(t))
	s := openURI(t, owner.embedded.uri, DefaultDatabase)
	if got := s.Mode(); got != ModeMongoDB {
		t.Errorf("Mode() = %q, want %q", got, ModeMongoDB)
	}
	if !s.localLocks {
		t.Error("localLocks = false for a FerretDB server, want true")
	}
	if got, want := s.Instance().CreatedAt, owner.Instance().CreatedAt; !got.Equal(want) {
		t.Errorf("Instance().CreatedAt = %v, want the owner's %v", got, want)
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string // substrings of the error
	}{
		{
			name: "unreachable mongodb",
			cfg:  Config{MongoURI: "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500"},
			want: []string{"not reachable", "127.0.0.1:1"},
		},
		{
			name: "invalid uri",
			cfg:  Config{MongoURI: "http://user:secret@example.org/"},
			want: []string{"invalid mongodb uri"},
		},
		{
			name: "no data directory",
			cfg:  Config{},
			want: []string{"data directory is required"},
		},
		{
			name: "data directory is a file",
			cfg:  Config{DataDir: filepath.Join(writeFile(t, "not-a-dir"), "sub")},
			want: []string{"data directory"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Logger = testLogger(t)
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			s, err := Open(ctx, tt.cfg)
			if err == nil {
				_ = s.Close(ctx)
				t.Fatal("Open succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q leaks the password", err)
			}
		})
	}
}

func writeFile(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
