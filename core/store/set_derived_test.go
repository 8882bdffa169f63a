package store

import (
	"errors"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
)

// TestSetDerived fills a lookup key into documents written without it: the
// version stays, a unique index refuses a clash, and the documents without
// the key (the older ones) may be many.
func TestSetDerived(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		for _, id := range []string{"ABC", "abc", "X"} {
			if err := s.Insert(ctx, "derived", bson.D{{Key: "_id", Value: id}, {Key: "version", Value: int64(3)}}); err != nil {
				t.Fatalf("insert %s without a key: %v", id, err)
			}
		}
		tests := []struct {
			name string
			id   string
			set  map[string]any
			want error
		}{
			{"sets the key", "ABC", map[string]any{"key": "abc"}, nil},
			{"a clash is a duplicate", "abc", map[string]any{"key": "abc"}, ErrDuplicate},
			{"a missing document", "nope", map[string]any{"key": "nope"}, ErrNotFound},
			{"the version is not derived", "X", map[string]any{"version": 9}, errAny},
			{"nor the _id", "X", map[string]any{"_id": "Y"}, errAny},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := s.SetDerived(ctx, "derived", tt.id, tt.set)
				switch {
				case tt.want == nil && err != nil, tt.want == errAny && err == nil,
					tt.want != nil && tt.want != errAny && !errors.Is(err, tt.want):
					t.Fatalf("err = %v, want %v", err, tt.want)
				}
			})
		}
		var got struct {
			Key     string `bson:"key"`
			Version int64  `bson:"version"`
		}
		if err := s.Get(ctx, "derived", "ABC", &got); err != nil || got.Key != "abc" || got.Version != 3 {
			t.Fatalf("after SetDerived: %+v, %v", got, err)
		}
		if _, err := s.Update(ctx, "derived", "ABC", 3, map[string]any{"$set": map[string]any{"note": "x"}}); err != nil {
			t.Fatalf("a compare-and-set after SetDerived: %v", err)
		}
		if err := s.Insert(ctx, "derived", bson.D{{Key: "_id", Value: "aBc"}, {Key: "key", Value: "abc"}}); !errors.Is(err, ErrDuplicate) {
			t.Fatalf("a new document with a taken key: %v", err)
		}

		// A batch of look-ups by the key.
		var found []struct {
			ID string `bson:"_id"`
		}
		err := s.Find(ctx, "derived", Find{Shape: "derived.by_key", In: Condition{Field: "key", Value: []string{"abc", "zzz"}}}, &found)
		if err != nil || len(found) != 1 || found[0].ID != "ABC" {
			t.Fatalf("find by key: %+v, %v", found, err)
		}
		if err := s.Find(ctx, "derived", Find{Shape: "derived.by_key", In: Condition{Field: "other", Value: []string{"x"}}}, &found); err == nil {
			t.Fatal("a look-up by an undeclared field")
		}
	})
}

// errAny stands for "some error" in a table.
var errAny = errors.New("any error")
