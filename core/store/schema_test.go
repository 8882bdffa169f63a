package store

import (
	"errors"
	"strings"
	"testing"
)

// Reads and writes of a collection no schema declares fail, so a package
// that forgets to declare one notices in its first test.
func TestUnregisteredCollectionFails(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	ctx := t.Context()
	var out struct{}
	for name, err := range map[string]error{
		"get":    s.Get(ctx, "nobody_declared", "x", &out),
		"insert": s.Insert(ctx, "nobody_declared", map[string]any{"_id": "x"}),
		"delete": s.Delete(ctx, "nobody_declared", "x"),
	} {
		if !errors.Is(err, ErrUnregistered) {
			t.Errorf("%s: %v, want ErrUnregistered", name, err)
		}
	}
	if _, err := s.Update(ctx, "nobody_declared", "x", 1, nil); !errors.Is(err, ErrUnregistered) {
		t.Errorf("update: %v, want ErrUnregistered", err)
	}
	if _, err := s.schema.shape(TicketsCollection, "tickets.by_colour"); !errors.Is(err, ErrUnregistered) {
		t.Errorf("undeclared shape: %v, want ErrUnregistered", err)
	}
}

// A declared collection is created and usable.
func TestDeclaredCollectionWorks(t *testing.T) {
	s, err := Open(t.Context(), Config{DataDir: t.TempDir(), Logger: testLogger(t),
		Collections: Schema{{Name: "widgets"}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeStore(t, s) })
	if err := s.Insert(t.Context(), "widgets", map[string]any{"_id": "w1"}); err != nil {
		t.Fatal(err)
	}
}

// Open refuses a schema whose queries it could not answer from an index.
func TestOpenRefusesBadSchemas(t *testing.T) {
	for _, tt := range []struct {
		name   string
		schema Schema
		want   string
	}{
		{"shape without index", Schema{{Name: "widgets", Shapes: []QueryShape{{Name: "widgets.by_colour", Keys: []string{"colour"}}}}},
			"no index"},
		{"shape without SQL", Schema{{Name: "widgets", Indexes: []Index{{Keys: []string{"colour"}}},
			Shapes: []QueryShape{{Name: "widgets.by_colour", Keys: []string{"colour"}}}}}, "no SQL"},
		{"declared twice differently", Schema{{Name: "widgets"}, {Name: "widgets", Indexes: []Index{{Keys: []string{"colour"}}}}},
			"declared twice"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(t.Context(), Config{DataDir: t.TempDir(), Logger: testLogger(t), Collections: tt.schema})
			if err == nil {
				closeStore(t, s)
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Open: %v, want %q", err, tt.want)
			}
		})
	}
}
