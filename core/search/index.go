package search

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names in the index. Each text field is indexed once, with
// analyzerText (German and English stems), stored and with term vectors
// for the snippets.
//
// Only what a query filters by or a hit shows is indexed: the version, the
// time of the last change, the open flag, the requester and the assignee
// were indexed and stored for no query (a date alone is 16 terms a
// document), and are left out.
const (
	fieldNumber   = "number"
	fieldProcess  = "process"
	fieldState    = "state"
	fieldTeam     = "team"
	fieldViewers  = "viewers"
	fieldCreated  = "created"
	fieldTitle    = "title"
	fieldData     = "data"
	fieldPublic   = "public"
	fieldInternal = "internal"
	// enSuffix names the English field of an article's text.
	enSuffix = "_en"
)

// markKey is the internal key of the index's high-water mark.
const markKey = "vorgang.mark"

// layoutKey is the internal key of the index's layout (layoutVersion): an
// index of another layout (made by an older vorgang) is built again from
// the store, as one that does not open.
const (
	layoutKey     = "vorgang.layout"
	layoutVersion = "2"
)

// Index is the search index. It is safe for concurrent use.
type Index struct {
	idx  bleve.Index
	path string
	hist histogram
}

// Open opens the index at path, creating an empty one if there is none;
// path "" is an index in memory, rebuilt at every start.
func Open(path string) (*Index, error) {
	if path == "" {
		m, err := newMapping()
		if err != nil {
			return nil, fmt.Errorf("search: mapping: %w", err)
		}
		idx, err := bleve.NewMemOnly(m)
		if err != nil {
			return nil, fmt.Errorf("search: index in memory: %w", err)
		}
		return &Index{idx: idx}, nil
	}
	if err := registerFilters(); err != nil {
		return nil, err
	}
	idx, err := bleve.OpenUsing(path, runtimeConfig())
	if err == nil {
		if layout, lerr := idx.GetInternal([]byte(layoutKey)); lerr != nil || string(layout) != layoutVersion {
			_ = idx.Close()
			err = fmt.Errorf("layout %q, want %q", layout, layoutVersion)
		}
	}
	if err != nil && !errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		// The index is derived data: one that does not open (cut off
		// while it was created, damaged, of an older layout) is built
		// again from the store.
		if rerr := Remove(path); rerr != nil {
			return nil, fmt.Errorf("search: open index %s: %w (and %w)", path, err, rerr)
		}
		err = bleve.ErrorIndexPathDoesNotExist
	}
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		if err := create(path); err != nil {
			return nil, err
		}
		idx, err = bleve.OpenUsing(path, runtimeConfig())
	}
	if err != nil {
		return nil, fmt.Errorf("search: open index %s: %w", path, err)
	}
	return &Index{idx: idx, path: path}, nil
}

// create makes an empty index at path. It writes synchronously (without
// unsafe_batch), so the mapping is on disk before anything else happens:
// bleve stores it with a batch, which runtimeConfig would leave in memory.
func create(path string) error {
	m, err := newMapping()
	if err != nil {
		return fmt.Errorf("search: mapping: %w", err)
	}
	idx, err := bleve.NewUsing(path, m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return fmt.Errorf("search: create index %s: %w", path, err)
	}
	if err := idx.SetInternal([]byte(layoutKey), []byte(layoutVersion)); err != nil {
		_ = idx.Close()
		return fmt.Errorf("search: create index %s: %w", path, err)
	}
	if err := idx.Close(); err != nil {
		return fmt.Errorf("search: create index %s: %w", path, err)
	}
	return nil
}

// runtimeConfig is scorch's configuration. unsafe_batch: a batch returns
// once it is searchable, and is written to disk in the background with
// whatever batches follow, instead of each batch waiting for its own
// fsync. A crash may lose the last batches, but never a batch without
// its mark or the reverse (Apply), so the catch-up at the next start
// reads them again: durability comes from the store, not the index.
// The persister naps five seconds between writes, so the small batches of a
// busy desk reach the disk as one merged segment, not one file and fsync
// each, which would compete with the store's own fsyncs.
func runtimeConfig() map[string]any {
	return map[string]any{
		"unsafe_batch":           true,
		"scorchPersisterOptions": map[string]any{"PersisterNapTimeMSec": 5000},
	}
}

// Remove deletes the index at path, for a rebuild from nothing.
func Remove(path string) error {
	if err := os.RemoveAll(path); err != nil {
		return fmt.Errorf("search: remove index %s: %w", path, err)
	}
	return nil
}

// syncTimeout bounds how long Sync waits for the last batches to reach
// the disk.
const syncTimeout = 30 * time.Second

// Close closes the index. Batches the persister has not written yet are
// dropped, with their mark (see runtimeConfig): the next start reads
// those changes again from the store. Sync first to keep them.
func (x *Index) Close() error {
	if err := x.idx.Close(); err != nil {
		return fmt.Errorf("search: close index: %w", err)
	}
	return nil
}

