package knowledge_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang/core/fault"
	"vorgang/core/internal/testkit"
	"vorgang/core/knowledge"
	"vorgang/core/store"
)

// errCrash stands for a process that died at a write of a list of files.
var errCrash = errors.New("crash")

// crashingFiles is a store whose writes of the lists of files fail as a
// crash at that point would leave them: before the write ("before"), or
// after it landed, its answer lost ("after").
type crashingFiles struct {
	*store.Store
	at string
	// onRead runs when a list of files is read: a slow upload.
	onRead func()
}

func (c *crashingFiles) Insert(ctx context.Context, coll string, doc any) error {
	if coll != knowledge.FilesCollection || c.at == "" {
		return c.Store.Insert(ctx, coll, doc)
	}
	if c.at == "after" {
		if err := c.Store.Insert(ctx, coll, doc); err != nil {
			return err
		}
	}
	return errCrash
}

func (c *crashingFiles) Update(ctx context.Context, coll, id string, version int64, update map[string]any) (int64, error) {
	if coll != knowledge.FilesCollection || c.at == "" {
		return c.Store.Update(ctx, coll, id, version, update)
	}
	if c.at == "after" {
		if _, err := c.Store.Update(ctx, coll, id, version, update); err != nil {
			return 0, err
		}
	}
	return 0, errCrash
}

func (c *crashingFiles) Get(ctx context.Context, coll, id string, out any) error {
	if coll == knowledge.FilesCollection && c.onRead != nil {
		c.onRead()
	}
	return c.Store.Get(ctx, coll, id, out)
}

// TestPurgeRemovesLeftoversOfCrashedUploads: content an upload stored
// without its list of files (a crash between), and chunks without their
// attachment record (a crash while the content was written), leave the
// storage with the first purge after UploadGrace, not before; what a list
// names stays, also content whose list was written with its answer lost;
// an upload too slow to be listed safely is refused and leaves nothing.
// The store finds leftovers by ranges of ids, which each mode answers
// its own way (SQL on the embedded store, a query on MongoDB).
func TestPurgeRemovesLeftoversOfCrashedUploads(t *testing.T) {
	for _, mongo := range []bool{false, true} {
		name := "embedded"
		if mongo {
			name = "mongodb"
		}
		t.Run(name, func(t *testing.T) {
			open := testkit.OpenStore
			if mongo {
				open = testkit.OpenMongoStore
			}
			st := open(t, testkit.StoreOptions{Collections: knowledge.Schema()})
			purgeLeftovers(t, st)
		})
	}
}

func purgeLeftovers(t *testing.T, st *store.Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	clock := testkit.NewClock(t0)
	cs := &crashingFiles{Store: st}
	s, err := knowledge.New(knowledge.Deps{Store: cs, Logger: testkit.Quiet, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	count := func(coll string) int64 {
		t.Helper()
		return countDocs(t, st, coll)
	}
	stored := func(wantRecords, wantChunks int64) {
		t.Helper()
		if r, c := count(store.AttachmentsCollection), count(store.AttachmentChunksCollection); r != wantRecords || c != wantChunks {
			t.Errorf("%d records and %d chunks stored, want %d and %d", r, c, wantRecords, wantChunks)
		}
	}
	upload := func(number, name string) error {
		_, err := s.AddFile(ctx, writerIT, number, name, "image/png", bytes.NewReader([]byte("\x89PNG\r\n\x1a\n"+name)), 1<<20, "en")
		return err
	}
	// looseChunks stores the chunks of an upload at `at` whose record
	// was never written.
	looseChunks := func(at time.Time, n int) {
		t.Helper()
		id := knowledge.FileID(at)
		for i := range n {
			if err := st.Insert(ctx, store.AttachmentChunksCollection, bson.M{"_id": id + "/00000" + string(rune('0'+i)), "data": []byte("x")}); err != nil {
				t.Fatal(err)
			}
		}
	}
	served := func(number string, names ...string) {
		t.Helper()
		for _, name := range names {
			var buf bytes.Buffer
			if _, err := s.File(ctx, nil, number, name, &buf); err != nil || !bytes.HasSuffix(buf.Bytes(), []byte(name)) {
				t.Errorf("%s no longer served: %v %q", name, err, buf.Bytes())
			}
		}
	}
	purge := func(want int) {
		t.Helper()
		if n, err := s.PurgeFiles(ctx, clock.Now()); err != nil || n != want {
			t.Errorf("purge at %s deleted %d, want %d: %v", clock.Now().Format(time.Kitchen), n, want, err)
		}
	}

	a, err := s.Create(ctx, writerIT, content("Lageplan", knowledge.Public, ""), "de")
	if err != nil {
		t.Fatal(err)
	}
	if err := upload(a.Number, "served.png"); err != nil {
		t.Fatal(err)
	}
	cs.at = "before"
	if err := upload(a.Number, "crashed.png"); !errors.Is(err, errCrash) {
		t.Fatalf("an upload whose list was not written: %v", err)
	}
	looseChunks(t0, 2)
	cs.at = "after"
	if err := upload(a.Number, "lost-answer.png"); !errors.Is(err, errCrash) {
		t.Fatalf("an upload whose list's answer was lost: %v", err)
	}
	cs.at = ""
	served(a.Number, "served.png", "lost-answer.png")
	stored(3, 5)

	// Leftovers of 50 minutes later: too young for the purges below but the last.
	clock.Set(t0.Add(50 * time.Minute))
	cs.at = "before"
	if err := upload(a.Number, "recent.png"); !errors.Is(err, errCrash) {
		t.Fatalf("a later upload whose list was not written: %v", err)
	}
	cs.at = ""
	looseChunks(clock.Now(), 1)
	stored(4, 7)
	purge(0)
	stored(4, 7)

	clock.Set(t0.Add(61 * time.Minute))
	purge(2) // crashed.png, and the loose chunks of t0
	stored(3, 4)
	served(a.Number, "served.png", "lost-answer.png")

	clock.Set(t0.Add(2 * time.Hour))
	purge(2) // recent.png and its loose chunk
	stored(2, 2)
	served(a.Number, "served.png", "lost-answer.png")
	purge(0)

	// An upload that took half the grace to reach its list is refused
	// at once, with its content: the purge may have taken it meanwhile.
	cs.onRead = func() { clock.Set(clock.Now().Add(31 * time.Minute)) }
	if err := upload(a.Number, "slow.png"); !errors.Is(err, fault.Unavailable) {
		t.Errorf("a slow upload: %v, want unavailable", err)
	}
	cs.onRead = nil
	stored(2, 2)
	if files, err := s.Files(ctx, writerIT, a.Number); err != nil || len(files) != 2 {
		t.Errorf("files after a slow upload: %v %+v", err, files)
	}
}
