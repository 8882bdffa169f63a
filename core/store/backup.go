package store

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"golang.org/x/sync/errgroup"
)

// A backup is a gzip-compressed tar archive of every collection of the
// database:
//
//	manifest.json       the first entry, a BackupManifest
//	<collection>.jsonl  one entry per collection, in manifest order: one
//	                    document per line in canonical MongoDB Extended JSON
//
// Canonical Extended JSON keeps every BSON type apart (int32, int64 and
// double, datetimes, binary, object ids), so a restore writes back exactly
// the documents the backup read, field order included, and the files stay
// readable by other MongoDB tools. The manifest holds a SHA-256 and a
// document count per file; Restore checks all of them before it writes
// anything.
//
// The same archive restores on both backends, which is how a city moves from
// the embedded store to MongoDB: back up the data directory, restore into a
// store opened with a MongoDB URI.
//
// Consistency. Neither FerretDB nor vorgang has transactions, so how
// consistent a backup is depends on the backend:
//
//   - Embedded store: the backup is of one instant. SQLite's online backup
//     API copies the database file inside one read transaction, which in
//     WAL mode does not block the writers, and the archive is written from
//     that copy (backupSnapshot). It works from the serving process (the
//     scheduled backup) and from another one (vorgang backup) alike. The
//     copy holds exactly what a crash at that instant would have left, and
//     vorgang's writes are ordered so that such a state is consistent: a
//     ticket's history entry is written before the ticket, and readers show
//     entries up to the ticket's version only (ticket_write.go).
//   - MongoDB: other vorgang processes may write during a backup. Backup
//     reads one collection after the other, each with one cursor; each
//     document is read whole, but documents written during the backup may
//     or may not be in it, and there is no single point in time the backup
//     shows. The order of the collections keeps the references that matter
//     (see backupOrder). For a point-in-time copy of a live replica set use
//     mongodump --oplog or a storage snapshot; this archive is for moving
//     data between backends and for backups while vorgang is stopped.

// Backup format identifiers written to and checked in the manifest.
const (
	BackupFormat        = "vorgang-backup"
	BackupFormatVersion = 1
)

const (
	backupManifestName = "manifest.json"
	backupFileSuffix   = ".jsonl"
	// maxManifestBytes bounds what Restore reads into memory for the manifest.
	maxManifestBytes = 64 << 20
	// maxBackupLine bounds one document's line. BSON documents are at most
	// 16 MiB; Extended JSON escapes can make a string up to six times longer.
	maxBackupLine = 112 << 20
	// maxBSONDocument is MongoDB's document size limit plus room for the
	// driver's own overhead.
	maxBSONDocument = 16<<20 + 16<<10
	// Restore inserts in batches of at most this many bytes.
	restoreBatchBytes = 8 << 20
)

// DefaultRestoreBatch is the number of documents per InsertMany when
// RestoreOptions.BatchSize is zero.
const DefaultRestoreBatch = 500

// ErrInvalidBackup reports an archive that is not a vorgang backup or does
// not match its manifest (truncated, corrupt, edited).
var ErrInvalidBackup = errors.New("invalid backup archive")

// ErrNotEmpty reports that Restore was asked to write into a database that
// already holds data, without RestoreOptions.Replace.
var ErrNotEmpty = errors.New("database not empty")

// BackupManifest is manifest.json, the first entry of a backup archive.
type BackupManifest struct {
	// Format is BackupFormat; Version is the format version.
	Format  string `json:"format"`
	Version int    `json:"version"`
	// Created is when the backup started (UTC).
	Created time.Time `json:"created"`
	// Source describes the database the backup was taken from.
	Source BackupSource `json:"source"`
	// Collections lists every collection in archive order.
	Collections []BackupCollection `json:"collections"`
}

// BackupSource describes the database a backup was taken from.
type BackupSource struct {
	Mode     string `json:"mode"` // ModeEmbedded or ModeMongoDB
	Database string `json:"database"`
	// InstanceCreated is the instance document's creation time, which a
	// restore carries over.
	InstanceCreated time.Time `json:"instance_created"`
}

