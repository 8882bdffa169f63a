package engine

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/form"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// IncomingMail is an e-mail read from a Mailbox, reduced to what a ticket
// takes: core/mailin parses the message and finds the tickets it names;
// ReceiveMail decides what it becomes.
type IncomingMail struct {
	// Mailbox is the id of the Mailbox definition it was read from.
	Mailbox string
	// MessageID identifies the message (made from its content when it
	// has none); a message received twice is handled once.
	MessageID string
	// From is the sender's address, FromName their name.
	From     string
	FromName string
	Subject  string
	// Text is the message's own text as a reply: quoted message and
	// signature cut. Body is its text as a new request: only the
	// signature cut, as a forwarded message may be the request.
	Text string
	Body string
	// Threads are the tickets the message names, strongest first: by the
	// Message-IDs it answers, by the address it was sent to, by the number
	// in its subject.
	Threads []string
	Files   []MailFile
}

// MailFile is an attachment of an incoming mail.
type MailFile struct {
	Name string
	Data []byte
}

// MailReceipt says what ReceiveMail made of a message.
type MailReceipt struct {
	// Ticket is the ticket opened or answered; empty when dropped.
	Ticket string
	// Reply is true when the message became a comment on Ticket.
	Reply bool
	// Dropped is true when a filter of the mailbox dropped the message.
	Dropped bool
	// Refused names attachments that were not kept (type or size).
	Refused []string
}

// MailSenders finds the user an address belongs to; core/app implements
// it on core/auth's users.
type MailSenders interface {
	// PrincipalByEmail returns the enabled user with the address, or nil.
	PrincipalByEmail(ctx context.Context, address string) (*auth.Principal, error)
}

// replyAccept are the file types a reply may attach, by mail as on the
// tracking page.
var replyAccept = []string{"image/png", "image/jpeg", "application/pdf"}

// DefaultMaxFileSize bounds one attachment of a mail when the form's field
// sets no max_size, as the web server's upload limit does.
const DefaultMaxFileSize = 10 << 20

// ReceiveMail files an incoming mail: as a public comment on the first
// ticket it names whose requester it comes from (or a member of staff who
// may see the ticket), as a citizen's reply on the tracking page does;
// otherwise as a new ticket of the mailbox's process. A message handled
// before is not handled again: its Message-ID is in the comment, and the
// ticket it opened was created under a key made from it.
func (e *Engine) ReceiveMail(ctx context.Context, m *IncomingMail) (*MailReceipt, error) {
	cat := e.catalog()
	mb := cat.Mailbox(m.Mailbox)
	if mb == nil {
		return nil, fmt.Errorf("mailbox %q: %w", m.Mailbox, fault.NotFound)
	}
	if m.MessageID == "" {
		return nil, fmt.Errorf("mail without Message-ID: %w", fault.Malformed)
	}
	route := mb.Route(m.From)
	if route != nil && route.Drop {
		return &MailReceipt{Dropped: true}, nil
	}
	tried := map[string]bool{}
	for _, number := range m.Threads {
		if tried[number] {
			continue
		}
		tried[number] = true
		r, err := e.replyByMail(ctx, cat, number, m)
		if r != nil || err != nil {
			return r, err
		}
	}
	return e.openByMail(ctx, cat, mb, route, m)
}

