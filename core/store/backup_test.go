package store

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"vorgang/core/ticket"
)

// extraCollection is a collection the store does not know: a backup must
// carry it all the same.
const extraCollection = "x_archive"

// seedBackupSource fills s with tickets written through the store (created
// and updated), numbers, and documents of awkward types in a collection the
// store does not know, with an index of its own. (FerretDB refuses arrays
// directly inside arrays and Decimal128, so those are not here.)
func seedBackupSource(t *testing.T, s *Store) []*ticket.Ticket {
	t.Helper()
	ctx := t.Context()
	all := seedQueryTickets(t, s, 24)
	for i, tk := range all[:6] {
		tk.State = "in_progress"
		tk.Assignee = "carla"
		tk.Ext = map[string]any{"sla": map[string]any{"started": time.Date(2026, 11, 27, 8, 0, 0, 123e6, time.UTC), "paused_ms": int64(1) << 40}}
		if err := s.UpdateTicket(ctx, tk, &ticket.HistoryEntry{Actor: "carla", Type: "transition", Data: map[string]any{"to": "in_progress", "n": int32(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		if _, err := s.NextNumber(ctx, "it-incident/2026"); err != nil {
			t.Fatal(err)
		}
	}
	// Three chunks of binary content.
	content := bytes.Repeat([]byte{0, 0xff, '\n', 'x'}, AttachmentChunkSize/2+250)
	if err := s.PutAttachment(ctx, &Attachment{ID: "att-1", Name: "scan.pdf", ContentType: "application/pdf", Ticket: all[0].Number,
		Created: time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)}, bytes.NewReader(content), 1<<20); err != nil {
		t.Fatal(err)
	}

	oid, _ := primitive.ObjectIDFromHex("65a1b2c3d4e5f60718293a4b")
	docs := []any{
		bson.D{{Key: "_id", Value: "numbers"}, {Key: "i32", Value: int32(-7)}, {Key: "i64", Value: int64(math.MaxInt64)},
			{Key: "i64small", Value: int64(3)}, {Key: "f", Value: 0.1}, {Key: "negzero", Value: math.Copysign(0, -1)},
			{Key: "big", Value: 1.7976931348623157e308}, {Key: "tiny", Value: 5e-324}, {Key: "whole", Value: 2.0}},
		bson.D{{Key: "_id", Value: oid}, {Key: "before1970", Value: primitive.NewDateTimeFromTime(time.Date(1969, 7, 20, 20, 17, 40, 123e6, time.UTC))},
			{Key: "now", Value: primitive.DateTime(1764234000456)},
			{Key: "nested", Value: bson.D{{Key: "a", Value: bson.D{{Key: "b", Value: bson.A{int32(1), "two", bson.D{{Key: "three", Value: int64(3)}, {Key: "list", Value: bson.A{bson.D{}, "x"}}}, bson.D{}}}}}}},
			{Key: "empty_doc", Value: bson.D{}}, {Key: "empty_array", Value: bson.A{}}, {Key: "null", Value: nil}, {Key: "yes", Value: true}},
		bson.D{{Key: "_id", Value: int64(42)}, {Key: "bin", Value: primitive.Binary{Subtype: 0, Data: []byte{0, 1, 2, 0xfe, 0xff}}},
			{Key: "uuid", Value: primitive.Binary{Subtype: 4, Data: bytes.Repeat([]byte{0xab}, 16)}},
			{Key: "text", Value: "Zeile 1\nZeile 2\t\"zitiert\" \\ <b>&</b> Grüße 🚀 \u2028 \x01"},
			{Key: "ts", Value: primitive.Timestamp{T: 1764234000, I: 7}}, {Key: "re", Value: primitive.Regex{Pattern: "^INC-[0-9]+$", Options: "i"}},
			{Key: "ref", Value: "INC-2026-000100"}, {Key: "at", Value: int32(1)}},
		bson.D{{Key: "_id", Value: "z"}, {Key: "ref", Value: "INC-2026-000101"}, {Key: "at", Value: int32(2)}},
	}
	coll := s.DB().Collection(extraCollection)
	if _, err := coll.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.Indexes().CreateOne(ctx, mongo.IndexModel{
		Keys:    bson.D{{Key: "ref", Value: 1}, {Key: "at", Value: -1}},
		Options: options.Index().SetName("by_ref").SetUnique(true),
	}); err != nil {
		t.Fatal(err)
	}
	return all
}

// dumpDB reads every document of every collection of s, in the order the
// database returns them.
func dumpDB(t *testing.T, s *Store) map[string][]bson.Raw {
	t.Helper()
	ctx := t.Context()
	names, err := s.DB().ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]bson.Raw{}
	for _, name := range names {
		cur, err := s.DB().Collection(name).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		docs := []bson.Raw{}
		for cur.Next(ctx) {
			// The mark a restore leaves is the restore's own, not data
			// of the archive (TestRestoreMarksTheData).
			if id, ok := cur.Current.Lookup("_id").StringValueOK(); ok && name == metaCollection && id == restoredID {
				continue
			}
			docs = append(docs, slices.Clone(cur.Current))
		}
		if err := cur.Err(); err != nil {
			t.Fatal(err)
		}
		out[name] = docs
	}
	return out
}

// indexesOf lists the indexes of coll as "name key unique" lines.
func indexesOf(t *testing.T, s *Store, coll string) []string {
	t.Helper()
	specs, err := s.DB().Collection(coll).Indexes().ListSpecifications(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, sp := range specs {
		out = append(out, fmt.Sprintf("%s %s unique=%v", sp.Name, sp.KeysDocument, sp.Unique != nil && *sp.Unique))
	}
	slices.Sort(out)
	return out
}

func compareDBs(t *testing.T, want, got map[string][]bson.Raw) {
	t.Helper()
	for name, docs := range want {
		gotDocs, ok := got[name]
		if !ok {
			t.Errorf("collection %s missing after restore", name)
			continue
		}
		if len(gotDocs) != len(docs) {
			t.Errorf("%s: %d documents after restore, want %d", name, len(gotDocs), len(docs))
			continue
		}
		for i := range docs {
			if !bytes.Equal(docs[i], gotDocs[i]) {
				t.Errorf("%s document %d differs\n got %s\nwant %s", name, i, gotDocs[i], docs[i])
			}
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("unexpected collection %s after restore", name)
		}
	}
}

func backupOf(t *testing.T, s *Store) ([]byte, BackupInfo) {
	t.Helper()
	var buf bytes.Buffer
	info, err := s.Backup(t.Context(), &buf)
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	return buf.Bytes(), info
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	ctx := t.Context()
	src := openEmbedded(t, t.TempDir())
	all := seedBackupSource(t, src)
	before := dumpDB(t, src)
	archive, binfo := backupOf(t, src)

	m := binfo.Manifest
	if m.Format != BackupFormat || m.Version != BackupFormatVersion || m.Source.Mode != ModeEmbedded || binfo.Bytes != int64(len(archive)) {
		t.Fatalf("backup info = %+v (archive %d bytes)", binfo, len(archive))
	}
	if m.Collections[0].Name != TicketsCollection || m.Collections[1].Name != AttachmentsCollection {
		t.Errorf("collections begin with %s, %s; want tickets, attachments", m.Collections[0].Name, m.Collections[1].Name)
	}
	var total int64
	for _, c := range m.Collections {
		if c.Documents != int64(len(before[c.Name])) {
			t.Errorf("manifest: %s has %d documents, want %d", c.Name, c.Documents, len(before[c.Name]))
		}
		total += c.Documents
	}
	if len(m.Collections) != len(before) || total != binfo.Documents {
		t.Errorf("manifest lists %d collections with %d documents; database has %d collections, info says %d documents",
			len(m.Collections), total, len(before), binfo.Documents)
	}

	dst := openEmbedded(t, t.TempDir())
	// Load the counts before the restore: the restore must make them stale.
	if c, err := dst.Counts(ctx); err != nil || len(c) != 0 {
		t.Fatalf("counts of the empty store: %v, %v", c, err)
	}
	rinfo, err := dst.Restore(ctx, bytes.NewReader(archive), RestoreOptions{BatchSize: 7})
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if rinfo.Documents != binfo.Documents || rinfo.Bytes != int64(len(archive)) {
		t.Errorf("restore info: %d documents, %d bytes; want %d, %d", rinfo.Documents, rinfo.Bytes, binfo.Documents, len(archive))
	}
	compareDBs(t, before, dumpDB(t, dst))
	for name := range before {
		if got, want := indexesOf(t, dst, name), indexesOf(t, src, name); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("indexes of %s\n got %v\nwant %v", name, got, want)
		}
	}
	if !dst.Instance().CreatedAt.Equal(src.Instance().CreatedAt) {
		t.Errorf("instance created %v, want the source's %v", dst.Instance().CreatedAt, src.Instance().CreatedAt)
	}

	t.Run("queries", func(t *testing.T) {
		for _, q := range []ticket.Query{{Team: "it-1st-level"}, {Team: "buergerbuero"}, {Assignee: "carla"}, {Requester: "dora"}} {
			want, _, err := src.Inbox(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := dst.Inbox(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("inbox %+v\n got %v\nwant %v", q, got, want)
			}
		}
		want, err := src.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got, err := dst.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("counts\n got %v\nwant %v", got, want)
		}
		wantDue, _ := src.DueBefore(ctx, ticket.NoDue, "", MaxPage)
		gotDue, err := dst.DueBefore(ctx, ticket.NoDue, "", MaxPage)
		if err != nil || fmt.Sprint(gotDue) != fmt.Sprint(wantDue) {
			t.Errorf("due before: %v\n got %v\nwant %v", err, gotDue, wantDue)
		}
		if n, err := dst.TicketByTracking(ctx, "trk-8"); err != nil || n != all[8].Number {
			t.Errorf("by tracking: %q, %v; want %s", n, err, all[8].Number)
		}
		tk, err := dst.Ticket(ctx, all[0].Number)
		if err != nil {
			t.Fatal(err)
		}
		if hist, err := dst.History(ctx, tk); err != nil || len(hist) != 2 {
			t.Errorf("history of %s: %d entries, %v; want 2", tk.Number, len(hist), err)
		}
		a, err := dst.Attachment(ctx, "att-1")
		if err != nil {
			t.Fatal(err)
		}
		var content bytes.Buffer
		if err := dst.WriteAttachment(ctx, a, &content); err != nil || content.Len() != 2*AttachmentChunkSize+1000 || a.Chunks != 3 {
			t.Errorf("attachment after restore: %d bytes in %d chunks, %v", content.Len(), a.Chunks, err)
		}
		if n, err := dst.NextNumber(ctx, "it-incident/2026"); err != nil || n != 4 {
			t.Errorf("next number after restore = %d, %v; want 4", n, err)
		}
	})

	t.Run("writes", func(t *testing.T) {
		// The counts follow writes after a restore.
		tk := newTicket("INC-2026-009999")
		if err := dst.CreateTicket(ctx, tk, &ticket.HistoryEntry{Type: "created"}); err != nil {
			t.Fatal(err)
		}
		counts, err := dst.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := dst.countOpen(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(counts) != fmt.Sprint(fresh) {
			t.Errorf("cached counts %v, counted %v", counts, fresh)
		}
		if err := dst.Insert(ctx, extraCollection, bson.D{{Key: "_id", Value: "dup"}, {Key: "ref", Value: "INC-2026-000101"}, {Key: "at", Value: int32(2)}}); !errors.Is(err, ErrDuplicate) {
			t.Errorf("insert against the restored unique index: err = %v, want ErrDuplicate", err)
		}
	})
}

// rewriteArchive decompresses archive, lets edit change the entries (name →
// content, in order) and compresses it again.
func rewriteArchive(t *testing.T, archive []byte, edit func(names []string, files map[string][]byte) []string) []byte {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var names []string
	files := map[string][]byte{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		files[h.Name] = b
	}
	names = edit(names, files)
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	tw := tar.NewWriter(zw)
	for _, name := range names {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Size: int64(len(files[name])), Mode: 0o600}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(files[name]); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// editManifest changes the decoded manifest of an archive.
func editManifest(t *testing.T, files map[string][]byte, edit func(m *BackupManifest)) {
	t.Helper()
	var m BackupManifest
	if err := json.Unmarshal(files[backupManifestName], &m); err != nil {
		t.Fatal(err)
	}
	edit(&m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	files[backupManifestName] = b
}

func TestRestoreRefusesInvalidArchive(t *testing.T) {
	src := openEmbedded(t, t.TempDir())
	seedBackupSource(t, src)
	archive, _ := backupOf(t, src)

	flip := func(file string, at func(b []byte) int) []byte {
		return rewriteArchive(t, archive, func(names []string, files map[string][]byte) []string {
			b := files[file]
			b[at(b)] ^= 0x01
			return names
		})
	}
	tests := []struct {
		name    string
		archive []byte
		want    string
	}{
		{"byte flipped in tickets", flip("tickets.jsonl", func(b []byte) int { return bytes.Index(b, []byte("it-1st")) }), "checksum mismatch"},
		{"byte flipped in unknown collection", flip(extraCollection+".jsonl", func(b []byte) int { return len(b) / 2 }), ""},
		{"truncated", archive[:len(archive)-200], ""},
		{"last bytes cut", archive[:len(archive)-4], ""},
		{"not gzip", []byte("tickets\n"), "not a gzip file"},
		{"empty", nil, "not a gzip file"},
		{"manifest not first", rewriteArchive(t, archive, func(names []string, _ map[string][]byte) []string {
			return append(names[1:], names[0])
		}), "first entry"},
		{"file missing", rewriteArchive(t, archive, func(names []string, _ map[string][]byte) []string {
			return slices.DeleteFunc(names, func(n string) bool { return n == "history.jsonl" })
		}), "history.jsonl is missing"},
		{"extra file", rewriteArchive(t, archive, func(names []string, files map[string][]byte) []string {
			files["users.jsonl"] = []byte(`{"_id":"eve"}` + "\n")
			return append(names, "users.jsonl")
		}), "unexpected entry"},
		{"document count", rewriteArchive(t, archive, func(names []string, files map[string][]byte) []string {
			editManifest(t, files, func(m *BackupManifest) { m.Collections[0].Documents++ })
			return names
		}), "the manifest says"},
		{"newer format", rewriteArchive(t, archive, func(names []string, files map[string][]byte) []string {
			editManifest(t, files, func(m *BackupManifest) { m.Version = 2 })
			return names
		}), "format version 2"},
		{"document without _id, checksum fixed", rewriteArchive(t, archive, func(names []string, files map[string][]byte) []string {
			line := []byte(`{"ref":"x"}` + "\n")
			files[extraCollection+".jsonl"] = append(files[extraCollection+".jsonl"], line...)
			editManifest(t, files, func(m *BackupManifest) {
				for i, c := range m.Collections {
					if c.Name == extraCollection {
						m.Collections[i].Documents++
						m.Collections[i].Bytes += int64(len(line))
						m.Collections[i].SHA256 = sha256Hex(files[c.File])
					}
				}
			})
			return names
		}), "has no _id"},
	}

	// One target for every case: a refused restore must leave it as it was.
	dst := openEmbedded(t, t.TempDir())
	empty := dumpDB(t, dst)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dst.Restore(t.Context(), bytes.NewReader(tt.archive), RestoreOptions{})
			if !errors.Is(err, ErrInvalidBackup) {
				t.Fatalf("err = %v, want ErrInvalidBackup", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
			compareDBs(t, empty, dumpDB(t, dst))
		})
	}
	// The same target takes the intact archive.
	if _, err := dst.Restore(t.Context(), bytes.NewReader(archive), RestoreOptions{}); err != nil {
		t.Fatalf("intact archive: %v", err)
	}
}

func TestRestoreIntoNonEmptyDatabase(t *testing.T) {
	ctx := t.Context()
	src := openEmbedded(t, t.TempDir())
	seedBackupSource(t, src)
	want := dumpDB(t, src)
	archive, _ := backupOf(t, src)

	dst := openEmbedded(t, t.TempDir())
	if err := dst.CreateTicket(ctx, newTicket("INC-2026-777777"), &ticket.HistoryEntry{Type: "created"}); err != nil {
		t.Fatal(err)
	}
	// Numbers drawn before the restore must not outlive it in the cache.
	for range 5 {
		if _, err := dst.NextNumber(ctx, "it-incident/2026"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := dst.Counts(ctx); err != nil {
		t.Fatal(err)
	}
	before := dumpDB(t, dst)
	_, err := dst.Restore(ctx, bytes.NewReader(archive), RestoreOptions{})
	if !errors.Is(err, ErrNotEmpty) || !strings.Contains(err.Error(), "tickets") {
		t.Fatalf("restore into a store with tickets: err = %v, want ErrNotEmpty naming tickets", err)
	}
	compareDBs(t, before, dumpDB(t, dst))

	if _, err := dst.Restore(ctx, bytes.NewReader(archive), RestoreOptions{Replace: true}); err != nil {
		t.Fatalf("restore with Replace: %v", err)
	}
	compareDBs(t, want, dumpDB(t, dst))
	if n, err := dst.NextNumber(ctx, "it-incident/2026"); err != nil || n != 4 {
		t.Errorf("next number after restore = %d, %v; want 4", n, err)
	}
	if _, err := dst.Ticket(ctx, "INC-2026-777777"); !errors.Is(err, ErrNotFound) {
		t.Errorf("the replaced ticket is still there: %v", err)
	}
	got, err := dst.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantCounts, _ := src.Counts(ctx)
	if fmt.Sprint(got) != fmt.Sprint(wantCounts) {
		t.Errorf("counts after replace\n got %v\nwant %v", got, wantCounts)
	}
}

// An index the target cannot build (FerretDB refuses TTL indexes, which a
// MongoDB backup may have) stops the restore before any document is
// written; the intact archive then restores with Replace.
func TestRestoreStopsBeforeDocumentsOnRefusedIndex(t *testing.T) {
	ctx := t.Context()
	src := openEmbedded(t, t.TempDir())
	seedBackupSource(t, src)
	want := dumpDB(t, src)
	archive, _ := backupOf(t, src)
	ttl := rewriteArchive(t, archive, func(names []string, files map[string][]byte) []string {
		editManifest(t, files, func(m *BackupManifest) {
			last := len(m.Collections) - 1 // x_archive: the last collection, after tickets
			if m.Collections[last].Name != extraCollection {
				t.Fatalf("last collection %s", m.Collections[last].Name)
			}
			m.Collections[last].Indexes = append(m.Collections[last].Indexes,
				json.RawMessage(`{"v":{"$numberInt":"2"},"key":{"at":{"$numberInt":"1"}},"name":"at_1","expireAfterSeconds":{"$numberInt":"3600"}}`))
		})
		return names
	})

	dst := openEmbedded(t, t.TempDir())
	_, err := dst.Restore(ctx, bytes.NewReader(ttl), RestoreOptions{})
	if err == nil || errors.Is(err, ErrInvalidBackup) || !strings.Contains(err.Error(), extraCollection) {
		t.Fatalf("restore with a TTL index on the embedded store: err = %v, want a create-index error naming %s", err, extraCollection)
	}
	for name, docs := range dumpDB(t, dst) {
		if name != metaCollection && len(docs) > 0 {
			t.Errorf("%s has %d documents after the failed restore", name, len(docs))
		}
	}
	if _, err := dst.Restore(ctx, bytes.NewReader(archive), RestoreOptions{Replace: true}); err != nil {
		t.Fatalf("restore again with Replace: %v", err)
	}
	compareDBs(t, want, dumpDB(t, dst))
}

func TestDataDirHelpers(t *testing.T) {
	dir := t.TempDir()
	if HasEmbeddedData(dir) || DataDirInUse(dir) {
		t.Fatal("an empty directory has data or is in use")
	}
	s := openEmbedded(t, dir)
	if !HasEmbeddedData(dir) || !DataDirInUse(dir) {
		t.Error("an open store's directory: no data or not in use")
	}
	closeStore(t, s)
	if DataDirInUse(dir) {
		t.Error("in use after Close")
	}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