// BackupCollection describes one collection file of an archive.
type BackupCollection struct {
	Name      string `json:"name"`
	File      string `json:"file"`
	Documents int64  `json:"documents"`
	Bytes     int64  `json:"bytes"`
	SHA256    string `json:"sha256"`
	// Indexes are the collection's index specifications as listIndexes
	// returned them, each in canonical Extended JSON.
	Indexes []json.RawMessage `json:"indexes"`
}

// BackupInfo summarises a backup Backup wrote.
type BackupInfo struct {
	Manifest  BackupManifest
	Documents int64 // in all collections
	Bytes     int64 // size of the archive
}

// RestoreOptions configures Restore.
type RestoreOptions struct {
	// Replace allows restoring into a database that holds data: every
	// collection in the archive is dropped first. Collections of the
	// database that are not in the archive are left as they are.
	Replace bool

	// TempDir is where Restore keeps the verified documents until it writes
	// them; it needs about the uncompressed size of the archive. Default:
	// os.TempDir().
	TempDir string

	// BatchSize is the number of documents per InsertMany. Default:
	// DefaultRestoreBatch.
	BatchSize int
}

// RestoreInfo summarises what Restore wrote.
type RestoreInfo struct {
	// Manifest is the archive's manifest.
	Manifest  BackupManifest
	Documents int64 // inserted, in all collections
	Indexes   int   // created from the manifest
	Bytes     int64 // size of the archive read
}

// Backup writes an archive of every collection of the database to w (see
// the format and the consistency notes above): BackupWith with the default
// options.
func (s *Store) Backup(ctx context.Context, w io.Writer) (BackupInfo, error) {
	return s.BackupWith(ctx, w, BackupOptions{})
}

// BackupOptions configures BackupWith and BackupDataDir.
type BackupOptions struct {
	// TempDir is where the backup keeps its working copies: on the
	// embedded store a snapshot of the database file (about its size),
	// and the collection files (about the uncompressed size of the
	// archive), because a tar entry's size must be known before its
	// content and the manifest goes first. Default: os.TempDir().
	TempDir string
}

// BackupWith writes an archive of every collection of the database to w.
// On the embedded store it archives a snapshot of the database taken at
// one instant while writes go on (see backupSnapshot); on MongoDB it reads
// the live collections one after the other.
func (s *Store) BackupWith(ctx context.Context, w io.Writer, opts BackupOptions) (BackupInfo, error) {
	if s.embedded != nil {
		return backupSnapshot(ctx, s.embedded.sqliteFile, s.db.Name(), s.log, opts, w)
	}
	return s.dump(ctx, w, time.Now(), opts.TempDir, 1)
}