// replyByMail puts m onto ticket number when its sender may write there;
// nil without error when not (no such ticket, a stranger, a finished
// ticket), so the mail opens a ticket of its own.
func (e *Engine) replyByMail(ctx context.Context, cat *definition.Catalog, number string, m *IncomingMail) (*MailReceipt, error) {
	t, err := e.store.Ticket(ctx, number)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("engine: mail reply to %s: %w", number, err)
	}
	writer, citizen, ok, err := e.mailWriter(ctx, cat, t, m.From)
	if err != nil || !ok {
		return nil, err
	}
	var files []string
	r := &MailReceipt{Ticket: t.Number, Reply: true}
	for _, f := range m.Files {
		id, why, err := e.keepMailFile(ctx, writer, f, replyAccept, DefaultMaxFileSize)
		if err != nil {
			return nil, err
		}
		if why != "" {
			r.Refused = append(r.Refused, f.Name+": "+why)
			continue
		}
		files = append(files, id)
	}
	text := m.Text
	if r := []rune(text); len(r) > maxReplyLength {
		// A long mail is kept, cut, rather than refused: the sender
		// cannot see a form error.
		text = string(r[:maxReplyLength-1]) + "…"
	}
	c := ticket.Commented{Text: text, Files: files, Citizen: citizen, MessageID: m.MessageID}
	load := func() (*ticket.Ticket, error) { return e.store.Ticket(ctx, t.Number) }
	if _, err := e.requesterReply(ctx, 0, load, writer, c); err != nil {
		if errors.Is(err, fault.NotAllowedNow) {
			return nil, nil // a finished ticket: the mail is a new request
		}
		return nil, err
	}
	return r, nil
}

// mailWriter decides whether the sender may write on t by mail, and as
// whom: the requester on record (a user with that address, or the citizen
// whose form gave it), or a user with that address who may see the
// ticket. citizen says the comment is the citizen's reply.
func (e *Engine) mailWriter(ctx context.Context, cat *definition.Catalog, t *ticket.Ticket, from string) (writer string, citizen, ok bool, err error) {
	if from == "" {
		return "", false, false, nil
	}
	if t.Requester != "" && t.Requester != actorName(nil) && e.users != nil {
		u, err := e.users.User(ctx, t.Requester)
		if err != nil && !errors.Is(err, fault.NotFound) {
			return "", false, false, fmt.Errorf("engine: requester of %s: %w", t.Number, err)
		}
		if u != nil && sameAddress(u.Email, from) {
			return t.Requester, false, true, nil
		}
	}
	if t.Requester == actorName(nil) && sameAddress(cat.RequesterEmail(t.Process, t.Data), from) {
		return actorName(nil), true, true, nil
	}
	if e.senders != nil {
		p, err := e.senders.PrincipalByEmail(ctx, from)
		if err != nil {
			return "", false, false, fmt.Errorf("engine: sender of a mail to %s: %w", t.Number, err)
		}
		if p != nil && maySee(p, t) {
			return p.User, false, true, nil
		}
	}
	return "", false, false, nil
}

func sameAddress(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	return a != "" && strings.EqualFold(a, b)
}

