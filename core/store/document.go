package store

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// Get decodes the document with the given string _id from collection coll
// into out. It returns an error wrapping ErrNotFound if there is none.
func (s *Store) Get(ctx context.Context, coll, id string, out any) error {
	if err := s.schema.collection(coll); err != nil {
		return err
	}
	err := s.db.Collection(coll).FindOne(ctx, byID(id)).Decode(out)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("store: get %s/%s: %w", coll, id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: get %s/%s: %w", coll, id, err)
	}
	return nil
}

// Insert adds doc to collection coll. It returns an error wrapping
// ErrDuplicate if a document with the same _id (or unique index value)
// exists. Inserting is atomic on every backend, so a unique _id is the way
// to claim something.
//
// Concurrent inserts into one collection are sent together (see
// insertBatcher); each still succeeds or fails on its own.
func (s *Store) Insert(ctx context.Context, coll string, doc any) error {
	if err := s.schema.collection(coll); err != nil {
		return err
	}
	if err := s.insert(ctx, coll, doc); err != nil {
		if errors.Is(err, ErrDuplicate) {
			return fmt.Errorf("store: insert into %s: %w", coll, ErrDuplicate)
		}
		return fmt.Errorf("store: %w", s.classify(ctx, err))
	}
	s.noteWritten(ctx)
	return nil
}

// byID is the only filter shape FerretDB answers without decoding the whole
// collection in Go.
func byID(id string) bson.D {
	return bson.D{{Key: "_id", Value: id}}
}

// Delete removes the document with the given _id from coll. Deleting a
// document that does not exist is not an error.
func (s *Store) Delete(ctx context.Context, coll, id string) error {
	if err := s.schema.collection(coll); err != nil {
		return err
	}
	if _, err := s.db.Collection(coll).DeleteOne(ctx, byID(id)); err != nil {
		return fmt.Errorf("store: delete %s/%s: %w", coll, id, s.classify(ctx, err))
	}
	return nil
}