// dump writes an archive of the collections as they are read now, stamped
// with created, reading up to readers collections at once. Only a
// database nobody writes to may be read in parallel: on a live one the
// collections must be read in backupOrder, one after the other.
func (s *Store) dump(ctx context.Context, w io.Writer, created time.Time, tempDir string, readers int) (BackupInfo, error) {
	names, err := s.backupCollectionNames(ctx)
	if err != nil {
		return BackupInfo{}, err
	}
	tmp, err := os.MkdirTemp(tempDir, "vorgang-backup-")
	if err != nil {
		return BackupInfo{}, fmt.Errorf("store: backup: %w", err)
	}
	defer os.RemoveAll(tmp)

	m := BackupManifest{
		Format:  BackupFormat,
		Version: BackupFormatVersion,
		Created: created.UTC().Truncate(time.Millisecond),
		Source:  BackupSource{Mode: s.mode, Database: s.db.Name(), InstanceCreated: s.instance.CreatedAt},
		// A database without collections still lists them: as [], not null.
		Collections: []BackupCollection{},
	}
	info := BackupInfo{}
	files := make([]string, len(names))
	colls := make([]BackupCollection, len(names))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, readers))
	for i, name := range names {
		files[i] = filepath.Join(tmp, fmt.Sprintf("%04d%s", i, backupFileSuffix))
		g.Go(func() error {
			c, err := s.dumpCollection(gctx, name, files[i])
			if err != nil {
				return fmt.Errorf("store: backup of %s: %w", name, err)
			}
			colls[i] = c
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return BackupInfo{}, err
	}
	for _, c := range colls {
		m.Collections = append(m.Collections, c)
		info.Documents += c.Documents
	}

	cw := &countingWriter{w: w}
	if err := writeArchive(cw, m, files); err != nil {
		return BackupInfo{}, fmt.Errorf("store: backup: write archive: %w", err)
	}
	info.Manifest = m
	info.Bytes = cw.n
	return info, nil
}

// backupOrder are the collections a backup reads first, in this order; the
// others follow by name. vorgang writes what a document refers to before the
// document (a ticket's history entry and number claim before the ticket, an
// attachment's chunks before the attachment), and nothing it refers to is
// ever deleted while referenced, so reading the referring collection first
// means that a backup taken during writes has everything its tickets and
// attachments refer to.
var backupOrder = []string{TicketsCollection, AttachmentsCollection}

// backupCollectionNames lists every collection of the database in
// backupOrder. Collections the server keeps for itself (system.*) are left
// out; views and other kinds are refused rather than silently skipped.
func (s *Store) backupCollectionNames(ctx context.Context) ([]string, error) {
	specs, err := s.db.ListCollectionSpecifications(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("store: backup: list collections: %w", err)
	}
	var names []string
	for _, spec := range specs {
		if strings.HasPrefix(spec.Name, "system.") {
			continue
		}
		if spec.Type != "" && spec.Type != "collection" {
			return nil, fmt.Errorf("store: backup: %s is a %s; only collections can be backed up", spec.Name, spec.Type)
		}
		names = append(names, spec.Name)
	}
	slices.SortFunc(names, byBackupOrder)
	return names, nil
}

// byBackupOrder orders collection names as backupOrder says.
func byBackupOrder(a, b string) int {
	rank := func(name string) int {
		if i := slices.Index(backupOrder, name); i >= 0 {
			return i
		}
		return len(backupOrder)
	}
	if c := rank(a) - rank(b); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// dumpCollection writes the documents of coll to path, one canonical
// Extended JSON document per line, and describes the file.
func (s *Store) dumpCollection(ctx context.Context, coll, path string) (BackupCollection, error) {
	c := BackupCollection{Name: coll, File: coll + backupFileSuffix, Indexes: []json.RawMessage{}}

	ixCur, err := s.db.Collection(coll).Indexes().List(ctx)
	if err != nil {
		return c, fmt.Errorf("list indexes: %w", err)
	}
	for ixCur.Next(ctx) {
		spec, err := bson.MarshalExtJSON(ixCur.Current, true, false)
		if err != nil {
			_ = ixCur.Close(ctx)
			return c, fmt.Errorf("encode index: %w", err)
		}
		c.Indexes = append(c.Indexes, spec)
	}
	if err := ixCur.Err(); err != nil {
		_ = ixCur.Close(ctx)
		return c, fmt.Errorf("list indexes: %w", err)
	}
	_ = ixCur.Close(ctx)

	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return c, err
	}
	defer f.Close()
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<16)

	// write takes one document's Extended JSON and adds the newline.
	write := func(line []byte) error {
		if _, err := bw.Write(line); err != nil {
			return err
		}
		if err := bw.WriteByte('\n'); err != nil {
			return err
		}
		c.Documents++
		c.Bytes += int64(len(line)) + 1
		return nil
	}
	if s.snapshotSQL != nil {
		if err := snapshotRows(ctx, s.snapshotSQL, coll, write); err != nil {
			return c, fmt.Errorf("read documents: %w", err)
		}
	} else {
		cur, err := s.db.Collection(coll).Find(ctx, bson.D{})
		if err != nil {
			return c, fmt.Errorf("read documents: %w", err)
		}
		defer cur.Close(ctx)
		for cur.Next(ctx) {
			line, err := bson.MarshalExtJSON(cur.Current, true, false)
			if err != nil {
				return c, fmt.Errorf("encode document %d: %w", c.Documents+1, err)
			}
			if err := write(line); err != nil {
				return c, err
			}
		}
		if err := cur.Err(); err != nil {
			return c, fmt.Errorf("read documents: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return c, err
	}
	c.SHA256 = hex.EncodeToString(h.Sum(nil))
	return c, f.Close()
}

// writeArchive writes the manifest and the collection files as a tar.gz.
func writeArchive(w io.Writer, m BackupManifest, files []string) error {
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	manifest = append(manifest, '\n')

	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	modTime := m.Created.Truncate(time.Second)
	entry := func(name string, size int64) error {
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: 0o600, ModTime: modTime})
	}
	if err := entry(backupManifestName, int64(len(manifest))); err != nil {
		return err
	}
	if _, err := tw.Write(manifest); err != nil {
		return err
	}
	for i, c := range m.Collections {
		if err := entry(c.File, c.Bytes); err != nil {
			return err
		}
		f, err := os.Open(files[i])
		if err != nil {
			return err
		}
		_, err = io.Copy(tw, f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", c.File, err)
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

// Restore writes the collections of a backup archive into the database.
//
// It first reads the whole archive and checks it against its manifest
// (format, every file present, document counts, SHA-256 checksums, every
// line a document with an _id); a bad archive returns an error wrapping
// ErrInvalidBackup with nothing written. It then refuses, with an error
// wrapping ErrNotEmpty, a database that holds any document other than its
// instance document, unless opts.Replace is set. Then, per collection in
// archive order: drop, create, create the manifest's indexes; then the
// documents of each collection in ordered batches.
//
// The instance document comes from the archive, so Instance reports the
// original creation time afterwards. The store's own collections and
// indexes are checked again and its caches are reset, so the Store is
// ready for use when Restore returns. Restore must not run while the store
// serves other writes. If writing fails half-way, the database is partly
// restored: fix the cause and restore again with Replace.
func (s *Store) Restore(ctx context.Context, r io.Reader, opts RestoreOptions) (RestoreInfo, error) {
	b, err := ReadBackup(ctx, r, opts.TempDir)
	if err != nil {
		return RestoreInfo{}, fmt.Errorf("store: restore: %w", err)
	}
	defer b.Close()
	return s.RestoreVerified(ctx, b, opts)
}

// VerifiedBackup is an archive ReadBackup has read and checked completely.
// Its documents wait in a temporary folder until Close.
type VerifiedBackup struct {
	a   *spooledBackup
	dir string
}

// ReadBackup reads and checks a whole archive as Restore does, without a
// database: a tool can refuse a bad archive before it opens (and so
// creates) a store. tempDir is as RestoreOptions.TempDir. Close the
// result.
func ReadBackup(ctx context.Context, r io.Reader, tempDir string) (*VerifiedBackup, error) {
	tmp, err := os.MkdirTemp(tempDir, "vorgang-restore-")
	if err != nil {
		return nil, fmt.Errorf("store: read backup: %w", err)
	}
	a, err := readBackup(ctx, r, tmp)
	if err != nil {
		_ = os.RemoveAll(tmp)
		return nil, err
	}
	return &VerifiedBackup{a: a, dir: tmp}, nil
}

// Manifest returns the archive's manifest.
func (b *VerifiedBackup) Manifest() BackupManifest { return b.a.manifest }

// Close removes the temporary copy of the documents.
func (b *VerifiedBackup) Close() error { return os.RemoveAll(b.dir) }

// RestoreVerified is Restore of an archive ReadBackup has checked.
func (s *Store) RestoreVerified(ctx context.Context, b *VerifiedBackup, opts RestoreOptions) (RestoreInfo, error) {
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultRestoreBatch
	}
	a := b.a
	info := RestoreInfo{Manifest: a.manifest, Bytes: a.bytes}

	if !opts.Replace {
		if err := s.checkEmpty(ctx); err != nil {
			return info, err
		}
	}
	// All collections and indexes first: an index the target cannot build
	// (FerretDB refuses TTL and partial indexes) then fails before any
	// document is written.
	for _, c := range a.manifest.Collections {
		n, err := s.prepareCollection(ctx, c)
		info.Indexes += n
		if err != nil {
			s.resetCaches()
			return info, fmt.Errorf("store: restore %s (the collections of the archive may now be empty): %w", c.Name, err)
		}
	}
	for _, c := range a.manifest.Collections {
		n, err := s.insertDocuments(ctx, c, a.files[c.Name], opts.BatchSize)
		info.Documents += n
		if err != nil {
			s.resetCaches()
			return info, fmt.Errorf("store: restore %s (the database is now partly restored): %w", c.Name, err)
		}
	}
	if err := s.afterRestore(ctx); err != nil {
		return info, fmt.Errorf("store: restore: %w", err)
	}
	if err := s.markRestored(ctx); err != nil {
		return info, fmt.Errorf("store: restore: %w", err)
	}
	return info, nil
}

// spooledBackup is a verified archive: its manifest and, per collection,
// a file of the documents as concatenated BSON.
type spooledBackup struct {
	manifest BackupManifest
	files    map[string]string // collection → spool file
	bytes    int64
}

// readBackup reads and verifies an archive, keeping the documents in dir.
// Every error it returns wraps ErrInvalidBackup, except context errors and
// failures to write the spool files.
func readBackup(ctx context.Context, r io.Reader, dir string) (*spooledBackup, error) {
	invalid := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidBackup, fmt.Sprintf(format, args...))
	}
	cr := &countingReader{r: r}
	gz, err := gzip.NewReader(bufio.NewReaderSize(cr, 1<<16))
	if err != nil {
		return nil, invalid("not a gzip file: %v", err)
	}
	tr := tar.NewReader(gz)

	hdr, err := tr.Next()
	if err != nil {
		return nil, invalid("read archive: %v", err)
	}
	if hdr.Name != backupManifestName {
		return nil, invalid("first entry is %q, want %s", hdr.Name, backupManifestName)
	}
	raw, err := io.ReadAll(io.LimitReader(tr, maxManifestBytes+1))
	if err != nil {
		return nil, invalid("read %s: %v", backupManifestName, err)
	}
	if len(raw) > maxManifestBytes {
		return nil, invalid("%s is larger than %d bytes", backupManifestName, maxManifestBytes)
	}
	a := &spooledBackup{files: map[string]string{}}
	if err := json.Unmarshal(raw, &a.manifest); err != nil {
		return nil, invalid("%s: %v", backupManifestName, err)
	}
	byFile, err := checkManifest(a.manifest)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalidBackup, backupManifestName, err)
	}

	for i := 0; ; i++ {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, invalid("read archive: %v", err)
		}
		c, ok := byFile[hdr.Name]
		if !ok {
			return nil, invalid("unexpected entry %q", hdr.Name)
		}
		if _, seen := a.files[c.Name]; seen {
			return nil, invalid("entry %q appears twice", hdr.Name)
		}
		if hdr.Typeflag != tar.TypeReg {
			return nil, invalid("entry %q is not a regular file", hdr.Name)
		}
		if hdr.Size != c.Bytes {
			return nil, invalid("%s has %d bytes, the manifest says %d", hdr.Name, hdr.Size, c.Bytes)
		}
		spool := filepath.Join(dir, fmt.Sprintf("%04d.bson", i))
		if err := spoolCollection(ctx, tr, c, spool); err != nil {
			return nil, err
		}
		a.files[c.Name] = spool
	}
	for _, c := range a.manifest.Collections {
		if _, ok := a.files[c.Name]; !ok {
			return nil, invalid("%s is missing", c.File)
		}
	}
	// The tar reader stops at the end-of-archive blocks; read on to the
	// gzip trailer so its checksum and length are verified too.
	if _, err := io.Copy(io.Discard, gz); err != nil {
		return nil, invalid("read archive: %v", err)
	}
	if err := gz.Close(); err != nil {
		return nil, invalid("read archive: %v", err)
	}
	a.bytes = cr.n
	return a, nil
}

