package knowledge_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"vorgang/core/internal/testkit"
	"vorgang/core/knowledge"
	"vorgang/core/store"
)

// A process that uploads an article file and is killed with SIGKILL in
// the middle of it: crashDirEnv names its store's folder, crashAtEnv the
// moment ("chunks": after the first chunk of the content is stored, before
// its record; "list": after the content, before the list of files).
const (
	crashDirEnv     = "VORGANG_KB_CRASH_DIR"
	crashAtEnv      = "VORGANG_KB_CRASH_AT"
	crashArticleEnv = "VORGANG_KB_CRASH_ARTICLE"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		os.Exit(uploadAndDie(dir, os.Getenv(crashAtEnv), os.Getenv(crashArticleEnv)))
	}
	os.Exit(m.Run())
}

// crashT0 is the time of the uploads the crash test cuts off.
var crashT0 = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

// dieOnList kills the process when the list of files is written.
type dieOnList struct{ *store.Store }

func (d dieOnList) Insert(ctx context.Context, coll string, doc any) error {
	if coll == knowledge.FilesCollection {
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
	return d.Store.Insert(ctx, coll, doc)
}

func (d dieOnList) Update(ctx context.Context, coll, id string, version int64, update map[string]any) (int64, error) {
	if coll == knowledge.FilesCollection {
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
	return d.Store.Update(ctx, coll, id, version, update)
}

// dieAfter gives n bytes, then kills the process at the next read.
type dieAfter struct{ n int }

func (d *dieAfter) Read(p []byte) (int, error) {
	if d.n == 0 {
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
	k := min(len(p), d.n)
	for i := range k {
		p[i] = 'x'
	}
	d.n -= k
	return k, nil
}

func uploadAndDie(dir, at, number string) int {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{DataDir: dir, Logger: testkit.Quiet, Collections: knowledge.Schema()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	s, err := knowledge.New(knowledge.Deps{Store: dieOnList{st}, Logger: testkit.Quiet, Now: func() time.Time { return crashT0 }})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	var r io.Reader = bytes.NewReader([]byte("\x89PNG\r\n\x1a\nlist"))
	if at == "chunks" {
		r = io.MultiReader(bytes.NewReader([]byte("\x89PNG\r\n\x1a\n")), &dieAfter{n: store.AttachmentChunkSize})
	}
	_, err = s.AddFile(ctx, writerIT, number, at+".png", "image/png", r, 10<<20, "en")
	fmt.Fprintln(os.Stderr, "not killed:", err)
	return 3
}

// TestPurgeAfterUploadsKilled: uploads killed with SIGKILL in the middle
// (after a chunk of the content, and after the content before its list)
// leave content that the purge removes once it is older than the grace;
// the files the article lists stay served.
func TestPurgeAfterUploadsKilled(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func() (*store.Store, *knowledge.Service, *testkit.Clock) {
		st, err := store.Open(ctx, store.Config{DataDir: dir, Logger: testkit.Quiet, Collections: knowledge.Schema()})
		if err != nil {
			t.Fatal(err)
		}
		clock := testkit.NewClock(crashT0)
		s, err := knowledge.New(knowledge.Deps{Store: st, Logger: testkit.Quiet, Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		return st, s, clock
	}
	st, s, _ := open()
	a, err := s.Create(ctx, writerIT, content("Lageplan", knowledge.Public, ""), "de")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddFile(ctx, writerIT, a.Number, "plan.png", "image/png", bytes.NewReader([]byte("\x89PNG\r\n\x1a\nplan")), 1<<20, "en"); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for _, at := range []string{"chunks", "list"} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashAtEnv+"="+at, crashArticleEnv+"="+a.Number)
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Fatalf("%s: %v\n%s", at, err, out)
		}
		if ws, ok := exit.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("%s: the upload was not killed: %v\n%s", at, err, out)
		}
	}
	st, s, clock := open()
	defer func() { _ = st.Close(ctx) }()
	count := func(coll string) int64 {
		t.Helper()
		return countDocs(t, st, coll)
	}
	// plan.png; the killed uploads: a chunk without a record, and a record
	// with its chunk but no list entry.
	if r, c := count(store.AttachmentsCollection), count(store.AttachmentChunksCollection); r != 2 || c != 3 {
		t.Fatalf("after the crashes: %d records, %d chunks; want 2 and 3", r, c)
	}
	clock.Set(crashT0.Add(30 * time.Minute))
	if n, err := s.PurgeFiles(ctx, clock.Now()); err != nil || n != 0 {
		t.Errorf("a purge within the grace deleted %d: %v", n, err)
	}
	clock.Set(crashT0.Add(knowledge.UploadGrace + time.Minute))
	if n, err := s.PurgeFiles(ctx, clock.Now()); err != nil || n != 2 {
		t.Errorf("the purge after the grace deleted %d, want 2: %v", n, err)
	}
	if r, c := count(store.AttachmentsCollection), count(store.AttachmentChunksCollection); r != 1 || c != 1 {
		t.Errorf("after the purge: %d records, %d chunks; want 1 and 1", r, c)
	}
	var buf bytes.Buffer
	if _, err := s.File(ctx, nil, a.Number, "plan.png", &buf); err != nil || !bytes.HasSuffix(buf.Bytes(), []byte("plan")) {
		t.Errorf("plan.png after the purge: %v %q", err, buf.Bytes())
	}
	if files, err := s.Files(ctx, writerIT, a.Number); err != nil || len(files) != 1 {
		t.Errorf("files after the crashes: %v %+v", err, files)
	}
}
