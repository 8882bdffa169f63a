package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Find is a query of a registered shape, in _id order; a look-up by a
// unique key (one document per value) comes in no particular order.
type Find struct {
	// Shape names the declared query shape (see QueryShape).
	Shape string
	// Equal are equality conditions; each field must be one of the shape's
	// keys. An array field matches when it holds the value.
	Equal []Condition
	// In, if its Field is set, selects documents whose field is one of
	// In.Value, a []string: a batch of look-ups by one key of the shape.
	In Condition
	// After, if set, selects documents whose _id is greater (paging).
	After string
	// Text, if set, must occur in one of TextFields, ignoring case. It is a
	// plain text, never a pattern.
	Text       string
	TextFields []string
	// Fields projects the result onto these fields (and _id); nil: all.
	Fields []string
	// Limit bounds the result; 0: no bound.
	Limit int
}

// Condition is one field that must equal Value.
type Condition struct {
	Field string
	Value any
}

// Find decodes the documents of coll matching f into out, a pointer to a
// slice. The shape must be declared for coll and name every field f
// compares by equality, so each query the code issues is one the schema
// (and the indexes it creates) knows about.
func (s *Store) Find(ctx context.Context, coll string, f Find, out any) error {
	shape, err := s.schema.shape(coll, f.Shape)
	if err != nil {
		return err
	}
	filter := bson.D{}
	for _, c := range f.Equal {
		if !shape.Scans && !slices.Contains(shape.Keys, c.Field) && !slices.Contains(shape.Residual, c.Field) {
			return fmt.Errorf("store: query %s on %s compares %s, which the shape does not declare", f.Shape, coll, c.Field)
		}
		filter = append(filter, bson.E{Key: c.Field, Value: c.Value})
	}
	if f.In.Field != "" {
		values, ok := f.In.Value.([]string)
		if !ok {
			return fmt.Errorf("store: query %s on %s: In wants a []string, got %T", f.Shape, coll, f.In.Value)
		}
		if !shape.Scans && !slices.Contains(shape.Keys, f.In.Field) {
			return fmt.Errorf("store: query %s on %s compares %s, which the shape does not declare", f.Shape, coll, f.In.Field)
		}
		filter = append(filter, bson.E{Key: f.In.Field, Value: bson.D{{Key: "$in", Value: values}}})
	}
	if f.After != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: f.After}}})
	}
	if f.Text != "" {
		re := bson.D{{Key: "$regex", Value: regexp.QuoteMeta(f.Text)}, {Key: "$options", Value: "i"}}
		either := bson.A{}
		for _, field := range f.TextFields {
			either = append(either, bson.D{{Key: field, Value: re}})
		}
		filter = append(filter, bson.E{Key: "$or", Value: either})
	}
	// The comment names the shape to MongoDB's logs and profiler, and to
	// Served, which accepts a declared scan by its name.
	opts := options.Find().SetComment(f.Shape)
	bound := f.Equal
	if f.In.Field != "" {
		bound = append(slices.Clone(f.Equal), f.In)
	}
	if !s.schema.unique(coll, bound) {
		// At most one document matches each value of a unique key:
		// MongoDB would still sort them in memory.
		opts.SetSort(bson.D{{Key: "_id", Value: 1}})
	}
	if f.Limit > 0 {
		opts.SetLimit(int64(f.Limit))
	}
	if f.Fields != nil {
		proj := bson.D{}
		for _, field := range f.Fields {
			proj = append(proj, bson.E{Key: field, Value: 1})
		}
		opts.SetProjection(proj)
	}
	cur, err := s.db.Collection(coll).Find(ctx, filter, opts)
	if err != nil {
		return fmt.Errorf("store: query %s on %s: %w", f.Shape, coll, err)
	}
	if err := cur.All(ctx, out); err != nil {
		return fmt.Errorf("store: query %s on %s: %w", f.Shape, coll, err)
	}
	return nil
}

// idBatch is how many ids one GetMany query carries.
const idBatch = 500

// GetMany decodes the documents of coll with the given _ids into out, a
// pointer to a slice, in no particular order; ids without a document are
// left out.
func (s *Store) GetMany(ctx context.Context, coll string, ids []string, out any) error {
	if err := s.schema.collection(coll); err != nil {
		return err
	}
	rv, ok := sliceOf(out)
	if !ok {
		return fmt.Errorf("store: get many from %s: want a pointer to a slice, got %T", coll, out)
	}
	for start := 0; start < len(ids); start += idBatch {
		batch := ids[start:min(start+idBatch, len(ids))]
		cur, err := s.db.Collection(coll).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: batch}}}})
		if err != nil {
			return fmt.Errorf("store: get many from %s: %w", coll, err)
		}
		if err := appendAll(ctx, cur, rv); err != nil {
			return fmt.Errorf("store: get many from %s: %w", coll, err)
		}
	}
	return nil
}

// InsertMany adds docs to coll in order, in one request, and stops at the
// first that fails. It returns how many were stored; a document whose _id
// (or unique value) exists fails with an error wrapping ErrDuplicate.
func (s *Store) InsertMany(ctx context.Context, coll string, docs []any) (int, error) {
	if err := s.schema.collection(coll); err != nil {
		return 0, err
	}
	if len(docs) == 0 {
		return 0, nil
	}
	done := s.foreignWrite()
	_, err := s.db.Collection(coll).InsertMany(ctx, docs, options.InsertMany().SetOrdered(true))
	done()
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && len(bwe.WriteErrors) > 0 {
		first := bwe.WriteErrors[0]
		if mongo.IsDuplicateKeyError(err) {
			return first.Index, fmt.Errorf("store: insert into %s: %w", coll, ErrDuplicate)
		}
		return first.Index, fmt.Errorf("store: insert into %s: %w", coll, s.classify(ctx, err))
	}
	if err != nil {
		return 0, fmt.Errorf("store: insert into %s: %w", coll, s.classify(ctx, err))
	}
	s.noteWritten(ctx)
	return len(docs), nil
}

// sliceOf returns the slice out points to.
func sliceOf(out any) (reflect.Value, bool) {
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Slice {
		return reflect.Value{}, false
	}
	return rv.Elem(), true
}

// appendAll decodes every document of cur and appends it to the slice.
func appendAll(ctx context.Context, cur *mongo.Cursor, slice reflect.Value) error {
	part := reflect.New(slice.Type())
	if err := cur.All(ctx, part.Interface()); err != nil {
		return err
	}
	slice.Set(reflect.AppendSlice(slice, part.Elem()))
	return nil
}

// DeleteExpired deletes the documents of coll whose time field, the one key
// of the declared shape, is at or before now, and returns how many.
func (s *Store) DeleteExpired(ctx context.Context, coll, shape string, now time.Time) (int64, error) {
	sh, err := s.schema.shape(coll, shape)
	if err != nil {
		return 0, err
	}
	if len(sh.Keys) != 1 {
		return 0, fmt.Errorf("store: query %s on %s: want one time field, have %v", shape, coll, sh.Keys)
	}
	res, err := s.db.Collection(coll).DeleteMany(ctx, bson.D{{Key: sh.Keys[0], Value: bson.D{{Key: "$lte", Value: now}}}},
		options.Delete().SetComment(shape))
	if err != nil {
		return 0, fmt.Errorf("store: delete expired from %s: %w", coll, s.classify(ctx, err))
	}
	return res.DeletedCount, nil
}
