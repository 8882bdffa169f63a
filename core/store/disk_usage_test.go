package store

import (
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
)

func TestDiskUsageByCollection(t *testing.T) {
	ctx := t.Context()
	s := openEmbedded(t, t.TempDir())
	before, err := s.DiskUsage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	docs := make([]any, 500)
	for i := range docs {
		docs[i] = bson.M{"_id": i, "text": strings.Repeat("x", 1000)}
	}
	if _, err := s.InsertMany(ctx, "notes", docs); err != nil {
		t.Fatal(err)
	}
	after, err := s.DiskUsage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	usage := func(u DiskUsage) CollectionUsage {
		for _, c := range u.Collections {
			if c.Collection == "notes" {
				return c
			}
		}
		return CollectionUsage{}
	}
	grown := usage(after).TableBytes - usage(before).TableBytes
	if grown < 500*1000 {
		t.Errorf("notes grew by %d bytes for 500 documents of 1000 bytes", grown)
	}
	if len(usage(after).IndexBytes) == 0 {
		t.Error("notes has no indexes measured")
	}
	if after.FileBytes == 0 {
		t.Error("the database file has no size")
	}
	var sum int64
	for _, c := range after.Collections {
		sum += c.Bytes()
	}
	if sum+after.FreeBytes+after.OtherBytes > after.FileBytes+after.WALBytes {
		t.Errorf("collections %d + free %d + other %d exceed the files %d + %d", sum, after.FreeBytes, after.OtherBytes, after.FileBytes, after.WALBytes)
	}
}
