package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/store"
)

// DefinitionHistory reads the recorded definition versions.
type DefinitionHistory interface {
	DefinitionVersions(ctx context.Context) ([]store.DefinitionVersionInfo, error)
	OpenByCatalog(ctx context.Context) ([]store.CatalogCount, error)
}

// Version is a recorded set of definitions.
type Version struct {
	Hash     string
	LoadedAt time.Time
	// Serving: the definitions in service now.
	Serving bool
	// OpenTickets is how many open tickets started on this version.
	OpenTickets int64
}

// DefinitionVersions lists the recorded definition versions, newest first.
func (e *Engine) DefinitionVersions(ctx context.Context) ([]Version, error) {
	infos, err := e.store.DefinitionVersions(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := e.store.OpenByCatalog(ctx)
	if err != nil {
		return nil, err
	}
	open := map[string]int64{}
	for _, c := range counts {
		open[c.Catalog] = c.N
	}
	current := e.catalog().Hash()
	out := make([]Version, len(infos))
	for i, v := range infos {
		out[i] = Version{Hash: v.Hash, LoadedAt: v.LoadedAt, Serving: v.Hash == current, OpenTickets: open[v.Hash]}
	}
	return out, nil
}

// VersionCatalog returns the recorded definitions with the hash, compiled:
// an older version's processes for the admin pages. An unknown hash is a
// not-found fault.
func (e *Engine) VersionCatalog(ctx context.Context, hash string) (*definition.Catalog, error) {
	if e.compile == nil && hash != e.catalog().Hash() {
		return nil, fault.New(fault.Unavailable, "older definition versions need the definition loader")
	}
	return e.recordedCatalog(ctx, hash)
}

// CompareVersions lists what changed from the recorded definitions from to
// the recorded definitions to, by definition and part (definition.Diff).
func (e *Engine) CompareVersions(ctx context.Context, from, to string) ([]definition.Change, error) {
	if e.compile == nil {
		return nil, fault.New(fault.Unavailable, "comparing definition versions needs the definition loader")
	}
	old, err := e.recordedCatalog(ctx, from)
	if err != nil {
		return nil, err
	}
	new, err := e.recordedCatalog(ctx, to)
	if err != nil {
		return nil, err
	}
	return definition.Diff(old, new), nil
}

// recordedCatalog compiles a recorded definition version.
func (e *Engine) recordedCatalog(ctx context.Context, hash string) (*definition.Catalog, error) {
	if hash == e.catalog().Hash() {
		return e.catalog(), nil
	}
	v, err := e.store.DefinitionVersion(ctx, hash)
	if err != nil {
		return nil, fmt.Errorf("definition version %s: %w", hash, err)
	}
	return compileVersion(v, e.compile)
}

// RecordedVersions reads the definition versions a server recorded.
type RecordedVersions interface {
	DefinitionVersion(ctx context.Context, hash string) (*store.DefinitionVersion, error)
	ServedDefinitionVersion(ctx context.Context) (*store.DefinitionVersion, error)
}

// Compiler compiles definition files; (*definition.Loader).Compile is one.
type Compiler func([]definition.File) (*definition.Catalog, definition.Diagnostics)

// ServedCatalog returns the definitions a server served last, compiled,
// for comparing definitions about to be served with them. When they are
// current (the same hash) current itself is returned and nothing is
// compiled: a restart with unchanged definitions costs no compile. It
// returns nil and no error when no version was marked as served (a new
// database, or one from before versions were marked), and an error coded
// version_does_not_compile when the version no longer compiles (a kind or
// key since removed).
func ServedCatalog(ctx context.Context, versions RecordedVersions, compile Compiler, current *definition.Catalog) (*definition.Catalog, error) {
	v, err := versions.ServedDefinitionVersion(ctx)
	if errors.Is(err, fault.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("served definitions: %w", err)
	}
	if current != nil && v.Hash == current.Hash() {
		return current, nil
	}
	return compileVersion(v, compile)
}

// compileVersion compiles a recorded version's files.
func compileVersion(v *store.DefinitionVersion, compile Compiler) (*definition.Catalog, error) {
	files := make([]definition.File, len(v.Files))
	for i, f := range v.Files {
		files[i] = definition.File{Path: f.Path, Data: f.Data}
	}
	cat, diags := compile(files)
	if cat == nil {
		return nil, fault.Coded(fault.NotAllowedNow, "version_does_not_compile",
			fmt.Sprintf("definition version %s does not compile any more (%d errors)", v.Hash, len(diags.Errors())))
	}
	return cat, nil
}
