package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang/core/store"
	"vorgang/core/ticket"
)

// openTestStore opens the embedded store in dir; close it with the returned
// function.
func openTestStore(t *testing.T, dir string) (*store.Store, func()) {
	t.Helper()
	st, err := store.Open(t.Context(), store.Config{DataDir: dir, Logger: slog.New(slog.DiscardHandler), Collections: store.Schema{{Name: "notes"}}})
	if err != nil {
		t.Fatalf("open store in %s: %v", dir, err)
	}
	return st, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := st.Close(ctx); err != nil {
			t.Errorf("close store: %v", err)
		}
	}
}

// seedStore writes a few tickets into a new embedded store in dir.
func seedStore(t *testing.T, dir string) {
	t.Helper()
	st, closeStore := openTestStore(t, dir)
	defer closeStore()
	ctx := t.Context()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for i, team := range []string{"it-1st-level", "buergerbuero", "it-1st-level"} {
		tk := &ticket.Ticket{Number: "INC-2026-00000" + string(rune('1'+i)), Process: "it-incident", Title: "Drucker",
			State: "new", Category: "open", Open: true, Priority: "high", Team: team, Due: ticket.SortTime(now.Add(time.Hour)),
			Created: now, Updated: now, Data: map[string]any{"room": int64(204 + i)}}
		if err := st.CreateTicket(ctx, tk, &ticket.HistoryEntry{Actor: "anna", Type: "created"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Insert(ctx, "notes", bson.D{{Key: "_id", Value: "n1"}, {Key: "at", Value: now}}); err != nil {
		t.Fatal(err)
	}
}

// dumpStore returns every document of the embedded store in dir, by
// collection, as extended JSON.
func dumpStore(t *testing.T, dir string) map[string][]string {
	t.Helper()
	st, closeStore := openTestStore(t, dir)
	defer closeStore()
	ctx := t.Context()
	names, err := st.DB().ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, name := range names {
		cur, err := st.DB().Collection(name).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		for cur.Next(ctx) {
			// The mark `vorgang restore` leaves for the next start is not
			// data of the archive.
			if id, ok := cur.Current.Lookup("_id").StringValueOK(); ok && name == "meta" && id == "restored" {
				continue
			}
			out[name] = append(out[name], cur.Current.String())
		}
		if err := cur.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func sameDump(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for name, docs := range a {
		if !slices.Equal(docs, b[name]) {
			return false
		}
	}
	return true
}

func TestBackupRestoreCommands(t *testing.T) {
	t.Setenv("VORGANG_MONGO_URI", "")
	t.Setenv("VORGANG_DATA", "")
	src, dst := t.TempDir(), t.TempDir()
	seedStore(t, src)
	want := dumpStore(t, src)
	archive := filepath.Join(t.TempDir(), "city.tar.gz")

	corrupt := filepath.Join(t.TempDir(), "corrupt.tar.gz")
	truncated := filepath.Join(t.TempDir(), "truncated.tar.gz")

	steps := []struct {
		name     string
		args     []string
		before   func(t *testing.T)
		wantCode int
		wantOut  []string
	}{
		{name: "backup", args: []string{"backup", "--data", src, "-o", archive}, wantCode: 0,
			wantOut: []string{"backup of embedded store in " + src + ": ", " collections, ", " documents, ", " bytes written to " + archive}},
		{name: "restore", args: []string{"restore", "--data", dst, archive}, wantCode: 0,
			wantOut: []string{"restored " + archive + " into embedded store in " + dst + ": ", " documents, ", "(embedded backup of "}},
		{name: "restore again", args: []string{"restore", "--data", dst, archive}, wantCode: 1,
			wantOut: []string{"database not empty", "already has tickets", "--replace"}},
		{name: "restore with replace after the file", args: []string{"restore", "--data", dst, archive, "--replace"}, wantCode: 0,
			wantOut: []string{"restored "}},
		{name: "corrupt archive", args: []string{"restore", "--data", t.TempDir(), corrupt}, wantCode: 1,
			before: func(t *testing.T) {
				b, err := os.ReadFile(archive)
				if err != nil {
					t.Fatal(err)
				}
				b[len(b)/2] ^= 0xff
				writeFile(t, corrupt, string(b))
			},
			wantOut: []string{"invalid backup archive"}},
		{name: "truncated archive", args: []string{"restore", "--replace", "--data", dst, truncated}, wantCode: 1,
			before: func(t *testing.T) {
				b, err := os.ReadFile(archive)
				if err != nil {
					t.Fatal(err)
				}
				writeFile(t, truncated, string(b[:len(b)-10]))
			},
			wantOut: []string{"invalid backup archive"}},
		{name: "missing archive", args: []string{"restore", "--data", dst, filepath.Join(dst, "nope.tar.gz")}, wantCode: 1,
			wantOut: []string{"no such file"}},
		{name: "no archive named", args: []string{"restore", "--data", dst}, wantCode: 2,
			wantOut: []string{"name one archive"}},
		{name: "backup of a folder without data", args: []string{"backup", "--data", filepath.Join(dst, "nope")}, wantCode: 1,
			wantOut: []string{"no vorgang data in"}},
		{name: "backup with a stray argument", args: []string{"backup", "--data", src, "out.tar.gz"}, wantCode: 2,
			wantOut: []string{"unexpected argument"}},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			if step.before != nil {
				step.before(t)
			}
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), step.args, &stdout, &stderr)
			out := stdout.String() + stderr.String()
			if code != step.wantCode {
				t.Fatalf("exit code %d, want %d; output:\n%s", code, step.wantCode, out)
			}
			for _, w := range step.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q; got:\n%s", w, out)
				}
			}
			if code == 0 && strings.Count(stdout.String(), "\n") != 1 {
				t.Errorf("want a one-line summary on stdout; got:\n%s", stdout.String())
			}
		})
	}

	got := dumpStore(t, dst)
	if !sameDump(got, want) {
		t.Errorf("restored store differs from the source\n got %v\nwant %v", got, want)
	}
	if entries, _ := os.ReadDir(filepath.Dir(archive)); len(entries) != 1 {
		t.Errorf("backup left more than the archive behind: %v", entries)
	}
}

