package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// IDsUpTo returns the ids of at most limit documents of coll whose key is at
// most upTo, smallest key first: the documents a clean-up job has to look
// at, oldest first, when the key is a time written with ticket.SortTime.
// The shape must be declared with UpTo and one key; documents without the
// key are never returned.
func (s *Store) IDsUpTo(ctx context.Context, coll, shapeName, upTo string, limit int) ([]string, error) {
	shape, err := s.schema.shape(coll, shapeName)
	if err != nil {
		return nil, err
	}
	if !shape.UpTo || len(shape.Keys) != 1 {
		return nil, fmt.Errorf("store: query %s on %s is not a range on one key (UpTo)", shapeName, coll)
	}
	if limit <= 0 {
		return nil, fmt.Errorf("store: query %s: limit %d, want at least 1", shapeName, limit)
	}
	key := shape.Keys[0]
	if s.sql != nil {
		q, args, err := s.upToSQL(ctx, coll, key, upTo, limit)
		if err != nil {
			return nil, fmt.Errorf("store: query %s: %w", shapeName, err)
		}
		ids, err := s.sql.queryIDs(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("store: query %s: %w", shapeName, err)
		}
		return ids, nil
	}
	ids, err := s.findIDs(ctx, coll, bson.D{{Key: key, Value: bson.D{{Key: "$lte", Value: upTo}}}},
		options.Find().SetSort(bson.D{{Key: key, Value: 1}}).SetLimit(int64(limit)).SetComment(shapeName))
	if err != nil {
		return nil, fmt.Errorf("store: query %s: %w", shapeName, err)
	}
	return ids, nil
}

// upToSQL is IDsUpTo's query on the embedded store, answered from the
// key's index.
func (s *Store) upToSQL(ctx context.Context, coll, key, upTo string, limit int) (string, []any, error) {
	table, err := s.sql.table(ctx, coll)
	if err != nil {
		return "", nil, err
	}
	v, err := jsonValue(upTo)
	if err != nil {
		return "", nil, err
	}
	return fmt.Sprintf("SELECT %s FROM %q WHERE %s <= ? ORDER BY %s LIMIT %d",
		text("_id"), table, field(key), field(key), limit), []any{v}, nil
}