// checkManifest validates a manifest and indexes its collections by file
// name.
func checkManifest(m BackupManifest) (map[string]BackupCollection, error) {
	if m.Format != BackupFormat {
		return nil, fmt.Errorf("format %q, want %q", m.Format, BackupFormat)
	}
	if m.Version != BackupFormatVersion {
		return nil, fmt.Errorf("format version %d, this vorgang reads version %d", m.Version, BackupFormatVersion)
	}
	byFile := make(map[string]BackupCollection, len(m.Collections))
	names := map[string]bool{}
	for _, c := range m.Collections {
		switch {
		case c.Name == "":
			return nil, errors.New("a collection without a name")
		case strings.HasPrefix(c.Name, "system."):
			return nil, fmt.Errorf("collection %s belongs to the server", c.Name)
		case names[c.Name]:
			return nil, fmt.Errorf("collection %s is listed twice", c.Name)
		case c.File != c.Name+backupFileSuffix:
			return nil, fmt.Errorf("collection %s: file %q, want %q", c.Name, c.File, c.Name+backupFileSuffix)
		case c.File == backupManifestName:
			return nil, fmt.Errorf("collection %s: file name clashes with the manifest", c.Name)
		case c.Documents < 0 || c.Bytes < 0:
			return nil, fmt.Errorf("collection %s: negative size", c.Name)
		}
		if sum, err := hex.DecodeString(c.SHA256); err != nil || len(sum) != sha256.Size {
			return nil, fmt.Errorf("collection %s: sha256 %q is not a SHA-256 in hex", c.Name, c.SHA256)
		}
		for i, raw := range c.Indexes {
			if _, err := parseIndexSpec(raw); err != nil {
				return nil, fmt.Errorf("collection %s: index %d: %w", c.Name, i+1, err)
			}
		}
		names[c.Name] = true
		byFile[c.File] = c
	}
	return byFile, nil
}

