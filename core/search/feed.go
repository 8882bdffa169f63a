package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"vorgang/core/store"
	"vorgang/core/ticket"
)

// Source is what the feeder reads from the store; *store.Store implements
// it.
type Source interface {
	Ticket(ctx context.Context, number string) (*ticket.Ticket, error)
	History(ctx context.Context, t *ticket.Ticket) ([]ticket.HistoryEntry, error)
	TicketsChangedSince(ctx context.Context, since time.Time, after store.TicketStamp, limit int) ([]store.TicketStamp, error)
	TicketTexts(ctx context.Context, after string, limit int) ([]store.TicketText, error)
}

var _ Source = (*store.Store)(nil)

// Defaults of FeedConfig.
const (
	// DefaultMargin covers the time from a change's stamp to its commit
	// (the store's orphan age: a change uncommitted for longer counts as
	// crashed).
	DefaultMargin = time.Minute
	// DefaultReaders is how many tickets a rebuild reads at once.
	DefaultReaders = 8
	// pageSize is how many tickets a rebuild reads at once (the most
	// store.TicketTexts returns).
	pageSize = 1000
	// batchSize is how many documents go into one batch of a rebuild (a
	// segment). Larger batches leave the merger less to rewrite but hold
	// more in memory: at 100k tickets, batches of 5,000 on one writer took
	// 0.53 ms of CPU a ticket and 1.35 GB at the peak, of 1,000 on two
	// writers 0.62 ms and 620 MB; 500 saved no more memory.
	batchSize = 1000
)

// FeedConfig configures a Feeder. Index and Source are required.
type FeedConfig struct {
	Index  *Index
	Source Source
	Logger *slog.Logger
	// Margin is subtracted from the high-water mark; default DefaultMargin.
	Margin time.Duration
	// Poll, when set, reads the changes of other processes this often
	// (several instances on one MongoDB); 0: only this process writes.
	Poll time.Duration
	// Readers bound the parallel reads of a rebuild; default
	// DefaultReaders.
	Readers int
	// Settle is how long the feeder waits after a change for more to
	// batch with it; default 500 ms.
	Settle time.Duration
}

// Feeder keeps the index up to date: Watch hears of every ticket write of
// this process as it commits, Run writes them to the index in batches in
// the background, and on start catches up from the store what a crash
// kept from the index.
//
// Crash safety rests on the high-water mark kept in the index with each
// batch: every change stamped before the mark is in the index. The mark
// is the oldest stamp still waiting (or the newest seen, when nothing
// waits) less Margin, so a change stamped earlier but committed late is
// still read again. On start the feeder reads from the store every ticket
// changed since the mark (TicketsChangedSince) and indexes it again.
type Feeder struct {
	cfg   FeedConfig
	index *Index
	src   Source
	log   *slog.Logger

	mu      sync.Mutex
	pending map[string]pendingItem
	// seen is the newest stamp heard of.
	seen time.Time
	// indexed is the version of each ticket this process indexed, so an
	// older snapshot never overwrites a newer document.
	indexed map[string]int64
	wake    chan struct{}
	// flushing serialises writers of the index.
	flushing sync.Mutex
	// ready: the index was built or caught up (Start), so a batch may move
	// the mark; before, a mark would pass a half-built index off as whole.
	ready atomic.Bool
}

// pendingItem is a change waiting to be indexed: a document built when it
// was committed (a new ticket), or a ticket to read again.
type pendingItem struct {
	version int64
	stamp   time.Time
	doc     *Doc
}

