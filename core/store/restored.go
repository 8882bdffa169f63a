package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// restoredID is the meta document a restore leaves behind: the data came
// from an archive and has not yet been brought up to date (retention) by
// a server.
const restoredID = "restored"

// markRestored notes that the data was just restored. It is written after
// the archive's own meta documents, so it survives the restore it marks.
func (s *Store) markRestored(ctx context.Context) error {
	_, err := s.db.Collection(metaCollection).ReplaceOne(ctx, byID(restoredID),
		bson.D{{Key: "_id", Value: restoredID}, {Key: "at", Value: time.Now().UTC()}}, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("store: mark the data restored: %w", err)
	}
	return nil
}

// Restored reports whether the data was restored from an archive and
// ClearRestored has not been called since: what a server must do once
// before it shows such data (apply retention) is still to be done.
func (s *Store) Restored(ctx context.Context) (bool, error) {
	var mark struct {
		At time.Time `bson:"at"`
	}
	err := s.Get(ctx, metaCollection, restoredID, &mark)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNotFound):
		return false, nil
	default:
		return false, fmt.Errorf("store: read the restore mark: %w", err)
	}
}

// ClearRestored removes the mark of a restore, once the restored data is
// up to date.
func (s *Store) ClearRestored(ctx context.Context) error {
	if _, err := s.db.Collection(metaCollection).DeleteOne(ctx, byID(restoredID)); err != nil {
		return fmt.Errorf("store: clear the restore mark: %w", err)
	}
	return nil
}
