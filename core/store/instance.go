package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

const (
	metaCollection = "meta"
	instanceID     = "instance"
)

// InstanceInfo describes the vorgang instance a database belongs to. It is
// written once, when a store is opened on an empty database.
type InstanceInfo struct {
	// CreatedAt is when the database was first opened (UTC, millisecond
	// precision). The same value on a later start proves the data was kept.
	CreatedAt time.Time
}

type instanceDoc struct {
	ID        string    `bson:"_id"`
	CreatedAt time.Time `bson:"created_at"`
	Version   int64     `bson:"version"`
}

// loadInstance creates the instance document unless it exists and reads it.
func (s *Store) loadInstance(ctx context.Context) error {
	coll := s.db.Collection(metaCollection)
	doc := instanceDoc{ID: instanceID, CreatedAt: time.Now().UTC().Truncate(time.Millisecond), Version: 1}
	// A plain insert, not an upsert: concurrent upserts of one _id are not
	// safe on FerretDB, a duplicate insert is.
	if _, err := coll.InsertOne(ctx, doc); err != nil && !mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("store: create instance document: %w", err)
	}
	var got instanceDoc
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: instanceID}}).Decode(&got); err != nil {
		return fmt.Errorf("store: read instance document: %w", err)
	}
	s.instance = InstanceInfo{CreatedAt: got.CreatedAt.UTC()}
	return nil
}

// Instance returns the instance document read when the store was opened.
func (s *Store) Instance() InstanceInfo { return s.instance }