// NewFeeder returns a feeder; register its Watch with the store before
// anything writes, then Run it.
func NewFeeder(cfg FeedConfig) (*Feeder, error) {
	if cfg.Index == nil || cfg.Source == nil {
		return nil, errors.New("search: Index and Source are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Margin <= 0 {
		cfg.Margin = DefaultMargin
	}
	if cfg.Readers <= 0 {
		cfg.Readers = DefaultReaders
	}
	if cfg.Settle <= 0 {
		cfg.Settle = 500 * time.Millisecond
	}
	return &Feeder{cfg: cfg, index: cfg.Index, src: cfg.Source, log: cfg.Logger.With(slog.String("component", "search")),
		pending: map[string]pendingItem{}, indexed: map[string]int64{}, wake: make(chan struct{}, 1)}, nil
}

// Watch hears of a committed ticket write (store.OnTicketChange). It runs
// in the writer's goroutine, so it only notes the change: a new ticket's
// document is built here from what is in memory (no read later), any
// other change is read again when it is indexed.
func (f *Feeder) Watch(c store.TicketChange) {
	t := c.Ticket
	it := pendingItem{version: t.Version, stamp: t.Updated}
	if c.Entry != nil && (it.stamp.IsZero() || c.Entry.At.Before(it.stamp)) {
		it.stamp = c.Entry.At
	}
	if c.Deleted {
		// Nothing comes after a deletion: it wins over every change
		// still waiting, and the ticket is read (and found gone) when
		// the batch is written.
		it.version = math.MaxInt64
	} else if t.Version == 1 && c.Entry != nil {
		d := DocOf(t, []ticket.HistoryEntry{*c.Entry})
		it.doc = &d
	}
	f.note(t.Number, it)
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// note queues it unless a newer change of the ticket waits already.
func (f *Feeder) note(number string, it pendingItem) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if it.stamp.After(f.seen) {
		f.seen = it.stamp
	}
	if prev, ok := f.pending[number]; ok && prev.version >= it.version {
		return
	}
	if f.indexed[number] >= it.version {
		return
	}
	f.pending[number] = it
}

// Run catches up (or builds the index when it is empty) and then indexes
// changes as they come until ctx ends; what waits then is written before
// it returns.
func (f *Feeder) Run(ctx context.Context) error {
	if err := f.Start(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	var poll <-chan time.Time
	var since time.Time
	if f.cfg.Poll > 0 {
		t := time.NewTicker(f.cfg.Poll)
		defer t.Stop()
		poll = t.C
		since, _ = f.index.Mark()
	}
	for {
		select {
		case <-ctx.Done():
			return f.Flush(context.WithoutCancel(ctx))
		case <-f.wake:
			// Let a burst of writes gather into one batch.
			select {
			case <-ctx.Done():
			case <-time.After(f.cfg.Settle):
			}
		case <-poll:
			next, err := f.catchUp(ctx, since)
			if err != nil && ctx.Err() == nil {
				f.log.Warn("reading changes of other instances failed; tried again", slog.String("error", err.Error()))
			}
			if next.After(since) {
				since = next.Add(-f.cfg.Margin)
			}
		}
		if err := f.Flush(ctx); err != nil && ctx.Err() == nil {
			f.log.Warn("indexing failed; the changes are tried again", slog.String("error", err.Error()))
		}
	}
}

// Start builds the index when it has no mark (new or never filled), else
// queues every ticket changed since the mark and indexes them.
func (f *Feeder) Start(ctx context.Context) error {
	mark, err := f.index.Mark()
	if err != nil {
		return err
	}
	if mark.IsZero() {
		n, err := f.Rebuild(ctx)
		if err != nil {
			return err
		}
		f.log.Info("search index built", slog.Int("tickets", n))
	} else if _, err := f.catchUp(ctx, mark); err != nil {
		return err
	}
	f.ready.Store(true)
	return f.Flush(ctx)
}

// catchUp queues every ticket changed since since that this process has
// not indexed in that version, and returns the newest stamp read.
func (f *Feeder) catchUp(ctx context.Context, since time.Time) (time.Time, error) {
	after := store.TicketStamp{}
	newest := since
	for {
		page, err := f.src.TicketsChangedSince(ctx, since, after, 1000)
		if err != nil {
			return newest, err
		}
		for _, s := range page {
			f.note(s.Number, pendingItem{version: s.Version, stamp: s.Updated})
			if s.Updated.After(newest) {
				newest = s.Updated
			}
		}
		if len(page) < 1000 {
			return newest, nil
		}
		after = page[len(page)-1]
	}
}

// Flush indexes every change waiting, in one batch with the new mark. A
// change that cannot be read stays queued and holds the mark back.
func (f *Feeder) Flush(ctx context.Context) error {
	f.flushing.Lock()
	defer f.flushing.Unlock()
	f.mu.Lock()
	work := f.pending
	f.pending = map[string]pendingItem{}
	f.mu.Unlock()
	if len(work) == 0 {
		return nil
	}
	docs := make([]Doc, 0, len(work))
	var reread []string
	for number, it := range work {
		if it.doc != nil {
			docs = append(docs, *it.doc)
		} else {
			reread = append(reread, number)
		}
	}
	read, gone, failed := f.read(ctx, reread)
	docs = append(docs, read...)
	f.mu.Lock()
	for _, number := range failed {
		if _, newer := f.pending[number]; !newer {
			f.pending[number] = work[number]
		}
	}
	var mark time.Time
	if f.ready.Load() {
		mark = f.markLocked()
	}
	f.mu.Unlock()
	if err := f.index.ApplyChanges(docs, gone, mark); err != nil {
		f.mu.Lock()
		for number, it := range work {
			if prev, ok := f.pending[number]; !ok || prev.version < it.version {
				f.pending[number] = it
			}
		}
		f.mu.Unlock()
		return err
	}
	f.mu.Lock()
	for _, d := range docs {
		f.indexed[d.Number] = max(f.indexed[d.Number], d.Version)
	}
	for _, number := range gone {
		f.indexed[number] = math.MaxInt64
	}
	f.mu.Unlock()
	if len(failed) > 0 {
		return fmt.Errorf("search: %d tickets could not be read; they are tried again", len(failed))
	}
	return nil
}

// markLocked is the mark for a batch about to be written: the oldest stamp
// still waiting after it, or the newest seen, less the margin.
func (f *Feeder) markLocked() time.Time {
	if f.seen.IsZero() {
		return time.Time{}
	}
	oldest := f.seen
	for _, it := range f.pending {
		if it.stamp.Before(oldest) {
			oldest = it.stamp
		}
	}
	return oldest.Add(-f.cfg.Margin)
}

// read builds the documents of tickets from the store, several at once;
// gone lists those deleted, failed those it could not read.
func (f *Feeder) read(ctx context.Context, numbers []string) (docs []Doc, gone, failed []string) {
	out := make([]*Doc, len(numbers))
	errs := make([]error, len(numbers))
	sem := make(chan struct{}, f.cfg.Readers)
	var wg sync.WaitGroup
	for i, number := range numbers {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			out[i], errs[i] = f.readOne(ctx, number)
		})
	}
	wg.Wait()
	for i, d := range out {
		switch {
		case errs[i] != nil:
			f.log.Warn("ticket not indexed; tried again", slog.String("ticket", numbers[i]), slog.String("error", errs[i].Error()))
			failed = append(failed, numbers[i])
		case d == nil:
			gone = append(gone, numbers[i])
		case d.Version > f.indexedVersion(d.Number):
			docs = append(docs, *d)
		}
	}
	return docs, gone, failed
}

