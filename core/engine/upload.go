package engine

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"strings"
	"time"

	"vorgang/core/fault"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// AttachmentStore keeps attachments; *store.Store has it.
type AttachmentStore interface {
	PutAttachment(ctx context.Context, a *store.Attachment, r io.Reader, maxSize int64) error
	Attachment(ctx context.Context, id string) (*store.Attachment, error)
	WriteAttachment(ctx context.Context, a *store.Attachment, w io.Writer) error
	AttachUpload(ctx context.Context, id, ticketNumber string) error
	PendingUploads(ctx context.Context, before time.Time, limit int) ([]string, error)
	DeletePendingUpload(ctx context.Context, id string, before time.Time) (bool, error)
}

// Upload stores a file sent with a form before the form is submitted, at
// most maxSize bytes (store.ErrTooLarge beyond). uploader names who sent
// it — a user, or an anonymous browser — as the caller tells them apart;
// only the same uploader can keep the file in a form (OwnUpload), so no
// one can attach someone else's file by its id. The caller has checked
// the content type, sniffed from the content.
//
// The upload is pending until a ticket takes it (see attachUploads); one
// that no ticket takes is deleted by SweepUploads after a grace period.
func (e *Engine) Upload(ctx context.Context, uploader, name, contentType string, r io.Reader, maxSize int64) (*store.Attachment, error) {
	now := e.now().UTC()
	a := &store.Attachment{ID: "att-" + strings.ToLower(rand.Text()), Name: name, ContentType: contentType,
		UploadedBy: uploader, Created: now, PendingSince: ticket.SortTime(now)}
	if err := e.store.PutAttachment(ctx, a, r, maxSize); err != nil {
		return nil, fmt.Errorf("engine: store upload %s: %w", name, err)
	}
	return a, nil
}

// OwnUpload returns the upload id when uploader sent it. Someone else's
// upload is not found, like an unknown id.
func (e *Engine) OwnUpload(ctx context.Context, uploader, id string) (*store.Attachment, error) {
	a, err := e.store.Attachment(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("engine: upload %s: %w", id, err)
	}
	if a.UploadedBy != uploader {
		return nil, fmt.Errorf("upload %s is not %s's: %w", id, uploader, fault.NotFound)
	}
	return a, nil
}

// AttachmentName is the file name of the attachment id, for showing a file
// the caller already may see; the id itself when there is none.
func (e *Engine) AttachmentName(ctx context.Context, id string) string {
	if a, err := e.store.Attachment(ctx, id); err == nil {
		return a.Name
	}
	return id
}
