package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// VersionField is the document field Update compares and increments.
const VersionField = "version"

// isUpdateOperator reports whether Update accepts op. Others are either
// refused or silently wrong on FerretDB ($pull with a condition, positional
// $, $push with $slice), or would touch the version ($inc).
func isUpdateOperator(op string) bool {
	switch op {
	case "$set", "$unset", "$push":
		return true
	}
	return false
}

// Update is a compare-and-set on one document. If the document coll/id has
// version expectVersion (a missing version field counts as 0), Update
// applies update — a document of $set, $unset and $push operators — sets
// version to expectVersion+1 and returns that. If the stored version
// differs, it changes nothing and returns an error wrapping ErrConflict; if
// the document does not exist, one wrapping ErrNotFound.
//
// Of any number of concurrent calls with the same expectVersion exactly one
// succeeds. On MongoDB the database guarantees this (a filtered update on
// _id and version). On FerretDB, whose filtered updates are a read and a
// write without a lock, the read and write happen under a lock in this
// process, which is correct because one process owns an embedded store.
// Writes that bypass Update (through DB) are not covered.
func (s *Store) Update(ctx context.Context, coll, id string, expectVersion int64, update map[string]any) (newVersion int64, err error) {
	if err := s.schema.collection(coll); err != nil {
		return 0, err
	}
	if expectVersion < 0 {
		return 0, fmt.Errorf("store: update %s/%s: negative version %d", coll, id, expectVersion)
	}
	newVersion = expectVersion + 1
	upd, err := versionedUpdate(update, newVersion)
	if err != nil {
		return 0, fmt.Errorf("store: update %s/%s: %w", coll, id, err)
	}
	if s.localLocks {
		err = s.updateLocked(ctx, coll, id, expectVersion, upd)
	} else {
		err = s.updateFiltered(ctx, coll, id, expectVersion, upd)
	}
	if err != nil {
		return 0, fmt.Errorf("store: update %s/%s: %w", coll, id, s.classify(ctx, err))
	}
	s.noteWritten(ctx)
	return newVersion, nil
}

// updateLocked reads the version and writes under the key's lock.
func (s *Store) updateLocked(ctx context.Context, coll, id string, expect int64, upd bson.D) error {
	defer s.locks.Lock(coll, id)()

	c := s.db.Collection(coll)
	var cur struct {
		Version int64 `bson:"version"`
	}
	err := c.FindOne(ctx, byID(id), options.FindOne().SetProjection(bson.D{{Key: VersionField, Value: 1}})).Decode(&cur)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("read version: %w", err)
	}
	if cur.Version != expect {
		return fmt.Errorf("%w: stored version %d, expected %d", ErrConflict, cur.Version, expect)
	}
	done := s.foreignWrite()
	res, err := c.UpdateOne(ctx, byID(id), upd)
	done()
	if err != nil {
		return writeError(err)
	}
	if res.MatchedCount == 0 {
		return ErrNotFound // deleted by a writer that does not lock
	}
	return nil
}

// updateFiltered lets the database compare and set in one operation.
func (s *Store) updateFiltered(ctx context.Context, coll, id string, expect int64, upd bson.D) error {
	c := s.db.Collection(coll)
	var version any = expect
	if expect == 0 {
		version = bson.D{{Key: "$in", Value: bson.A{0, nil}}} // 0 or missing
	}
	done := s.foreignWrite()
	res, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: VersionField, Value: version}}, upd)
	done()
	if err != nil {
		return writeError(err)
	}
	if res.MatchedCount == 1 {
		return nil
	}
	err = c.FindOne(ctx, byID(id), options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return ErrNotFound
	case err != nil:
		return fmt.Errorf("read after failed compare-and-set: %w", err)
	default:
		return fmt.Errorf("%w: version is not %d", ErrConflict, expect)
	}
}

// writeError marks a write a unique index refused as ErrDuplicate. FerretDB
// answers an update that clashes with a unique index not with MongoDB's
// duplicate key error but with an InternalError carrying SQLite's message.
func writeError(err error) error {
	if mongo.IsDuplicateKeyError(err) || strings.Contains(err.Error(), "UNIQUE constraint failed") {
		return fmt.Errorf("%w: %w", ErrDuplicate, err)
	}
	return err
}

// versionedUpdate checks update and adds {$set: {version: newVersion}}.
func versionedUpdate(update map[string]any, newVersion int64) (bson.D, error) {
	ops := make([]string, 0, len(update))
	for op := range update {
		if !isUpdateOperator(op) {
			return nil, fmt.Errorf("operator %q not supported (only $set, $unset, $push)", op)
		}
		ops = append(ops, op)
	}
	sort.Strings(ops)

	out := make(bson.D, 0, len(ops)+1)
	hasSet := false
	for _, op := range ops {
		fields, err := updateFields(update[op])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		for _, f := range fields {
			if f.Key == "" || f.Key == "_id" || strings.HasPrefix(f.Key, "_id.") ||
				f.Key == VersionField || strings.HasPrefix(f.Key, VersionField+".") {
				return nil, fmt.Errorf("%s: field %q may not be changed", op, f.Key)
			}
		}
		if op == "$set" {
			fields = append(fields, bson.E{Key: VersionField, Value: newVersion})
			hasSet = true
		}
		if len(fields) > 0 {
			out = append(out, bson.E{Key: op, Value: fields})
		}
	}
	if !hasSet {
		out = append(out, bson.E{Key: "$set", Value: bson.D{{Key: VersionField, Value: newVersion}}})
	}
	return out, nil
}

// updateFields returns an operator's field list as a fresh bson.D, so the
// caller's map is never modified.
func updateFields(v any) (bson.D, error) {
	var m map[string]any
	switch v := v.(type) {
	case bson.D:
		return append(bson.D(nil), v...), nil
	case bson.M:
		m = v
	case map[string]any:
		m = v
	default:
		return nil, fmt.Errorf("want a document of fields, got %T", v)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	d := make(bson.D, 0, len(keys))
	for _, k := range keys {
		d = append(d, bson.E{Key: k, Value: m[k]})
	}
	return d, nil
}

// deleteIfVersion deletes coll/id if its version is still version, with the
// same atomicity as Update. It reports whether it deleted.
func (s *Store) deleteIfVersion(ctx context.Context, coll, id string, version int64) (bool, error) {
	c := s.db.Collection(coll)
	if !s.localLocks {
		res, err := c.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: VersionField, Value: version}})
		if err != nil {
			return false, s.classify(ctx, err)
		}
		return res.DeletedCount == 1, nil
	}

	defer s.locks.Lock(coll, id)()
	var cur struct {
		Version int64 `bson:"version"`
	}
	err := c.FindOne(ctx, byID(id), options.FindOne().SetProjection(bson.D{{Key: VersionField, Value: 1}})).Decode(&cur)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if cur.Version != version {
		return false, nil
	}
	res, err := c.DeleteOne(ctx, byID(id))
	if err != nil {
		return false, s.classify(ctx, err)
	}
	return res.DeletedCount == 1, nil
}