func TestBackupCommandToStdoutAndEnv(t *testing.T) {
	src := t.TempDir()
	seedStore(t, src)
	t.Setenv("VORGANG_MONGO_URI", "")
	t.Setenv("VORGANG_DATA", src)

	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"backup", "-o", "-"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, stderr.String())
	}
	if !bytes.HasPrefix(stdout.Bytes(), []byte{0x1f, 0x8b}) {
		t.Errorf("stdout is not a gzip stream: % x", stdout.Bytes()[:min(8, stdout.Len())])
	}
	if !strings.Contains(stderr.String(), "written to standard output") {
		t.Errorf("summary not on stderr: %q", stderr.String())
	}

	// The archive from stdout restores from stdin.
	dst := t.TempDir()
	stdin := filepath.Join(t.TempDir(), "archive")
	writeFile(t, stdin, stdout.String())
	f, err := os.Open(stdin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	saved := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = saved }()
	var out2, err2 bytes.Buffer
	if code := run(t.Context(), []string{"restore", "--data", dst, "-"}, &out2, &err2); code != 0 {
		t.Fatalf("restore from stdin: exit code %d; stderr:\n%s", code, err2.String())
	}
	if !sameDump(dumpStore(t, dst), dumpStore(t, src)) {
		t.Error("store restored from stdin differs from the source")
	}
}

