package store

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
)

func TestAttachmentRoundTrip(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	for _, tt := range []struct {
		name string
		size int
	}{
		{"empty", 0},
		{"small", 1234},
		{"exactly one chunk", AttachmentChunkSize},
		{"several chunks", 2*AttachmentChunkSize + 17},
	} {
		t.Run(tt.name, func(t *testing.T) {
			content := make([]byte, tt.size)
			_, _ = rand.Read(content)
			a := &Attachment{ID: "att-" + tt.name, Name: "scan.pdf", ContentType: "application/pdf"}
			if err := s.PutAttachment(t.Context(), a, bytes.NewReader(content), 10<<20); err != nil {
				t.Fatal(err)
			}
			got, err := s.Attachment(t.Context(), a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Size != int64(tt.size) || got.Name != "scan.pdf" {
				t.Fatalf("stored %+v", got)
			}
			var out bytes.Buffer
			if err := s.WriteAttachment(t.Context(), got, &out); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), content) {
				t.Fatalf("content differs: %d bytes back, %d stored", out.Len(), len(content))
			}
		})
	}
}

func TestAttachmentLimitsAndCorruption(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	ctx := t.Context()
	big := &Attachment{ID: "big"}
	err := s.PutAttachment(ctx, big, bytes.NewReader(make([]byte, 3000)), 2000)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the limit: err = %v, want ErrTooLarge", err)
	}
	if _, err := s.Attachment(ctx, "big"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a refused attachment must not exist: %v", err)
	}

	a := &Attachment{ID: "doc"}
	if err := s.PutAttachment(ctx, a, bytes.NewReader([]byte("Antrag auf Parkausweis")), 1<<20); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Collection(AttachmentChunksCollection).UpdateOne(ctx, bson.D{{Key: "_id", Value: chunkID("doc", 0)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "data", Value: []byte("Antrag auf Parkausweiz")}}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteAttachment(ctx, a, &bytes.Buffer{}); err == nil {
		t.Fatal("a changed chunk was not detected")
	}
}

func TestDefinitionVersions(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	ctx := t.Context()
	v := &DefinitionVersion{Hash: "abc", Files: []DefinitionFile{{Path: "processes/a.yaml", Data: []byte("kind: Role\n")}}}
	if isNew, err := s.SaveDefinitionVersion(ctx, v); err != nil || !isNew {
		t.Fatalf("first save: %v, %v", isNew, err)
	}
	if isNew, err := s.SaveDefinitionVersion(ctx, v); err != nil || isNew {
		t.Fatalf("second save: %v, %v (want false, nil)", isNew, err)
	}
	got, err := s.DefinitionVersion(ctx, "abc")
	if err != nil || len(got.Files) != 1 || string(got.Files[0].Data) != "kind: Role\n" {
		t.Fatalf("read back %+v, %v", got, err)
	}
}
