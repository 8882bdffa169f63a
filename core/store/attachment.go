package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"
)

// Collections of attachments. GridFS is not used: on the embedded store
// reading a GridFS file scans every chunk of every file (146 ms with one
// file, 1.7 s with twenty). Chunks with deterministic _ids are read by _id
// instead, which is fast on both backends.
const (
	AttachmentsCollection      = "attachments"
	AttachmentChunksCollection = "attachment_chunks"
)

// AttachmentChunkSize is the size of one stored chunk: well under MongoDB's
// 16 MB document limit, large enough that a 10 MB upload is 40 documents.
const AttachmentChunkSize = 255 << 10

// Attachment describes a stored file. Its chunks are written before it, so
// an attachment that exists is always complete; a crash mid-upload leaves
// only unreferenced chunks.
//
// An upload is stored pending (PendingSince set) and stays so until a
// ticket takes it (AttachUpload); pending uploads nobody took are swept
// (PendingUploads, DeletePendingUpload). A record without the mark is
// attached: so are the records of every backup written before the mark
// existed, and a restore of one keeps all its files.
type Attachment struct {
	ID          string    `bson:"_id"`
	Name        string    `bson:"name"`
	ContentType string    `bson:"content_type"`
	Size        int64     `bson:"size"`
	Chunks      int       `bson:"chunks"`
	SHA256      string    `bson:"sha256"`
	Ticket      string    `bson:"ticket,omitempty"`
	UploadedBy  string    `bson:"uploaded_by,omitempty"`
	Created     time.Time `bson:"created"`
	// PendingSince (ticket.SortTime text) is when an upload no ticket has taken
	// yet was stored; empty once a ticket took it.
	PendingSince string `bson:"pending_since,omitempty"`
}

type attachmentChunk struct {
	ID   string `bson:"_id"`
	Data []byte `bson:"data"`
}

func chunkID(id string, n int) string { return fmt.Sprintf("%s/%06d", id, n) }

// ErrTooLarge is returned when an attachment exceeds the given limit.
var ErrTooLarge = errors.New("too large")

// PutAttachment stores the content of r (at most maxSize bytes) under a.ID
// and fills in a's size, chunk count and checksum. The caller decides the
// content type, after sniffing it. An upload that fails takes its chunks
// written so far with it, as far as the database lets it.
func (s *Store) PutAttachment(ctx context.Context, a *Attachment, r io.Reader, maxSize int64) error {
	if a.ID == "" {
		return errors.New("store: put attachment: empty id")
	}
	written := 0
	err := s.putAttachment(ctx, a, r, maxSize, &written)
	if err != nil {
		// Nothing refers to the chunks of a record that was not stored;
		// a record whose write landed although its answer was lost keeps
		// them.
		ctx := context.WithoutCancel(ctx)
		if _, gerr := s.Attachment(ctx, a.ID); errors.Is(gerr, ErrNotFound) {
			if derr := s.deleteChunks(ctx, a.ID, written); derr != nil {
				s.log.DebugContext(ctx, "chunks of a failed upload left behind", "attachment", a.ID, "error", derr.Error())
			}
		}
	}
	return err
}

func (s *Store) putAttachment(ctx context.Context, a *Attachment, r io.Reader, maxSize int64, written *int) error {
	h := sha256.New()
	buf := make([]byte, AttachmentChunkSize)
	var size int64
	n := 0
	for {
		k, err := io.ReadFull(r, buf)
		if k > 0 {
			size += int64(k)
			if size > maxSize {
				return fmt.Errorf("store: put attachment %s: %w (limit %d bytes)", a.ID, ErrTooLarge, maxSize)
			}
			h.Write(buf[:k])
			if err := s.Insert(ctx, AttachmentChunksCollection, attachmentChunk{ID: chunkID(a.ID, n), Data: buf[:k]}); err != nil {
				return fmt.Errorf("store: put attachment %s: %w", a.ID, err)
			}
			n++
			*written = n
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("store: put attachment %s: read: %w", a.ID, err)
		}
	}
	a.Size, a.Chunks, a.SHA256 = size, n, hex.EncodeToString(h.Sum(nil))
	if a.Created.IsZero() {
		a.Created = time.Now().UTC()
	}
	if err := s.Insert(ctx, AttachmentsCollection, a); err != nil {
		return fmt.Errorf("store: put attachment %s: %w", a.ID, err)
	}
	return nil
}

// Attachment returns an attachment's description.
func (s *Store) Attachment(ctx context.Context, id string) (*Attachment, error) {
	var a Attachment
	if err := s.Get(ctx, AttachmentsCollection, id, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// WriteAttachment copies an attachment's content to w, chunk by chunk, and
// checks it against the stored checksum.
func (s *Store) WriteAttachment(ctx context.Context, a *Attachment, w io.Writer) error {
	h := sha256.New()
	for n := 0; n < a.Chunks; n++ {
		var c attachmentChunk
		if err := s.Get(ctx, AttachmentChunksCollection, chunkID(a.ID, n), &c); err != nil {
			return fmt.Errorf("store: read attachment %s: %w", a.ID, err)
		}
		h.Write(c.Data)
		if _, err := w.Write(c.Data); err != nil {
			return fmt.Errorf("store: write attachment %s: %w", a.ID, err)
		}
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != a.SHA256 {
		return fmt.Errorf("store: attachment %s is corrupt: checksum %s, stored %s", a.ID, got, a.SHA256)
	}
	return nil
}
