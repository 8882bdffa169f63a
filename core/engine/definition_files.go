package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"vorgang/core/fault"
	"vorgang/core/store"
)

// DefinitionVersionStore reads the definition files recorded when a catalog
// was first served.
type DefinitionVersionStore interface {
	DefinitionVersion(ctx context.Context, hash string) (*store.DefinitionVersion, error)
}

// RecordedFiles answers the SHA-256 (hex) of each file of the catalog with
// the given hash, as recorded when it was first served, so the admin pages
// can show which file a definition came from in which version. recorded is
// false for a catalog that was never recorded (definitions handed to the
// engine directly, as in tests).
func (e *Engine) RecordedFiles(ctx context.Context, catalogHash string) (hashes map[string]string, recorded bool, err error) {
	v, err := e.store.DefinitionVersion(ctx, catalogHash)
	if errors.Is(err, fault.NotFound) {
		return map[string]string{}, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("recorded files of %s: %w", catalogHash, err)
	}
	hashes = make(map[string]string, len(v.Files))
	for _, f := range v.Files {
		sum := sha256.Sum256(f.Data)
		hashes[f.Path] = hex.EncodeToString(sum[:])
	}
	return hashes, true, nil
}
