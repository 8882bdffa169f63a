package store

import (
	"errors"
	"testing"
)

type note struct {
	ID   string `bson:"_id"`
	Text string `bson:"text"`
}

func TestGetInsert(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		if err := s.Insert(ctx, "notes", note{ID: "a", Text: "first"}); err != nil {
			t.Fatalf("Insert: %v", err)
		}
		tests := []struct {
			name     string
			id       string
			wantErr  error
			wantText string
		}{
			{name: "found", id: "a", wantText: "first"},
			{name: "missing", id: "b", wantErr: ErrNotFound},
			{name: "empty id", id: "", wantErr: ErrNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got note
				err := s.Get(ctx, "notes", tt.id, &got)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Get(%q) error = %v, want %v", tt.id, err, tt.wantErr)
				}
				if got.Text != tt.wantText {
					t.Errorf("Get(%q).Text = %q, want %q", tt.id, got.Text, tt.wantText)
				}
			})
		}

		err := s.Insert(ctx, "notes", note{ID: "a", Text: "second"})
		if !errors.Is(err, ErrDuplicate) {
			t.Fatalf("second Insert error = %v, want ErrDuplicate", err)
		}
		var got note
		if err := s.Get(ctx, "notes", "a", &got); err != nil || got.Text != "first" {
			t.Errorf("after duplicate insert: %+v, %v; want the first document", got, err)
		}
	})
}
