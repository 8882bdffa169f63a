package store

import (
	"context"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
)

// SetDerived sets fields of the document coll/id that are derived from its
// own values — a lookup key that documents written by an older version
// lack — without changing its version, so that it never makes someone's
// compare-and-set (Update) of the document a conflict. It must only set
// values no reader compares by version. It returns an error wrapping
// ErrNotFound if the document does not exist and one wrapping ErrDuplicate
// if a unique index refuses a value.
//
// On the embedded store the write holds the key's lock, like Update, since
// FerretDB rewrites the whole document and would otherwise lose a
// concurrent Update's change.
func (s *Store) SetDerived(ctx context.Context, coll, id string, set map[string]any) error {
	if err := s.schema.collection(coll); err != nil {
		return err
	}
	fields, err := updateFields(set)
	if err != nil {
		return fmt.Errorf("store: set derived fields of %s/%s: %w", coll, id, err)
	}
	for _, f := range fields {
		if f.Key == "" || f.Key == "_id" || strings.HasPrefix(f.Key, "_id.") || f.Key == VersionField || strings.HasPrefix(f.Key, VersionField+".") {
			return fmt.Errorf("store: set derived fields of %s/%s: field %q may not be changed", coll, id, f.Key)
		}
	}
	if len(fields) == 0 {
		return nil
	}
	if s.localLocks {
		defer s.locks.Lock(coll, id)()
	}
	res, err := s.db.Collection(coll).UpdateOne(ctx, byID(id), bson.D{{Key: "$set", Value: fields}})
	if err != nil {
		return fmt.Errorf("store: set derived fields of %s/%s: %w", coll, id, s.classify(ctx, writeError(err)))
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("store: set derived fields of %s/%s: %w", coll, id, ErrNotFound)
	}
	s.noteWritten(ctx)
	return nil
}
