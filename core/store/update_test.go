package store

import (
	"errors"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
)

type casDoc struct {
	ID      string   `bson:"_id"`
	Version int64    `bson:"version"`
	Counter int64    `bson:"counter"`
	Title   string   `bson:"title,omitempty"`
	Tags    []string `bson:"tags,omitempty"`
}

func TestUpdate(t *testing.T) {
	forEachStore(t, testUpdateTable)
	// The MongoDB code path (a filtered update) is not atomic on FerretDB,
	// but its sequential behaviour is the same; check it here too.
	t.Run("filtered update on ferretdb", func(t *testing.T) {
		s := openEmbedded(t, t.TempDir())
		s.localLocks = false
		testUpdateTable(t, s)
	})
}

func testUpdateTable(t *testing.T, s *Store) {
	ctx := t.Context()
	if err := s.Insert(ctx, "cas", bson.D{{Key: "_id", Value: "v1"}, {Key: "version", Value: int64(1)}, {Key: "title", Value: "old"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Insert(ctx, "cas", bson.D{{Key: "_id", Value: "unversioned"}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		id          string
		expect      int64
		update      bson.M
		wantErr     error
		wantInvalid bool // an error that is none of the sentinels
		wantVersion int64
		check       func(t *testing.T, d casDoc)
	}{
		{
			name: "set and push", id: "v1", expect: 1,
			update:      bson.M{"$set": bson.M{"title": "new"}, "$push": bson.M{"tags": "a"}},
			wantVersion: 2,
			check: func(t *testing.T, d casDoc) {
				if d.Title != "new" || len(d.Tags) != 1 || d.Version != 2 {
					t.Errorf("document = %+v", d)
				}
			},
		},
		{name: "stale version", id: "v1", expect: 1, update: bson.M{"$set": bson.M{"title": "lost"}}, wantErr: ErrConflict},
		{name: "future version", id: "v1", expect: 7, update: bson.M{}, wantErr: ErrConflict},
		{
			name: "unset with bson.D", id: "v1", expect: 2,
			update:      bson.M{"$unset": bson.D{{Key: "title", Value: ""}}},
			wantVersion: 3,
			check: func(t *testing.T, d casDoc) {
				if d.Title != "" || d.Version != 3 {
					t.Errorf("document = %+v", d)
				}
			},
		},
		{name: "missing version counts as 0", id: "unversioned", expect: 0, update: nil, wantVersion: 1},
		{name: "missing version is not 1", id: "unversioned", expect: 5, update: nil, wantErr: ErrConflict},
		{name: "missing document", id: "nope", expect: 1, update: bson.M{}, wantErr: ErrNotFound},
		{name: "operator $inc refused", id: "v1", expect: 3, update: bson.M{"$inc": bson.M{"counter": 1}}, wantInvalid: true},
		{name: "version not settable", id: "v1", expect: 3, update: bson.M{"$set": bson.M{"version": 9}}, wantInvalid: true},
		{name: "_id not settable", id: "v1", expect: 3, update: bson.M{"$unset": bson.M{"_id": ""}}, wantInvalid: true},
		{name: "operator value not a document", id: "v1", expect: 3, update: bson.M{"$set": 1}, wantInvalid: true},
		{name: "negative version", id: "v1", expect: -1, update: nil, wantInvalid: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Update(ctx, "cas", tt.id, tt.expect, tt.update)
			switch {
			case tt.wantInvalid:
				if err == nil || errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound) {
					t.Fatalf("error = %v, want a validation error", err)
				}
			case !errors.Is(err, tt.wantErr):
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if got != tt.wantVersion {
				t.Errorf("new version = %d, want %d", got, tt.wantVersion)
			}
			if tt.check != nil {
				var d casDoc
				if err := s.Get(ctx, "cas", tt.id, &d); err != nil {
					t.Fatal(err)
				}
				tt.check(t, d)
			}
		})
	}
}

func TestUpdateDoesNotModifyArgument(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	if err := s.Insert(t.Context(), "cas", casDoc{ID: "x", Version: 1}); err != nil {
		t.Fatal(err)
	}
	set := bson.M{"title": "t"}
	if _, err := s.Update(t.Context(), "cas", "x", 1, bson.M{"$set": set}); err != nil {
		t.Fatal(err)
	}
	if len(set) != 1 {
		t.Errorf("caller's $set map was changed: %v", set)
	}
}

// TestUpdateConcurrent has writers race read-increment-write loops on one
// counter: every version must have exactly one winner and no increment may
// be lost.
func TestUpdateConcurrent(t *testing.T) {
	const writers, attempts = 8, 25
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		if err := s.Insert(ctx, "cas", casDoc{ID: "counter", Version: 1}); err != nil {
			t.Fatal(err)
		}

		var (
			mu        sync.Mutex
			winners   = map[int64]int{} // new version -> writer
			conflicts int
			wg        sync.WaitGroup
		)
		for w := range writers {
			wg.Go(func() {
				for range attempts {
					var d casDoc
					if err := s.Get(ctx, "cas", "counter", &d); err != nil {
						t.Error(err)
						return
					}
					v, err := s.Update(ctx, "cas", "counter", d.Version, bson.M{"$set": bson.M{"counter": d.Counter + 1}})
					mu.Lock()
					switch {
					case err == nil:
						if prev, dup := winners[v]; dup {
							t.Errorf("version %d won by writers %d and %d", v, prev, w)
						}
						winners[v] = w
					case errors.Is(err, ErrConflict):
						conflicts++
					default:
						t.Error(err)
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()

		var final casDoc
		if err := s.Get(ctx, "cas", "counter", &final); err != nil {
			t.Fatal(err)
		}
		wins := int64(len(winners))
		if final.Counter != wins {
			t.Errorf("counter = %d, but %d updates reported success (lost updates)", final.Counter, wins)
		}
		if final.Version != 1+wins {
			t.Errorf("version = %d, want %d", final.Version, 1+wins)
		}
		for v := int64(2); v <= 1+wins; v++ {
			if _, ok := winners[v]; !ok {
				t.Errorf("no winner reported for version %d", v)
			}
		}
		if wins+int64(conflicts) != writers*attempts {
			t.Errorf("%d wins + %d conflicts != %d attempts", wins, conflicts, writers*attempts)
		}
		t.Logf("%d wins, %d conflicts", wins, conflicts)
	})
}

func TestDeleteIfVersion(t *testing.T) {
	for _, local := range []bool{true, false} {
		t.Run(map[bool]string{true: "locked", false: "filtered"}[local], func(t *testing.T) {
			s := openEmbedded(t, t.TempDir())
			s.localLocks = local
			ctx := t.Context()
			if err := s.Insert(ctx, "cas", casDoc{ID: "d", Version: 3}); err != nil {
				t.Fatal(err)
			}
			steps := []struct {
				id      string
				version int64
				want    bool
			}{
				{"d", 2, false},
				{"missing", 3, false},
				{"d", 3, true},
				{"d", 3, false},
			}
			for _, st := range steps {
				got, err := s.deleteIfVersion(ctx, "cas", st.id, st.version)
				if err != nil || got != st.want {
					t.Errorf("deleteIfVersion(%s, %d) = %v, %v; want %v", st.id, st.version, got, err, st.want)
				}
			}
		})
	}
}
