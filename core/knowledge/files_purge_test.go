package knowledge_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang/core/fault"
	"vorgang/core/internal/testkit"
	"vorgang/core/knowledge"
	"vorgang/core/store"
)

// TestPurgeKeepsWhatVersionsShow: the content of a replaced file, a
// removed file and the files of a deleted article leave the attachment
// storage with the purge; a file any version names stays, so every
// version keeps its images; a refused upload leaves nothing behind.
func TestPurgeKeepsWhatVersionsShow(t *testing.T) {
	ctx := context.Background()
	clock := testkit.NewClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
	st := testkit.OpenStore(t, testkit.StoreOptions{Collections: knowledge.Schema()})
	s, err := knowledge.New(knowledge.Deps{Store: st, Logger: testkit.Quiet, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	stored := func() int64 {
		t.Helper()
		return countDocs(t, st, store.AttachmentsCollection)
	}
	upload := func(number, name, content string) error {
		_, err := s.AddFile(ctx, writerIT, number, name, "image/png", bytes.NewReader([]byte("\x89PNG\r\n\x1a\n"+content)), 1<<20, "en")
		return err
	}
	withPlan := content("Lageplan", knowledge.Public, "")
	withPlan.Texts = map[string]knowledge.Text{"de": {Title: "Lageplan", Body: "![Plan](plan.png) und [Anfahrt](files/anfahrt.png)"}}
	a, err := s.Create(ctx, writerIT, withPlan, "de")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct{ name, content string }{{"plan.png", "old"}, {"plan.png", "new"}, {"anfahrt.png", "x"}, {"extra.png", "x"}} {
		if err := upload(a.Number, f.name, f.content); err != nil {
			t.Fatal(err)
		}
	}
	// Version 2 no longer shows the plan; version 1 still does.
	without := withPlan
	without.Texts = map[string]knowledge.Text{"de": {Title: "Lageplan", Body: "Ohne Bild."}}
	if _, err := s.Update(ctx, writerIT, a.Number, a.Version, without, "de"); err != nil {
		t.Fatal(err)
	}
	removals := []struct {
		name  string
		actor bool // readerIT instead of the writer
		code  string
		err   error
	}{
		{"plan.png", false, knowledge.CodeFileInUse, nil},
		{"anfahrt.png", false, knowledge.CodeFileInUse, nil},
		{"extra.png", true, "", fault.Forbidden},
		{"missing.png", false, "", fault.NotFound},
		{"extra.png", false, "", nil},
	}
	for _, r := range removals {
		actor := writerIT
		if r.actor {
			actor = readerIT
		}
		err := s.RemoveFile(ctx, actor, a.Number, r.name, "en")
		switch {
		case r.code != "":
			if f := fault.FieldsOf(err); len(f) != 1 || f[0].Field != "name" || f[0].Code != r.code {
				t.Errorf("remove %s: %v, want %s on name", r.name, err, r.code)
			}
		case r.err != nil:
			if !errors.Is(err, r.err) {
				t.Errorf("remove %s: %v, want %v", r.name, err, r.err)
			}
		case err != nil:
			t.Errorf("remove %s: %v", r.name, err)
		}
	}
	// An article at the limit refuses a file, and keeps no content of it.
	b, err := s.Create(ctx, writerIT, content("Viele Bilder", knowledge.Internal, ""), "de")
	if err != nil {
		t.Fatal(err)
	}
	for i := range knowledge.MaxFiles {
		if err := upload(b.Number, fmt.Sprintf("b%d.png", i), "x"); err != nil {
			t.Fatal(err)
		}
	}
	before := stored()
	if err := upload(b.Number, "one-too-many.png", "x"); len(fault.FieldsOf(err)) != 1 || fault.FieldsOf(err)[0].Code != knowledge.CodeFileCount {
		t.Fatalf("51st file: %v", err)
	}
	big := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
	if _, err := s.AddFile(ctx, writerIT, a.Number, "big.png", "image/png", bytes.NewReader(big), 50, "en"); len(fault.FieldsOf(err)) != 1 ||
		fault.FieldsOf(err)[0].Field != "file" || fault.FieldsOf(err)[0].Code != knowledge.CodeFileSize {
		t.Errorf("a file beyond the limit: %v", err)
	}
	if n := stored(); n != before {
		t.Errorf("a refused file left its content: %d stored, %d before", n, before)
	}
	// plan.png twice, anfahrt.png, extra.png, and b's files.
	if n := stored(); n != 4+knowledge.MaxFiles {
		t.Fatalf("%d stored before the purge", n)
	}
	if n, err := s.PurgeFiles(ctx, clock.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("a purge before the cutoff deleted %d: %v", n, err)
	}
	if n, err := s.PurgeFiles(ctx, clock.Now()); err != nil || n != 2 {
		t.Errorf("the purge deleted %d, want the old plan and extra.png: %v", n, err)
	}
	if n := stored(); n != 2+knowledge.MaxFiles {
		t.Errorf("%d stored after the purge", n)
	}
	var buf bytes.Buffer
	if _, err := s.File(ctx, nil, a.Number, "plan.png", &buf); err != nil || !bytes.HasSuffix(buf.Bytes(), []byte("new")) {
		t.Errorf("version 1's plan after the purge: %v %q", err, buf.Bytes())
	}
	files, err := s.Files(ctx, writerIT, a.Number)
	if err != nil || len(files) != 2 {
		t.Errorf("files after the purge: %v %+v", err, files)
	}
	// An article deleted (by a data subject's request, say) takes its
	// files with it.
	if err := st.Delete(ctx, knowledge.ArticlesCollection, b.Number); err != nil {
		t.Fatal(err)
	}
	if n, err := s.PurgeFiles(ctx, clock.Now()); err != nil || n != knowledge.MaxFiles {
		t.Errorf("the purge of a deleted article's files deleted %d: %v", n, err)
	}
	if n := stored(); n != 2 {
		t.Errorf("%d stored after the deleted article's purge", n)
	}
	if n, err := s.PurgeFiles(ctx, clock.Now()); err != nil || n != 0 {
		t.Errorf("a second purge deleted %d: %v", n, err)
	}
}

// countDocs counts the documents of coll in st.
func countDocs(t *testing.T, st *store.Store, coll string) int64 {
	t.Helper()
	n, err := st.DB().Collection(coll).CountDocuments(t.Context(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