func (f *Feeder) indexedVersion(number string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.indexed[number]
}

// readOne reads a ticket and its history; nil for a ticket that is gone.
func (f *Feeder) readOne(ctx context.Context, number string) (*Doc, error) {
	t, err := f.src.Ticket(ctx, number)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	h, err := f.src.History(ctx, t)
	if err != nil {
		return nil, err
	}
	d := DocOf(t, h)
	return &d, nil
}

// Rebuild indexes every ticket in the store, reading them page by page
// with their texts (store.TicketTexts), and sets the mark to when it began
// (less the margin): what changes meanwhile is caught up by Watch or the
// next start. It returns how many tickets it indexed. Reading the next
// page overlaps with indexing the last one.
func (f *Feeder) Rebuild(ctx context.Context) (int, error) {
	f.flushing.Lock()
	defer f.flushing.Unlock()
	began := time.Now()
	type page struct {
		docs []Doc
		err  error
	}
	pages := make(chan page, 2)
	readCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(pages)
		after := ""
		send := func(p page) bool {
			select {
			case pages <- p:
				return true
			case <-readCtx.Done():
				return false
			}
		}
		docs := make([]Doc, 0, batchSize)
		for {
			texts, err := f.src.TicketTexts(readCtx, after, pageSize)
			if err != nil {
				send(page{err: err})
				return
			}
			for i := range texts {
				docs = append(docs, DocOf(&texts[i].Ticket, texts[i].Entries))
			}
			// An empty page is the end (a short one may not be).
			if len(texts) == 0 || len(docs) >= batchSize {
				if len(docs) > 0 && !send(page{docs: docs}) {
					return
				}
				docs = make([]Doc, 0, batchSize)
			}
			if len(texts) == 0 {
				return
			}
			after = texts[len(texts)-1].Ticket.Number
		}
	}()
	// Each writer analyses its batch and builds its segment itself (bleve
	// does both in the caller of Batch), so two writers keep two cores
	// busy where one left the second idle while it built a segment.
	var (
		total   atomic.Int64
		failed  error
		errOnce sync.Once
		wg      sync.WaitGroup
	)
	for range f.writers() {
		wg.Go(func() {
			for p := range pages {
				if p.err != nil {
					errOnce.Do(func() { failed = p.err })
					cancel()
					continue
				}
				if readCtx.Err() != nil {
					continue // drain: an error stopped the rebuild
				}
				n, err := f.applyNew(p.docs)
				if err != nil {
					errOnce.Do(func() { failed = err })
					cancel()
				}
				total.Add(int64(n))
			}
		})
	}
	wg.Wait()
	if failed != nil {
		return int(total.Load()), failed
	}
	if err := ctx.Err(); err != nil {
		return int(total.Load()), err
	}
	// The wall clock: the store's stamps come from the engine's clock,
	// which is the wall clock outside tests.
	if err := f.index.Apply(nil, began.Add(-f.cfg.Margin)); err != nil {
		return int(total.Load()), err
	}
	if total.Load() == 0 {
		return 0, nil // nothing to lose: an empty index is built again at once
	}
	return int(total.Load()), f.index.Sync()
}

// applyNew indexes the documents of a rebuild's batch that are newer than
// what this process indexed, and returns how many it wrote.
func (f *Feeder) applyNew(batch []Doc) (int, error) {
	f.mu.Lock()
	docs := batch[:0]
	for _, d := range batch {
		if d.Version > f.indexed[d.Number] {
			docs = append(docs, d)
		}
	}
	f.mu.Unlock()
	if err := f.index.Apply(docs, time.Time{}); err != nil {
		return 0, err
	}
	f.mu.Lock()
	for _, d := range docs {
		f.indexed[d.Number] = max(f.indexed[d.Number], d.Version)
	}
	f.mu.Unlock()
	return len(docs), nil
}

// writers is how many batches a rebuild writes at once: one a core, at
// most four (bleve's analysis already runs on four goroutines).
func (f *Feeder) writers() int {
	return min(max(runtime.GOMAXPROCS(0), 1), 4)
}
