package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// ensureIndexes creates the indexes of the store's own collections. FerretDB
// accepts them but does not use them to answer queries; those collections
// are kept small for that reason.
func (s *Store) ensureIndexes(ctx context.Context) error {
	_, err := s.db.Collection(leasesCollection).Indexes().CreateOne(ctx, mongo.IndexModel{
		Keys: bson.D{{Key: "name", Value: 1}, {Key: "epoch", Value: -1}},
	})
	if err != nil {
		return fmt.Errorf("store: create index on %s: %w", leasesCollection, err)
	}
	return nil
}
