package store

import (
	"bytes"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"vorgang/core/ticket"
)

// TestPendingUploads: the sweep's store side lists only pending uploads up
// to the cutoff, deletes a pending one with its chunks, and keeps one a
// ticket took; an attach is idempotent and refuses an upload that is gone.
func TestPendingUploads(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		day := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
		put := func(id string, pending time.Time, size int) *Attachment {
			t.Helper()
			a := &Attachment{ID: id, Name: id + ".bin"}
			if !pending.IsZero() {
				a.PendingSince = ticket.SortTime(pending)
			}
			if err := s.PutAttachment(ctx, a, bytes.NewReader(make([]byte, size)), 10<<20); err != nil {
				t.Fatal(err)
			}
			return a
		}
		old := put("att-old", day, 2*AttachmentChunkSize+1)
		put("att-young", day.Add(20*time.Hour), 10)
		put("att-taken", day, 10)
		put("att-legacy", time.Time{}, 10) // written before the mark existed

		if err := s.AttachUpload(ctx, "att-taken", "INC-2026-000001"); err != nil {
			t.Fatal(err)
		}
		if err := s.AttachUpload(ctx, "att-taken", "INC-2026-000002"); err != nil {
			t.Fatalf("a second attach: %v", err)
		}
		if a, err := s.Attachment(ctx, "att-taken"); err != nil || a.PendingSince != "" || a.Ticket != "INC-2026-000001" {
			t.Fatalf("taken upload: %+v, %v", a, err)
		}
		if err := s.AttachUpload(ctx, "att-legacy", "INC-2026-000003"); err != nil {
			t.Fatalf("attach an unmarked record: %v", err)
		}

		cutoff := day.Add(12 * time.Hour)
		ids, err := s.PendingUploads(ctx, cutoff, 10)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids, []string{"att-old"}) {
			t.Fatalf("pending before the cutoff: %v, want [att-old]", ids)
		}
		for _, id := range []string{"att-young", "att-taken", "att-legacy", "att-none"} {
			if deleted, err := s.DeletePendingUpload(ctx, id, cutoff); err != nil || deleted {
				t.Errorf("delete %s: %v, %v; want it kept", id, deleted, err)
			}
		}
		if deleted, err := s.DeletePendingUpload(ctx, "att-old", cutoff); err != nil || !deleted {
			t.Fatalf("delete att-old: %v, %v", deleted, err)
		}
		if _, err := s.Attachment(ctx, "att-old"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("the swept record: %v", err)
		}
		for n := 0; n < old.Chunks; n++ {
			var c attachmentChunk
			if err := s.Get(ctx, AttachmentChunksCollection, chunkID("att-old", n), &c); !errors.Is(err, ErrNotFound) {
				t.Errorf("chunk %d of the swept upload: %v", n, err)
			}
		}
		if err := s.AttachUpload(ctx, "att-old", "INC-2026-000004"); !errors.Is(err, ErrNotFound) {
			t.Errorf("attach a swept upload: %v, want ErrNotFound", err)
		}
		for _, id := range []string{"att-young", "att-taken", "att-legacy"} {
			a, err := s.Attachment(ctx, id)
			if err == nil {
				err = s.WriteAttachment(ctx, a, &bytes.Buffer{})
			}
			if err != nil {
				t.Errorf("%s after the sweep: %v", id, err)
			}
		}
	})
}

// TestAttachRacesSweep: an attach and a sweep of the same upload run at
// once, many times over. Exactly one wins each time: either the attach
// succeeds and the file is whole, or the sweep deletes it and the attach
// finds it gone.
func TestAttachRacesSweep(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		pending := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
		for i := range 20 {
			id := "att-race" + string(rune('a'+i))
			a := &Attachment{ID: id, PendingSince: ticket.SortTime(pending)}
			if err := s.PutAttachment(ctx, a, bytes.NewReader([]byte("Antrag")), 1<<20); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var attachErr, sweepErr error
			var deleted bool
			wg.Go(func() { attachErr = s.AttachUpload(ctx, id, "INC-2026-000001") })
			wg.Go(func() { deleted, sweepErr = s.DeletePendingUpload(ctx, id, pending) })
			wg.Wait()
			if sweepErr != nil {
				t.Fatal(sweepErr)
			}
			switch {
			case attachErr == nil && !deleted:
				got, err := s.Attachment(ctx, id)
				if err == nil {
					err = s.WriteAttachment(ctx, got, &bytes.Buffer{})
				}
				if err != nil {
					t.Fatalf("%s: attached, but the file is not whole: %v", id, err)
				}
			case errors.Is(attachErr, ErrNotFound) && deleted:
			default:
				t.Fatalf("%s: attach %v, deleted %v: both or neither won", id, attachErr, deleted)
			}
		}
	})
}

// TestPendingUploadsOrderAndLimit: through the SQL index and through the
// driver query MongoDB gets, the pending uploads come oldest first, up to
// the cutoff and the limit, without the attached ones.
func TestPendingUploadsOrderAndLimit(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	ctx := t.Context()
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	// Stored in an order unlike their times, so _id order is no help.
	for _, u := range []struct {
		id       string
		hours    int
		attached bool
	}{
		{"att-c", 2, false}, {"att-a", 0, false}, {"att-e", 4, false}, {"att-b", 1, true}, {"att-d", 3, false}, {"att-f", 9, false},
	} {
		a := &Attachment{ID: u.id, PendingSince: ticket.SortTime(start.Add(time.Duration(u.hours) * time.Hour))}
		if err := s.PutAttachment(ctx, a, bytes.NewReader([]byte(u.id)), 1<<10); err != nil {
			t.Fatal(err)
		}
		if u.attached {
			if err := s.AttachUpload(ctx, u.id, "INC-2026-000001"); err != nil {
				t.Fatal(err)
			}
		}
	}
	queryModes(t, s, func(t *testing.T) {
		for _, tt := range []struct {
			name   string
			before time.Time
			limit  int
			want   []string
		}{
			{"all up to the cutoff", start.Add(4 * time.Hour), 10, []string{"att-a", "att-c", "att-d", "att-e"}},
			{"the oldest first", start.Add(4 * time.Hour), 2, []string{"att-a", "att-c"}},
			{"nothing yet", start.Add(-time.Second), 10, nil},
		} {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.PendingUploads(t.Context(), tt.before, tt.limit)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, tt.want) {
					t.Fatalf("pending uploads %v, want %v", got, tt.want)
				}
			})
		}
	})
}