// spoolCollection checks one collection file against its manifest entry
// while converting its lines to BSON in the file spool.
func spoolCollection(ctx context.Context, r io.Reader, c BackupCollection, spool string) error {
	f, err := os.OpenFile(spool, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	out := bufio.NewWriterSize(f, 1<<16)

	h := sha256.New()
	br := bufio.NewReaderSize(io.TeeReader(r, h), 1<<16)
	var n int64
	for {
		line, err := readLine(br, maxBackupLine)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%w: %s line %d: %v", ErrInvalidBackup, c.File, n+1, err)
		}
		n++
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		var doc bson.Raw
		if err := bson.UnmarshalExtJSON(line, true, &doc); err != nil {
			return fmt.Errorf("%w: %s line %d: %v", ErrInvalidBackup, c.File, n, err)
		}
		if _, err := doc.LookupErr("_id"); err != nil {
			return fmt.Errorf("%w: %s line %d: document has no _id", ErrInvalidBackup, c.File, n)
		}
		if _, err := out.Write(doc); err != nil {
			return err
		}
	}
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, c.SHA256) {
		return fmt.Errorf("%w: %s: checksum mismatch (sha256 %s, the manifest says %s)", ErrInvalidBackup, c.File, got, c.SHA256)
	}
	if n != c.Documents {
		return fmt.Errorf("%w: %s has %d documents, the manifest says %d", ErrInvalidBackup, c.File, n, c.Documents)
	}
	if err := out.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// readLine returns the next line without its newline; io.EOF at the end.
