package engine

import (
	"sync"
	"time"
)

// MigrationRun is what the last run of the migrations on this instance
// did, for the admin pages: when, on which definitions, the tickets
// migrated per migration and those left as they were, with why.
type MigrationRun struct {
	At time.Time
	// Catalog is the hash of the definitions the migrations came with;
	// Replaced the hash of those they replaced ("" when unknown).
	Catalog  string
	Replaced string
	Result   MigrationResult
	// Error is why the run stopped before it was done; "" when it was.
	Error string
}

// migrationRuns keeps the last run.
type migrationRuns struct {
	mu   sync.Mutex
	last *MigrationRun
}

// NoteMigrationRun records run as the last run of the migrations; Migrate
// calls it after every run that is not a dry run.
func (e *Engine) NoteMigrationRun(run MigrationRun) {
	e.migRuns.mu.Lock()
	defer e.migRuns.mu.Unlock()
	e.migRuns.last = &run
}

// LastMigrationRun returns the last run of the migrations on this
// instance (not dry runs), and false when there was none since it
// started: the run of another instance is in that instance's log.
func (e *Engine) LastMigrationRun() (MigrationRun, bool) {
	e.migRuns.mu.Lock()
	defer e.migRuns.mu.Unlock()
	if e.migRuns.last == nil {
		return MigrationRun{}, false
	}
	return *e.migRuns.last, true
}
