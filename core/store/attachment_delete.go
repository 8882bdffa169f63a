package store

import (
	"context"
	"errors"
	"fmt"
)

// DeleteTicketAttachment deletes the attachment id that ticket number
// took, record and content, for retention and data subjects' requests.
// An attachment of another ticket, or a pending upload, is left as it
// is; one that is gone already reports false.
func (s *Store) DeleteTicketAttachment(ctx context.Context, id, number string) (bool, error) {
	if s.localLocks {
		defer s.locks.Lock(AttachmentsCollection, id)()
	}
	return s.deleteTicketAttachment(ctx, id, number)
}

// deleteTicketAttachment is DeleteTicketAttachment for a caller holding
// the attachment's lock.
func (s *Store) deleteTicketAttachment(ctx context.Context, id, number string) (bool, error) {
	return s.deleteAttachmentIf(ctx, id, func(a *Attachment) bool { return a.Ticket == number && a.PendingSince == "" })
}

// DeleteFileAttachment deletes the attachment id, record and content,
// when it is the file of a record other than a ticket (a knowledge
// article's): no ticket took it and it is no pending upload, which the
// upload sweep decides on. One that is gone already reports false.
func (s *Store) DeleteFileAttachment(ctx context.Context, id string) (bool, error) {
	if s.localLocks {
		defer s.locks.Lock(AttachmentsCollection, id)()
	}
	return s.deleteAttachmentIf(ctx, id, func(a *Attachment) bool { return a.Ticket == "" && a.PendingSince == "" })
}

// deleteAttachmentIf deletes the attachment id when its record passes
// ok, for a caller holding the attachment's lock. The record goes first:
// a crash after it leaves only chunks nothing refers to.
func (s *Store) deleteAttachmentIf(ctx context.Context, id string, ok func(*Attachment) bool) (bool, error) {
	a, err := s.Attachment(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: delete attachment %s: %w", id, err)
	}
	if !ok(a) {
		return false, nil
	}
	if _, err := s.db.Collection(AttachmentsCollection).DeleteOne(ctx, byID(id)); err != nil {
		return false, fmt.Errorf("store: delete attachment %s: %w", id, s.classify(ctx, err))
	}
	s.noteWritten(ctx)
	if err := s.deleteChunks(ctx, id, a.Chunks); err != nil {
		return true, fmt.Errorf("store: delete attachment %s: %w", id, err)
	}
	return true, nil
}