// Every line, the last included, must end with a newline: a missing one
// means the file was cut short.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	var buf []byte
	for {
		part, err := br.ReadSlice('\n')
		if len(buf)+len(part) > max+1 {
			return nil, fmt.Errorf("line longer than %d bytes", max)
		}
		switch {
		case err == nil:
			if buf == nil {
				return part[:len(part)-1], nil
			}
			buf = append(buf, part...)
			return buf[:len(buf)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			buf = append(buf, part...)
		case errors.Is(err, io.EOF):
			if len(buf)+len(part) == 0 {
				return nil, io.EOF
			}
			return nil, errors.New("last line has no newline")
		default:
			return nil, err
		}
	}
}

// indexSpecOf is the part of an index specification Restore compares.
type indexSpecOf struct {
	Name string   `bson:"name"`
	Key  bson.Raw `bson:"key"`
}

// parseIndexSpec decodes one index specification of a manifest.
func parseIndexSpec(raw json.RawMessage) (bson.Raw, error) {
	var spec bson.Raw
	if err := bson.UnmarshalExtJSON(raw, true, &spec); err != nil {
		return nil, err
	}
	var ix indexSpecOf
	if err := bson.Unmarshal(spec, &ix); err != nil {
		return nil, err
	}
	if ix.Name == "" || len(ix.Key) <= 5 {
		return nil, errors.New("index without name or key")
	}
	return spec, nil
}

