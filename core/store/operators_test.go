package store

import (
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// TestOperatorsOnEmbeddedStore checks, one by one, every query and update
// operator the store sends through the driver, on FerretDB. The facts about
// FerretDB list operators it refuses or gets silently wrong; none of those
// may appear here.
func TestOperatorsOnEmbeddedStore(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	ctx := t.Context()
	c := s.db.Collection("operators")
	docs := []any{
		bson.D{{Key: "_id", Value: "a"}, {Key: "open", Value: true}, {Key: "team", Value: "x"}, {Key: "due", Value: "2026-01-01T00:00:00Z"}, {Key: "n", Value: 1}},
		bson.D{{Key: "_id", Value: "b"}, {Key: "open", Value: true}, {Key: "team", Value: "y"}, {Key: "due", Value: "2026-01-02T00:00:00Z"}, {Key: "n", Value: 2}},
		bson.D{{Key: "_id", Value: "c"}, {Key: "open", Value: false}, {Key: "team", Value: "x"}, {Key: "due", Value: "2026-01-03T00:00:00Z"}, {Key: "n", Value: 3}},
	}
	if _, err := c.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	ids := func(filter bson.D, opts ...*options.FindOptions) []string {
		t.Helper()
		cur, err := c.Find(ctx, filter, opts...)
		if err != nil {
			t.Fatal(err)
		}
		var out []struct {
			ID string `bson:"_id"`
		}
		if err := cur.All(ctx, &out); err != nil {
			t.Fatal(err)
		}
		r := make([]string, len(out))
		for i, o := range out {
			r[i] = o.ID
		}
		return r
	}
	sorted := options.Find().SetSort(bson.D{{Key: "due", Value: 1}, {Key: "_id", Value: 1}})
	for _, tt := range []struct {
		name   string
		filter bson.D
		want   string
	}{
		{"equality", bson.D{{Key: "open", Value: true}, {Key: "team", Value: "x"}}, "[a]"},
		{"$in", bson.D{{Key: "team", Value: bson.D{{Key: "$in", Value: bson.A{"y", "z"}}}}}, "[b]"},
		{"$lt", bson.D{{Key: "due", Value: bson.D{{Key: "$lt", Value: "2026-01-02T00:00:00Z"}}}}, "[a]"},
		{"$gt", bson.D{{Key: "due", Value: bson.D{{Key: "$gt", Value: "2026-01-01T00:00:00Z"}}}}, "[b c]"},
		{"$or", bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "_id", Value: "a"}}, bson.D{{Key: "n", Value: 3}}}}}, "[a c]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids(tt.filter, sorted); tt.want != bsonList(got) {
				t.Fatalf("got %v, want %s", got, tt.want)
			}
		})
	}
	t.Run("sort, limit, projection", func(t *testing.T) {
		got := ids(bson.D{}, options.Find().SetSort(bson.D{{Key: "due", Value: -1}}).SetLimit(2).SetProjection(bson.D{{Key: "_id", Value: 1}}))
		if bsonList(got) != "[c b]" {
			t.Fatalf("got %v", got)
		}
	})
	t.Run("$match $group $sum", func(t *testing.T) {
		cur, err := c.Aggregate(ctx, mongo.Pipeline{
			{{Key: "$match", Value: bson.D{{Key: "open", Value: true}}}},
			{{Key: "$group", Value: bson.D{{Key: "_id", Value: bson.D{{Key: "team", Value: "$team"}}}, {Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}}}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		var groups []bson.M
		if err := cur.All(ctx, &groups); err != nil {
			t.Fatal(err)
		}
		if len(groups) != 2 {
			t.Fatalf("groups = %v", groups)
		}
	})
	t.Run("$set $unset $push", func(t *testing.T) {
		_, err := c.UpdateOne(ctx, byID("a"), bson.D{
			{Key: "$set", Value: bson.D{{Key: "team", Value: "z"}}},
			{Key: "$unset", Value: bson.D{{Key: "due", Value: ""}}},
			{Key: "$push", Value: bson.D{{Key: "log", Value: "moved"}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		var got bson.M
		if err := c.FindOne(ctx, byID("a")).Decode(&got); err != nil {
			t.Fatal(err)
		}
		if got["team"] != "z" || got["due"] != nil || len(got["log"].([]any)) != 1 {
			t.Fatalf("after update: %v", got)
		}
	})
	t.Run("replace and delete by _id", func(t *testing.T) {
		if _, err := c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: "b"}, {Key: "n", Value: 2}}, bson.D{{Key: "_id", Value: "b"}, {Key: "n", Value: 20}}); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, "operators", "c"); err != nil {
			t.Fatal(err)
		}
		if got := ids(bson.D{}, sorted); bsonList(got) != "[a b]" {
			t.Fatalf("got %v", got)
		}
	})
}

func bsonList(ids []string) string {
	out := "["
	for i, id := range ids {
		if i > 0 {
			out += " "
		}
		out += id
	}
	return out + "]"
}