// openByMail opens a ticket of the mailbox's process (or its filter's)
// from m, under a key made from the Message-ID: a message read again
// after a crash finds the ticket its first reading opened.
func (e *Engine) openByMail(ctx context.Context, cat *definition.Catalog, mb *definition.Mailbox, route *definition.MailboxFilter, m *IncomingMail) (*MailReceipt, error) {
	process, team := mb.Process.Value, mb.Team.Value
	if route != nil {
		process = cmp.Or(route.Process.Value, process)
		team = cmp.Or(route.Team.Value, team)
	}
	p := cat.Process(process)
	if p == nil {
		return nil, fmt.Errorf("mailbox %s: process %q: %w", mb.ID.Value, process, fault.NotFound)
	}
	f := cat.Form(p.Form.Value)
	if f == nil {
		return nil, fmt.Errorf("mailbox %s: form %q: %w", mb.ID.Value, p.Form.Value, fault.NotFound)
	}
	var actor *auth.Principal
	if e.senders != nil {
		var err error
		if actor, err = e.senders.PrincipalByEmail(ctx, m.From); err != nil {
			return nil, fmt.Errorf("engine: sender of a mail: %w", err)
		}
	}
	key := mailKey(mb.ID.Value, m.MessageID)
	data := map[string]any{}
	put := func(ref definition.Ref, value string) {
		if ref.IsZero() || value == "" {
			return
		}
		if fd := f.Field(ref.Value); fd != nil && fd.MaxLength != nil && len([]rune(value)) > *fd.MaxLength {
			value = string([]rune(value)[:*fd.MaxLength])
		}
		data[ref.Value] = value
	}
	subject := m.Subject
	if strings.TrimSpace(subject) == "" {
		// The subject field is required: the sender stands in, so the
		// ticket list tells the messages apart.
		subject = "(" + cmp.Or(m.From, "no subject") + ")"
	}
	put(mb.Fields.Subject, subject)
	put(mb.Fields.Body, cmp.Or(m.Body, m.Text))
	put(mb.Fields.Sender, m.From)
	put(mb.Fields.SenderName, m.FromName)
	r := &MailReceipt{}
	if fd := f.Field(mb.Fields.Attachments.Value); fd != nil && len(m.Files) > 0 {
		limit := int64(DefaultMaxFileSize)
		if n := form.MaxFileSize(fd); n > 0 {
			limit = n
		}
		var ids []any
		for _, file := range m.Files {
			if fd.MaxItems != nil && len(ids) >= *fd.MaxItems {
				r.Refused = append(r.Refused, file.Name+": too many files")
				continue
			}
			id, why, err := e.keepMailFile(ctx, "mail/"+key, file, fd.Accept, limit)
			if err != nil {
				return nil, err
			}
			if why != "" {
				r.Refused = append(r.Refused, file.Name+": "+why)
				continue
			}
			ids = append(ids, id)
		}
		if len(ids) > 0 {
			data[fd.ID.Value] = ids
		}
	} else {
		for _, file := range m.Files {
			r.Refused = append(r.Refused, file.Name+": the form has no field for files")
		}
	}
	req := CreateRequest{Process: process, Data: data}
	t, entry, err := e.build(actor, cat, p, req, nil)
	if err != nil {
		return nil, fmt.Errorf("engine: ticket from mail %s: %w", m.MessageID, err)
	}
	if team != "" && team != t.Team {
		t.Team = team
		updateCreated(entry, func(c *ticket.Created) { c.Team = team })
	}
	follow, err := e.createHooks(ctx, actor, t, entry, "")
	if err != nil {
		return nil, err
	}
	created, err := e.createClaimed(ctx, actor, "mail/"+key, requestHash(cat, req), t, entry)
	if err != nil {
		return nil, err
	}
	e.afterCreate(ctx, created, entry, follow)
	r.Ticket = created.Number
	if len(r.Refused) > 0 {
		e.log.Info("mail attachments not kept", slog.String("ticket", created.Number), slog.Any("files", r.Refused))
	}
	return r, nil
}

// mailKey identifies a message of a mailbox in claims and records.
func mailKey(mailbox, messageID string) string {
	sum := sha256.Sum256([]byte(mailbox + "\x00" + messageID))
	return hex.EncodeToString(sum[:16])
}

// MailKey is the key of a message of a mailbox in the records of mail-in.
func MailKey(mailbox, messageID string) string { return mailKey(mailbox, messageID) }

// keepMailFile stores an attachment like an upload, when its sniffed
// type is accepted and it is within limit; why says why not.
func (e *Engine) keepMailFile(ctx context.Context, uploader string, f MailFile, accept []string, limit int64) (id, why string, err error) {
	if int64(len(f.Data)) > limit {
		return "", "too large", nil
	}
	media := SniffType(f.Data)
	if !acceptsType(accept, media) {
		return "", "type " + media + " not accepted", nil
	}
	a, err := e.Upload(ctx, uploader, f.Name, media, bytes.NewReader(f.Data), limit)
	if errors.Is(err, store.ErrTooLarge) {
		return "", "too large", nil
	}
	if err != nil {
		return "", "", err
	}
	return a.ID, "", nil
}

// acceptsType reports whether media is among accept (image/* matches any
// image); an empty list accepts everything.
func acceptsType(accept []string, media string) bool {
	if len(accept) == 0 {
		return true
	}
	for _, a := range accept {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == media || strings.HasSuffix(a, "/*") && strings.HasPrefix(media, strings.TrimSuffix(a, "*")) {
			return true
		}
	}
	return false
}
