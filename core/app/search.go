package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"vorgang/core/search"
	"vorgang/core/store"
)

// SearchIndexDir is the search index's directory in the data folder. It
// holds nothing the store does not: a backup leaves it out, and a missing
// or removed index is rebuilt from the store at start.
const SearchIndexDir = "search.bleve"

// DefaultSearchPollEvery is how often an instance on MongoDB reads the
// ticket changes other instances made into its own index.
const DefaultSearchPollEvery = 10 * time.Second

// SearchIndexPath is where the index of an app with the data folder
// dataDir lives; "" (MongoDB without a data folder): in memory.
func SearchIndexPath(dataDir string) string {
	if dataDir == "" {
		return ""
	}
	return filepath.Join(dataDir, SearchIndexDir)
}

// openSearch opens the index and its feeder, and has the store tell the
// feeder of every ticket write from now on: before anything writes, so no
// change falls between the catch-up and the first one heard.
func (a *App) openSearch() error {
	idx, err := search.Open(SearchIndexPath(a.cfg.DataDir))
	if err != nil {
		return err
	}
	poll := time.Duration(0)
	if a.cfg.MongoURI != "" {
		poll = a.cfg.SearchPollEvery
	}
	f, err := search.NewFeeder(search.FeedConfig{Index: idx, Source: a.Store, Logger: a.Logger, Poll: poll})
	if err != nil {
		_ = idx.Close()
		return err
	}
	a.Search, a.feeder = idx, f
	a.Store.OnTicketChange(f.Watch)
	return nil
}

// runSearch keeps the index up to date (search.Feeder.Run).
func (a *App) runSearch(ctx context.Context) error {
	a.searchRan.Store(true)
	return a.feeder.Run(ctx)
}

// closeSearch writes what waits and closes the index. An app whose loops
// never ran (a command) leaves its changes to the catch-up of the next
// start: the index may never have been built, and a batch with a mark
// would pass it off as built.
func (a *App) closeSearch(ctx context.Context) error {
	if a.Search == nil {
		return nil
	}
	var err error
	if a.searchRan.Load() {
		err = a.feeder.Flush(ctx)
	}
	if cerr := a.Search.Close(); cerr != nil && err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("close search index: %w", err)
	}
	return nil
}

// RebuildSearchIndex removes the search index of the data folder dataDir
// and builds it again from st (`vorgang reindex`, with the server
// stopped on the embedded store). It returns how many tickets it indexed.
func RebuildSearchIndex(ctx context.Context, st *store.Store, dataDir string, log *slog.Logger) (int, error) {
	path := SearchIndexPath(dataDir)
	if path == "" {
		return 0, errors.New("search: an index in memory is rebuilt at every start; give a data folder")
	}
	if err := search.Remove(path); err != nil {
		return 0, err
	}
	idx, err := search.Open(path)
	if err != nil {
		return 0, err
	}
	f, err := search.NewFeeder(search.FeedConfig{Index: idx, Source: st, Logger: log})
	if err != nil {
		_ = idx.Close()
		return 0, err
	}
	n, err := f.Rebuild(ctx)
	if cerr := idx.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// RemoveSearchIndex deletes the search index of the data folder dataDir,
// so the next start builds it from the store (after a restore).
func RemoveSearchIndex(dataDir string) error {
	if dataDir == "" {
		return nil
	}
	return search.Remove(SearchIndexPath(dataDir))
}
