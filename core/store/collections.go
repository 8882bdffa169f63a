package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Collection names. docs/data-model.md describes each collection's fields.
const (
	TicketsCollection = "tickets"
	HistoryCollection = "history"
)

// indexSpec is one index, declared once and created on both backends. On
// MongoDB it serves the query shapes listed with it; on the embedded store
// the query layer reads the same index through SQL (sqlindex.go), because
// FerretDB creates it as an SQLite expression index but never uses it.
type indexSpec struct {
	collection string
	keys       bson.D
	unique     bool
	// serves names the query shapes (see queryShapes) the index answers.
	serves []string
}

// indexes is every index vorgang creates. A query shape without an index
// here would scan a whole collection on MongoDB and on the embedded store.
var indexes = []indexSpec{
	{collection: TicketsCollection, keys: bson.D{{Key: "open", Value: 1}, {Key: "team", Value: 1}, {Key: "due", Value: 1}},
		serves: []string{"inbox.team", "inbox.team.closed.text"}},
	{collection: TicketsCollection, keys: bson.D{{Key: "open", Value: 1}, {Key: "assignee", Value: 1}, {Key: "due", Value: 1}},
		serves: []string{"inbox.assignee"}},
	{collection: TicketsCollection, keys: bson.D{{Key: "open", Value: 1}, {Key: "requester", Value: 1}, {Key: "due", Value: 1}},
		serves: []string{"inbox.requester"}},
	{collection: TicketsCollection, keys: bson.D{{Key: "open", Value: 1}, {Key: "due", Value: 1}},
		serves: []string{"due_before"}},
	{collection: TicketsCollection, keys: bson.D{{Key: "open", Value: 1}, {Key: "team", Value: 1}, {Key: "state", Value: 1}, {Key: "priority", Value: 1}},
		serves: []string{"counts"}},
	{collection: TicketsCollection, keys: bson.D{{Key: "tracking", Value: 1}}, unique: true,
		serves: []string{"ticket.by_tracking"}},
	{collection: OutboxCollection, keys: bson.D{{Key: "state", Value: 1}, {Key: "next_at", Value: 1}},
		serves: []string{"outbox.due", "outbox.list"}},
}

// ownedCollections are created at start-up so their SQLite tables exist
// before the query layer looks them up.
// Every one of them is read by _id, which the embedded store answers from
// the extra _id index (see addIDIndexes).
var ownedCollections = []string{
	TicketsCollection, HistoryCollection,
	metaCollection, countersCollection, counterClaimsCollection, idempotencyCollection, leasesCollection,
	AttachmentsCollection, AttachmentChunksCollection, DefinitionVersionsCollection, OutboxCollection,
}

// ensureCollections creates the collections and indexes vorgang queries. It
// is idempotent and cheap when everything exists.
func (s *Store) ensureCollections(ctx context.Context) error {
	existing, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return fmt.Errorf("store: list collections: %w", err)
	}
	for _, name := range s.collections {
		if contains(existing, name) {
			continue
		}
		if err := s.db.CreateCollection(ctx, name); err != nil && !isNamespaceExists(err) {
			return fmt.Errorf("store: create collection %s: %w", name, err)
		}
	}
	byColl := map[string][]mongo.IndexModel{}
	for _, ix := range indexes {
		opts := options.Index().SetName(ix.name())
		if ix.unique {
			opts.SetUnique(true)
		}
		byColl[ix.collection] = append(byColl[ix.collection], mongo.IndexModel{Keys: ix.keys, Options: opts})
	}
	for coll, models := range byColl {
		// Create only missing indexes: FerretDB fails on a createIndexes
		// that repeats existing ones.
		have, err := s.indexNames(ctx, coll)
		if err != nil {
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

// name is the index's name, the one MongoDB would choose: field_1_field_1.
func (ix indexSpec) name() string {
	parts := make([]string, 0, 2*len(ix.keys))
	for _, k := range ix.keys {
		parts = append(parts, k.Key, fmt.Sprint(k.Value))
	}
	return strings.Join(parts, "_")
}

func isNamespaceExists(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && ce.Code == 48 // NamespaceExists
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