// TestBackupWhileDataInUse: backup reads a store another process holds
// (a running vorgang serve); restore is refused there.
func TestBackupWhileDataInUse(t *testing.T) {
	t.Setenv("VORGANG_MONGO_URI", "")
	dir := t.TempDir()
	seedStore(t, dir)
	want := dumpStore(t, dir)
	_, closeStore := openTestStore(t, dir) // stands in for a running vorgang serve
	defer closeStore()

	archive := filepath.Join(t.TempDir(), "b.tar.gz")
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"backup", "--data", dir, "-o", archive}, &stdout, &stderr); code != 0 {
		t.Fatalf("backup while the store is open: exit code %d, stderr:\n%s", code, stderr.String())
	}
	dst := t.TempDir()
	if code := run(t.Context(), []string{"restore", "--data", dst, archive}, &stdout, &stderr); code != 0 {
		t.Fatalf("restore: exit code %d, stderr:\n%s", code, stderr.String())
	}
	if !sameDump(dumpStore(t, dst), want) {
		t.Error("the store restored from a backup of the open store differs from it")
	}

	stderr.Reset()
	code := run(t.Context(), []string{"restore", "--data", dir, "--replace", archive}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "in use by a running vorgang") || !strings.Contains(stderr.String(), "stop `vorgang serve`") {
		t.Errorf("restore while the store is open: exit code %d, stderr:\n%s", code, stderr.String())
	}
}

// TestRefusedRestoreLeavesTheFolder: a restore that is refused leaves the
// data folder as it was: no store is created in an empty or missing
// folder.
func TestRefusedRestoreLeavesTheFolder(t *testing.T) {
	t.Setenv("VORGANG_MONGO_URI", "")
	t.Setenv("VORGANG_DATA", "")
	src := t.TempDir()
	seedStore(t, src)
	archive := filepath.Join(t.TempDir(), "city.tar.gz")
	if code := run(t.Context(), []string{"backup", "--data", src, "-o", archive}, &bytes.Buffer{}, &bytes.Buffer{}); code != 0 {
		t.Fatal("backup failed")
	}
	good, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	corrupt := append([]byte(nil), good...)
	corrupt[len(corrupt)/2] ^= 0xff
	truncated := good[:len(good)-10]

	for _, tt := range []struct {
		name    string
		archive []byte
		folder  func(t *testing.T) string
	}{
		{"a corrupt archive into an empty folder", corrupt, func(t *testing.T) string { return t.TempDir() }},
		{"a truncated archive into an empty folder", truncated, func(t *testing.T) string { return t.TempDir() }},
		{"a corrupt archive into a missing folder", corrupt, func(t *testing.T) string { return filepath.Join(t.TempDir(), "data") }},
		{"a corrupt archive into a folder with other files", corrupt, func(t *testing.T) string {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "README.txt"), "Daten der Stadtverwaltung")
			return dir
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.folder(t)
			before := listFolder(t, dir)
			file := filepath.Join(t.TempDir(), "archive.tar.gz")
			writeFile(t, file, string(tt.archive))
			var out bytes.Buffer
			if code := run(t.Context(), []string{"restore", "--data", dir, file}, &out, &out); code != 1 {
				t.Fatalf("exit code %d, want 1:\n%s", code, out.String())
			}
			if after := listFolder(t, dir); !slices.Equal(after, before) {
				t.Errorf("the folder held %v before the refused restore and %v after", before, after)
			}
		})
	}
}

// listFolder lists the names in dir, or nil when it does not exist.
func listFolder(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestBackupOfARelativeDataFolder: --data may be relative to the working
// folder, as it is by default (./data).
func TestBackupOfARelativeDataFolder(t *testing.T) {
	t.Setenv("VORGANG_MONGO_URI", "")
	t.Setenv("VORGANG_DATA", "")
	parent := t.TempDir()
	seedStore(t, filepath.Join(parent, "data"))
	t.Chdir(parent)
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"backup", "--data", "data", "-o", "city.tar.gz"}, &stdout, &stderr); code != 0 {
		t.Fatalf("backup of ./data: exit code %d\n%s", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(parent, "city.tar.gz")); err != nil {
		t.Fatal(err)
	}
}
