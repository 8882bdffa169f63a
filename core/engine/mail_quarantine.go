package engine

import (
	"context"
	"fmt"
	"time"

	"vorgang/core/auth"
	"vorgang/core/fault"
)

// MailQuarantine is the quarantine of incoming mail: the messages a
// mailbox did not file (automatic, unreadable, too large, refused), kept
// with their original where it could be read. core/mailin keeps it; the
// app hands it to the engine with SetMailQuarantine. The engine decides
// who may see and release them.
type MailQuarantine interface {
	// Quarantined lists the held messages, newest first, one page after
	// the cursor after; the cursor of the next page, empty at the end.
	Quarantined(ctx context.Context, after string, limit int) ([]QuarantinedMail, string, error)
	// QuarantinedMessage reads one held message with its headers, text
	// and the names of its attachments.
	QuarantinedMessage(ctx context.Context, id string) (*QuarantinedMessage, error)
	// Release files a held message as new mail again, the loop rules
	// aside (a person decided), and forgets it; by names who released it.
	Release(ctx context.Context, id, by string) (*MailRelease, error)
	// Discard forgets a held message and its original.
	Discard(ctx context.Context, id, by string) error
}

// QuarantinedMail is a held message as the list shows it.
type QuarantinedMail struct {
	ID        string
	Mailbox   string
	MessageID string
	From      string
	Subject   string
	Reason    string
	At        time.Time
	Size      int64
	// Original is true when the message itself is kept; a message larger
	// than max_size is only in the IMAP quarantine folder.
	Original bool
	// Releasable is true when release can file it: its original is kept
	// and can be read.
	Releasable bool
}

// QuarantinedMessage is a held message with what it says.
type QuarantinedMessage struct {
	QuarantinedMail
	Header []MailHeader
	Text   string
	Files  []QuarantinedFile
}

// MailHeader is one header field as the message has it (encoded words
// decoded).
type MailHeader struct{ Name, Value string }

// QuarantinedFile is an attachment of a held message: named, not served.
type QuarantinedFile struct {
	Name string
	Type string
	Size int64
}

// MailRelease says what a released message became.
type MailRelease struct {
	// Outcome is ticket, reply or dropped (mailin's record outcomes).
	Outcome string
	Ticket  string
}

// SetMailQuarantine hands the engine the quarantine of incoming mail;
// called once while the app is built, before any request.
func (e *Engine) SetMailQuarantine(q MailQuarantine) { e.quarantine = q }

// MaxQuarantinePage bounds one page of the quarantine list.
const MaxQuarantinePage = 100

// QuarantinedMail lists held messages one page at a time. Only
// administrators see the quarantine: it holds mail to every mailbox.
func (e *Engine) QuarantinedMail(ctx context.Context, actor *auth.Principal, after string, limit int) ([]QuarantinedMail, string, error) {
	q, err := e.mailQuarantine(actor, "list")
	if err != nil {
		return nil, "", err
	}
	if limit <= 0 || limit > MaxQuarantinePage {
		limit = MaxQuarantinePage
	}
	return q.Quarantined(ctx, after, limit)
}

// QuarantinedMessage reads one held message for an administrator.
func (e *Engine) QuarantinedMessage(ctx context.Context, actor *auth.Principal, id string) (*QuarantinedMessage, error) {
	q, err := e.mailQuarantine(actor, "read")
	if err != nil {
		return nil, err
	}
	return q.QuarantinedMessage(ctx, id)
}

// ReleaseMail files a held message as new mail: it opens a ticket or
// answers one like any message, its automatic headers aside.
func (e *Engine) ReleaseMail(ctx context.Context, actor *auth.Principal, id string) (*MailRelease, error) {
	q, err := e.mailQuarantine(actor, "release")
	if err != nil {
		return nil, err
	}
	r, err := q.Release(ctx, id, actor.User)
	if err != nil {
		return nil, err
	}
	e.log.Info("quarantined mail released", "id", id, "by", actor.User, "outcome", r.Outcome, "ticket", r.Ticket)
	return r, nil
}

// DiscardMail forgets a held message for good.
func (e *Engine) DiscardMail(ctx context.Context, actor *auth.Principal, id string) error {
	q, err := e.mailQuarantine(actor, "discard")
	if err != nil {
		return err
	}
	if err := q.Discard(ctx, id, actor.User); err != nil {
		return err
	}
	e.log.Info("quarantined mail discarded", "id", id, "by", actor.User)
	return nil
}

func (e *Engine) mailQuarantine(actor *auth.Principal, what string) (MailQuarantine, error) {
	if actor == nil || !actor.Admin {
		return nil, fmt.Errorf("mail quarantine: %s: %w", what, fault.Forbidden)
	}
	if e.quarantine == nil {
		return nil, fmt.Errorf("mail quarantine: %s: no incoming mail here: %w", what, fault.Unavailable)
	}
	return e.quarantine, nil
}
