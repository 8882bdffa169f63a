package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
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

// servedID is the meta document naming the definition version in service.
const servedID = "definitions.served"

type servedDoc struct {
	ID   string    `bson:"_id"`
	Hash string    `bson:"hash"`
	At   time.Time `bson:"at"`
	// Previous is the version Hash replaced; empty for the first.
	Previous string `bson:"previous,omitempty"`
}

// MarkServed records that the definition version hash is in service from
// at on, so a later start or a plan compares with it. The version must have
// been saved (SaveDefinitionVersion).
func (s *Store) MarkServed(ctx context.Context, hash string, at time.Time) error {
	coll := s.db.Collection(metaCollection)
	doc := servedDoc{ID: servedID, Hash: hash, At: at.UTC()}
	// Insert, then set: concurrent upserts of one _id are not safe on
	// FerretDB. The last instance to mark wins, which is the one that
	// loaded last.
	if _, err := coll.InsertOne(ctx, doc); err == nil {
		return nil
	} else if !mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("store: mark definitions %s served: %w", hash, s.classify(ctx, err))
	}
	set := bson.D{{Key: "hash", Value: hash}, {Key: "at", Value: doc.At}}
	var was servedDoc
	if err := s.Get(ctx, metaCollection, servedID, &was); err != nil {
		return fmt.Errorf("store: mark definitions %s served: %w", hash, err)
	}
	if was.Hash != hash {
		// A version served again (after a restart) keeps what it replaced.
		set = append(set, bson.E{Key: "previous", Value: was.Hash})
	}
	if _, err := coll.UpdateOne(ctx, byID(servedID), bson.D{{Key: "$set", Value: set}}); err != nil {
		return fmt.Errorf("store: mark definitions %s served: %w", hash, s.classify(ctx, err))
	}
	return nil
}

// ServedDefinitionVersion returns the definition version last marked as
// served, or an error wrapping ErrNotFound when none was.
func (s *Store) ServedDefinitionVersion(ctx context.Context) (*DefinitionVersion, error) {
	var doc servedDoc
	if err := s.Get(ctx, metaCollection, servedID, &doc); err != nil {
		return nil, fmt.Errorf("store: served definitions: %w", err)
	}
	return s.DefinitionVersion(ctx, doc.Hash)
}

// ReplacedDefinitionVersion returns the hash of the definition version the
// one in service replaced, or "" when none did (or none is served).
func (s *Store) ReplacedDefinitionVersion(ctx context.Context) (string, error) {
	var doc servedDoc
	err := s.Get(ctx, metaCollection, servedID, &doc)
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: served definitions: %w", err)
	}
	return doc.Previous, nil
}

// DefinitionVersionInfo is a definition version without its files.
type DefinitionVersionInfo struct {
	Hash     string    `bson:"_id"`
	LoadedAt time.Time `bson:"loaded_at"`
}

// DefinitionVersions lists every recorded definition version, newest
// first, without their files.
func (s *Store) DefinitionVersions(ctx context.Context) ([]DefinitionVersionInfo, error) {
	var out []DefinitionVersionInfo
	if err := s.Find(ctx, DefinitionVersionsCollection, Find{Shape: shapeDefinitionVersions, Fields: []string{"loaded_at"}}, &out); err != nil {
		return nil, fmt.Errorf("store: list definition versions: %w", err)
	}
	slices.SortFunc(out, func(a, b DefinitionVersionInfo) int { return b.LoadedAt.Compare(a.LoadedAt) })
	return out, nil
}
