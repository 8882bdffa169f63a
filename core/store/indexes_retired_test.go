package store

import (
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"vorgang/core/ticket"
)

// A store made by an earlier version has indexes a longer one now serves;
// opening it drops them (each costs a write per change) and creates the
// longer ones, and its lists answer as before.
func TestOpenReplacesRetiredIndexes(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(t.Context(), Config{DataDir: dir, Logger: testLogger(t), Collections: testSchema})
	if err != nil {
		t.Fatal(err)
	}
	seedQueryTickets(t, s, 30)
	for coll, names := range retiredIndexes {
		for _, name := range names {
			keys := bson.D{}
			for _, k := range strings.Split(strings.TrimSuffix(name, "_1"), "_1_") {
				keys = append(keys, bson.E{Key: k, Value: 1})
			}
			if _, err := s.db.Collection(coll).Indexes().CreateOne(t.Context(), mongo.IndexModel{Keys: keys, Options: options.Index().SetName(name)}); err != nil {
				t.Fatalf("create the old index %s: %v", name, err)
			}
		}
	}
	closeStore(t, s)

	s = openEmbedded(t, dir)
	for coll, names := range retiredIndexes {
		have, err := s.indexNames(t.Context(), coll)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			if have[name] {
				t.Errorf("%s still has the retired index %s", coll, name)
			}
		}
	}
	rows, _, err := s.Inbox(t.Context(), ticket.Query{Team: "it-1st-level"})
	if err != nil || len(rows) == 0 {
		t.Fatalf("inbox after the indexes changed: %d rows, %v", len(rows), err)
	}
}