// Sync waits until every batch applied so far is on disk (up to the
// persister's nap): a rebuild calls it, so its mark is not lost and the
// next start does not build the index again. It writes an empty batch
// with a callback on its persistence, which comes after all batches
// before it.
func (x *Index) Sync() error {
	if x.path == "" {
		return nil
	}
	done := make(chan error, 1)
	b := x.idx.NewBatch()
	b.SetInternal([]byte("vorgang.synced"), []byte(time.Now().UTC().Format(time.RFC3339Nano)))
	b.SetPersistedCallback(func(err error) {
		select {
		case done <- err:
		default:
		}
	})
	if err := x.idx.Batch(b); err != nil {
		return fmt.Errorf("search: sync index: %w", err)
	}
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("search: sync index: %w", err)
		}
		return nil
	case <-time.After(syncTimeout):
		return errors.New("search: sync index: not written within 30 s")
	}
}

// Path is where the index lives.
func (x *Index) Path() string { return x.path }

// Count is the number of tickets in the index.
func (x *Index) Count() (uint64, error) {
	n, err := x.idx.DocCount()
	if err != nil {
		return 0, fmt.Errorf("search: count: %w", err)
	}
	return n, nil
}

// Apply writes docs in one batch, together with the high-water mark (zero:
// unchanged): either all of it reaches the index or none of it does, so
// after a crash the mark never claims documents the index lost.
func (x *Index) Apply(docs []Doc, mark time.Time) error {
	return x.ApplyChanges(docs, nil, mark)
}

// ApplyChanges is Apply that also removes the documents of the tickets
// gone (deleted as a whole), in the same batch.
func (x *Index) ApplyChanges(docs []Doc, gone []string, mark time.Time) error {
	b := x.idx.NewBatch()
	for i := range docs {
		if err := b.Index(docs[i].Number, docs[i].fields()); err != nil {
			return fmt.Errorf("search: index %s: %w", docs[i], err)
		}
	}
	for _, number := range gone {
		b.Delete(number)
	}
	if !mark.IsZero() {
		b.SetInternal([]byte(markKey), []byte(mark.UTC().Format(time.RFC3339Nano)))
	}
	if err := x.idx.Batch(b); err != nil {
		return fmt.Errorf("search: write %d documents: %w", len(docs), err)
	}
	return nil
}

// Mark is the high-water mark: every ticket change stamped before it is
// in the index. Zero for an index never filled.
func (x *Index) Mark() (time.Time, error) {
	raw, err := x.idx.GetInternal([]byte(markKey))
	if err != nil {
		return time.Time{}, fmt.Errorf("search: read mark: %w", err)
	}
	if len(raw) == 0 {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, string(raw))
	if err != nil {
		return time.Time{}, fmt.Errorf("search: read mark %q: %w", raw, err)
	}
	return t, nil
}

// fields is the document as bleve indexes it.
func (d Doc) fields() map[string]any {
	return map[string]any{
		fieldNumber: d.Number, fieldProcess: d.Process, fieldState: d.State,
		fieldTeam: d.Team, fieldViewers: d.Viewers, fieldCreated: d.Created,
		fieldTitle: d.Title, fieldData: d.Data, fieldPublic: d.Public, fieldInternal: d.Internal,
	}
}

// newMapping declares the fields: keywords for the filters and the
// permission terms, a date for the range filter and the sort, the four
// texts once each with analyzerText.
func newMapping() (mapping.IndexMapping, error) {
	m := bleve.NewIndexMapping()
	if err := addAnalyzers(m); err != nil {
		return nil, err
	}
	m.DefaultAnalyzer = analyzerText
	doc := bleve.NewDocumentStaticMapping()

	keywordField := func(store bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = store
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	for _, name := range []string{fieldNumber, fieldProcess, fieldState, fieldTeam} {
		doc.AddFieldMappingsAt(name, keywordField(true))
	}
	// The viewers hold the requester and the assignee: they need no
	// field of their own.
	doc.AddFieldMappingsAt(fieldViewers, keywordField(false))
	created := bleve.NewDateTimeFieldMapping()
	created.Store, created.IncludeInAll = true, false
	doc.AddFieldMappingsAt(fieldCreated, created)
	for _, name := range []string{fieldTitle, fieldData, fieldPublic, fieldInternal} {
		f := bleve.NewTextFieldMapping()
		f.Analyzer, f.Store, f.IncludeTermVectors, f.IncludeInAll = analyzerText, true, true, false
		f.DocValues = false
		doc.AddFieldMappingsAt(name, f)
	}
	m.DefaultMapping = doc
	m.DefaultField = fieldTitle
	m.StoreDynamic, m.IndexDynamic, m.DocValuesDynamic = false, false, false
	return m, nil
}
