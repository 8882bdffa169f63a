package store

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Collection names. docs/data-model.md describes each collection's fields.
const (
	TicketsCollection = "tickets"
	HistoryCollection = "history"
)

// ensureCollections creates the collections and indexes vorgang queries. It
// is idempotent and cheap when everything exists.
func (s *Store) ensureCollections(ctx context.Context) error {
	existing, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return fmt.Errorf("store: list collections: %w", err)
	}
	for _, name := range s.schema.names() {
		if slices.Contains(existing, name) {
			continue
		}
		if err := s.db.CreateCollection(ctx, name); err != nil && !isNamespaceExists(err) {
			return fmt.Errorf("store: create collection %s: %w", name, err)
		}
	}
	byColl := map[string][]mongo.IndexModel{}
	for _, c := range s.schema {
		for _, ix := range c.Indexes {
			if s.embedded != nil && !c.embeddedNeeds(ix) {
				continue
			}
			opts := options.Index().SetName(ix.name())
			if ix.Unique {
				opts.SetUnique(true)
			}
			if ix.Sparse && s.embedded == nil {
				opts.SetSparse(true)
			}
			byColl[c.Name] = append(byColl[c.Name], mongo.IndexModel{Keys: ix.keys(), Options: opts})
		}
	}
	for coll, models := range byColl {
		// Create only missing indexes: FerretDB fails on a createIndexes
		// that repeats existing ones.
		have, err := s.indexNames(ctx, coll)
		if err != nil {
			return err
		}
		if err := s.dropRetiredIndexes(ctx, coll, have); err != nil {
			return err
		}
		var missing []mongo.IndexModel
		for _, m := range models {
			if !have[*m.Options.Name] {
				missing = append(missing, m)
			}
		}
		if len(missing) == 0 {
			continue
		}
		if _, err := s.db.Collection(coll).Indexes().CreateMany(ctx, missing); err != nil {
			return fmt.Errorf("store: create indexes on %s: %w", coll, err)
		}
	}
	return nil
}

// retiredIndexes are indexes earlier versions created that a longer one
// now serves: each costs a write per change and disk for nothing.
var retiredIndexes = map[string][]string{
	TicketsCollection: {"open_1_team_1_due_1", "open_1_assignee_1_due_1", "open_1_requester_1_due_1", "open_1_due_1"},
	OutboxCollection:  {"state_1_next_at_1"},
	// Created outside the declared schema before the leases' index was
	// declared there; the ascending one serves the same queries.
	leasesCollection: {"name_1_epoch_-1"},
}

func (s *Store) dropRetiredIndexes(ctx context.Context, coll string, have map[string]bool) error {
	for _, name := range retiredIndexes[coll] {
		if !have[name] {
			continue
		}
		if _, err := s.db.Collection(coll).Indexes().DropOne(ctx, name); err != nil {
			return fmt.Errorf("store: drop index %s of %s: %w", name, coll, err)
		}
		delete(have, name)
	}
	return nil
}

func (s *Store) indexNames(ctx context.Context, coll string) (map[string]bool, error) {
	specs, err := s.db.Collection(coll).Indexes().ListSpecifications(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: list indexes of %s: %w", coll, err)
	}
	names := make(map[string]bool, len(specs))
	for _, spec := range specs {
		names[spec.Name] = true
	}
	return names, nil
}

func isNamespaceExists(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && ce.Code == 48 // NamespaceExists
}
