package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// DefinitionVersionsCollection keeps every set of definitions vorgang has
// served, keyed by the catalog hash, so a ticket can always be followed on
// the definitions it started on.
const DefinitionVersionsCollection = "definition_versions"

// DefinitionVersion is one served set of definition files.
type DefinitionVersion struct {
	Hash     string           `bson:"_id"`
	LoadedAt time.Time        `bson:"loaded_at"`
	Files    []DefinitionFile `bson:"files"`
}

// DefinitionFile is one file of a definition version.
type DefinitionFile struct {
	Path string `bson:"path"`
	Data []byte `bson:"data"`
}

// SaveDefinitionVersion records v unless a version with its hash exists.
// It reports whether v was new.
func (s *Store) SaveDefinitionVersion(ctx context.Context, v *DefinitionVersion) (bool, error) {
	if v.LoadedAt.IsZero() {
		v.LoadedAt = time.Now().UTC()
	}
	err := s.Insert(ctx, DefinitionVersionsCollection, v)
	if errors.Is(err, ErrDuplicate) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: save definition version %s: %w", v.Hash, err)
	}
	return true, nil
}

// DefinitionVersion returns the definition version with the hash.
func (s *Store) DefinitionVersion(ctx context.Context, hash string) (*DefinitionVersion, error) {
	var v DefinitionVersion
	if err := s.Get(ctx, DefinitionVersionsCollection, hash, &v); err != nil {
		return nil, err
	}
	return &v, nil
}
