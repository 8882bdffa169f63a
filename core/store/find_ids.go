package store

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// findIDs runs a find on coll (through the driver) and returns the _id of
// each document found, in the order found; opts is given the projection to
// _id alone.
func (s *Store) findIDs(ctx context.Context, coll string, filter any, opts *options.FindOptions) ([]string, error) {
	cur, err := s.db.Collection(coll).Find(ctx, filter, opts.SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids, nil
}