// checkEmpty returns an error wrapping ErrNotEmpty unless the database
// holds nothing but its instance document, which Open writes, and the
// probe document of Writable.
func (s *Store) checkEmpty(ctx context.Context) error {
	names, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return fmt.Errorf("store: restore: list collections: %w", err)
	}
	// Tickets first: they are what the error message should name.
	slices.SortFunc(names, byBackupOrder)
	for _, name := range names {
		if strings.HasPrefix(name, "system.") {
			continue
		}
		held, err := s.holdsData(ctx, name)
		if err != nil {
			return fmt.Errorf("store: restore: check that %s is empty: %w", name, err)
		}
		if !held {
			continue
		}
		if name == TicketsCollection {
			return fmt.Errorf("store: restore: %w: it already has tickets", ErrNotEmpty)
		}
		return fmt.Errorf("store: restore: %w: collection %s holds documents", ErrNotEmpty, name)
	}
	return nil
}

// holdsData reports whether collection name holds a document other than
// those the store writes by itself (in meta: the instance and the write
// probe).
func (s *Store) holdsData(ctx context.Context, name string) (bool, error) {
	own := map[string]bool{}
	if name == metaCollection {
		own = map[string]bool{instanceID: true, writeProbeID: true, restoredID: true}
	}
	cur, err := s.db.Collection(name).Find(ctx, bson.D{}, options.Find().SetLimit(int64(len(own)+1)).SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return false, err
	}
	var docs []struct {
		ID any `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return false, err
	}
	for _, d := range docs {
		if id, ok := d.ID.(string); !ok || !own[id] {
			return true, nil
		}
	}
	return false, nil
}

// prepareCollection replaces coll with an empty collection that has the
// archive's indexes, and returns how many indexes it created.
func (s *Store) prepareCollection(ctx context.Context, c BackupCollection) (int, error) {
	if err := s.db.Collection(c.Name).Drop(ctx); err != nil {
		return 0, fmt.Errorf("drop: %w", err)
	}
	if err := s.db.CreateCollection(ctx, c.Name); err != nil && !isNamespaceExists(err) {
		return 0, fmt.Errorf("create: %w", err)
	}
	return s.createMissingIndexes(ctx, c)
}

// insertDocuments inserts the spooled documents of c in ordered batches
// and returns how many it inserted.
func (s *Store) insertDocuments(ctx context.Context, c BackupCollection, spool string, batchSize int) (int64, error) {
	coll := s.db.Collection(c.Name)
	f, err := os.Open(spool)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	var (
		n          int64
		batch      []any
		batchBytes int
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		first := n + 1
		if _, err := coll.InsertMany(ctx, batch, options.InsertMany().SetOrdered(true)); err != nil {
			// An ordered insert stops at the first failing document.
			var bwe mongo.BulkWriteException
			if errors.As(err, &bwe) && len(bwe.WriteErrors) > 0 {
				n += int64(bwe.WriteErrors[0].Index)
			}
			return fmt.Errorf("insert documents %d to %d: %w", first, first+int64(len(batch))-1, err)
		}
		n += int64(len(batch))
		batch, batchBytes = batch[:0], 0
		return nil
	}
	for {
		doc, err := readBSON(br)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return n, fmt.Errorf("read spooled documents: %w", err)
		}
		if len(batch) > 0 && batchBytes+len(doc) > restoreBatchBytes {
			if err := flush(); err != nil {
				return n, err
			}
		}
		batch = append(batch, doc)
		batchBytes += len(doc)
		if len(batch) >= batchSize {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := flush(); err != nil {
		return n, err
	}
	if n != c.Documents {
		return n, fmt.Errorf("inserted %d documents, the archive has %d", n, c.Documents)
	}
	return n, nil
}

// readBSON reads one document of a spool file.
func readBSON(br *bufio.Reader) (bson.Raw, error) {
	var size [4]byte
	if _, err := io.ReadFull(br, size[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		return nil, err
	}
	n := int(binary.LittleEndian.Uint32(size[:]))
	if n < 5 || n > maxBSONDocument {
		return nil, fmt.Errorf("document of %d bytes", n)
	}
	doc := make([]byte, n)
	copy(doc, size[:])
	if _, err := io.ReadFull(br, doc[4:]); err != nil {
		return nil, err
	}
	return doc, nil
}

// createMissingIndexes creates the manifest's indexes that the collection
// lacks, by name and by key: FerretDB fails on a createIndexes that repeats
// an existing index, and MongoDB on one that renames it.
func (s *Store) createMissingIndexes(ctx context.Context, c BackupCollection) (int, error) {
	cur, err := s.db.Collection(c.Name).Indexes().List(ctx)
	if err != nil {
		return 0, fmt.Errorf("list indexes: %w", err)
	}
	var have []indexSpecOf
	if err := cur.All(ctx, &have); err != nil {
		return 0, fmt.Errorf("list indexes: %w", err)
	}
	var missing bson.A
	for _, raw := range c.Indexes {
		spec, err := parseIndexSpec(raw)
		if err != nil {
			return 0, err // checked by checkManifest already
		}
		var ix indexSpecOf
		if err := bson.Unmarshal(spec, &ix); err != nil {
			return 0, err
		}
		if slices.ContainsFunc(have, func(h indexSpecOf) bool { return h.Name == ix.Name || bytes.Equal(h.Key, ix.Key) }) {
			continue
		}
		// v (the index format) and ns (older servers) describe the source's
		// index rather than ask for anything; the target picks its own.
		elems, err := spec.Elements()
		if err != nil {
			return 0, err
		}
		model := bson.D{}
		for _, e := range elems {
			if k := e.Key(); k != "v" && k != "ns" {
				model = append(model, bson.E{Key: k, Value: e.Value()})
			}
		}
		missing = append(missing, model)
		have = append(have, ix)
	}
	if len(missing) == 0 {
		return 0, nil
	}
	cmd := bson.D{{Key: "createIndexes", Value: c.Name}, {Key: "indexes", Value: missing}}
	if err := s.db.RunCommand(ctx, cmd).Err(); err != nil {
		return 0, fmt.Errorf("create indexes: %w", err)
	}
	return len(missing), nil
}

// afterRestore makes the store's own state match the restored data: the
// caches are dropped and what setup (store.go) prepared at Open is checked
// again.
func (s *Store) afterRestore(ctx context.Context) error {
	s.resetCaches()
	if err := s.prepareData(ctx); err != nil {
		return err
	}
	if s.embedded == nil {
		return nil
	}
	return s.verifyPlans(ctx)
}

// resetCaches forgets what the store remembers about the data: dashboard
// counts, the last numbers handed out, and the SQLite tables of collections
// (dropped and created again by a restore).
func (s *Store) resetCaches() {
	s.counts.invalidate()
	s.counters.mu.Lock()
	s.counters.scopes = make(map[string]*counterState)
	s.counters.mu.Unlock()
	if s.sql != nil {
		s.sql.mu.Lock()
		s.sql.tables = map[string]string{}
		s.sql.mu.Unlock()
	}
}

// invalidate marks the counts stale, so the next read loads them again.
// It waits for a load in progress, which may have read older data.
func (c *openCounts) invalidate() {
	c.gate.Lock()
	defer c.gate.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.valid = false
	c.m = nil
}

// HasEmbeddedData reports whether dataDir holds the data of an embedded
// store (with the default database). Tools that only read a store use it
// to tell a mistyped directory from an empty store, since Open creates a
// missing one.
func HasEmbeddedData(dataDir string) bool {
	st, err := os.Stat(filepath.Join(dataDir, ferretDirName, DefaultDatabase+".sqlite"))
	return err == nil && st.Mode().IsRegular()
}

// DataDirInUse reports whether a Store, in this or another process, holds
// the data directory dataDir, which makes Open fail. Tools use it to
// explain that failure. It is always false where directories are not
// locked.
func DataDirInUse(dataDir string) bool {
	path := filepath.Join(dataDir, lockFileName)
	if _, err := os.Stat(path); err != nil {
		return false
	}
	unlock, err := lockDir(path)
	if err != nil {
		return true
	}
	_ = unlock()
	return false
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
