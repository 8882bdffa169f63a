package engine

import (
	"context"
	"fmt"
	"time"

	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/store"
)

// DefinitionHistory reads the recorded definition versions.
type DefinitionHistory interface {
	DefinitionVersions(ctx context.Context) ([]store.DefinitionVersionInfo, error)
}

// Version is a recorded set of definitions.
type Version struct {
	Hash     string
	LoadedAt time.Time
	// Serving: the definitions in service now.
	Serving bool
}

// DefinitionVersions lists the recorded definition versions, newest first.
func (e *Engine) DefinitionVersions(ctx context.Context) ([]Version, error) {
	infos, err := e.store.DefinitionVersions(ctx)
	if err != nil {
		return nil, err
	}
	current := e.catalog().Hash()
	out := make([]Version, len(infos))
	for i, v := range infos {
		out[i] = Version{Hash: v.Hash, LoadedAt: v.LoadedAt, Serving: v.Hash == current}
	}
	return out, nil
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
	files := make([]definition.File, len(v.Files))
	for i, f := range v.Files {
		files[i] = definition.File{Path: f.Path, Data: f.Data}
	}
	cat, diags := e.compile(files)
	if cat == nil {
		return nil, fault.Coded(fault.NotAllowedNow, "version_does_not_compile",
			fmt.Sprintf("definition version %s does not compile any more (%d errors)", hash, len(diags.Errors())))
	}
	return cat, nil
}
