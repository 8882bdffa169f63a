package mailin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"regexp"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
)

// filer turns a raw message into a ticket, a comment or a record of why
// not; the IMAP poller and the LMTP listener share it, so a message
// becomes the same whichever way it arrives.
type filer struct {
	cfg Config
	log *slog.Logger
}

// file files one raw message of mailbox mb and returns its record, stored
// after the ticket or comment. envelope are the recipients the mail server
// named (LMTP's RCPT TO), which thread like the message's own To. An error
// means nothing final happened: the message is to be offered again.
func (p *filer) file(ctx context.Context, mb *definition.Mailbox, raw []byte, envelope []string) (*Record, error) {
	return p.fileAs(ctx, mb, raw, envelope, "")
}

// fileAs files as file does; releasedBy names the administrator who
// released the message from quarantine, or is empty. A released message
// is filed whatever its record says and whatever its loop headers say (a
// person looked at it), and its record is not stored: the release
// replaces the quarantine's.
func (p *filer) fileAs(ctx context.Context, mb *definition.Mailbox, raw []byte, envelope []string, releasedBy string) (*Record, error) {
	now := p.cfg.Now().UTC()
	release := releasedBy != ""
	settle := func(r *Record) (*Record, error) {
		switch {
		case release:
			return r, nil
		case r.quarantined():
			return r, p.quarantine(ctx, r, raw, int64(len(raw)), envelope)
		}
		return r, keep(ctx, p.cfg.Store, r)
	}
	m, err := Parse(raw)
	if err != nil {
		r := &Record{Key: engine.MailKey(mb.ID.Value, "malformed/"+hashOf(raw)), Mailbox: mb.ID.Value, Outcome: p.refusal(mb),
			Reason: err.Error(), At: now}
		return settle(r)
	}
	m.Recipients = append(m.Recipients, envelope...)
	key := engine.MailKey(mb.ID.Value, m.MessageID)
	if !release {
		if done, err := record(ctx, p.cfg.Store, key); err != nil {
			return nil, err
		} else if done != nil {
			// Filed before: its move or its answer to the mail server did
			// not happen (a crash, a lost connection); a quarantined one
			// may not be held yet.
			if done.quarantined() && done.Held != "" {
				return done, p.hold(ctx, done, raw, int64(len(raw)), envelope)
			}
			return done, nil
		}
	}
	r := &Record{Key: key, Mailbox: mb.ID.Value, MessageID: m.MessageID, From: m.From, Subject: m.Subject, At: now}
	switch {
	case m.Bounce:
		r.Outcome, r.Reason = OutcomeBounce, "delivery status notification"
		r.Ticket = p.firstThread(m, raw)
		p.log.Warn("bounce received", slog.String("mailbox", mb.ID.Value), slog.String("ticket", r.Ticket), slog.String("from", m.From))
		return settle(r)
	case m.Auto != "" && !release:
		r.Outcome, r.Reason = OutcomeQuarantine, "automatic mail ("+m.Auto+")"
		return settle(r)
	}
	in := &engine.IncomingMail{Mailbox: mb.ID.Value, MessageID: m.MessageID, From: m.From, FromName: m.FromName,
		Subject: m.Subject, Text: ReplyText(m.Text), Body: BodyText(m.Text), Threads: p.threads(m)}
	for _, f := range m.Files {
		in.Files = append(in.Files, engine.MailFile{Name: f.Name, Data: f.Data})
	}
	receipt, err := p.cfg.Receiver.ReceiveMail(ctx, in)
	switch {
	case err != nil && refused(err):
		// The message cannot become a ticket (the form refuses it, the
		// process is gone), and offering it again changes nothing.
		r.Outcome, r.Reason = p.refusal(mb), "refused: "+err.Error()
		return settle(r)
	case err != nil:
		return nil, err
	}
	if p.cfg.Stored != nil && !release {
		if err := p.cfg.Stored(mb.ID.Value, m.MessageID); err != nil {
			return nil, err
		}
	}
	r.Ticket = receipt.Ticket
	switch {
	case receipt.Dropped:
		r.Outcome, r.Reason = OutcomeDropped, "dropped by a filter of the mailbox"
	case receipt.Reply:
		r.Outcome = OutcomeReply
	default:
		r.Outcome = OutcomeTicket
	}
	return settle(r)
}

// refusal is the outcome of a message that cannot be taken: quarantined
// in a folder over IMAP, refused to the mail server over LMTP (which
// returns it to its sender with the reason).
func (p *filer) refusal(mb *definition.Mailbox) string {
	if mb.LMTP() {
		return OutcomeRejected
	}
	return OutcomeQuarantine
}

// refused reports whether err says the message can never be filed as it
// is, rather than not now.
func refused(err error) bool {
	switch fault.KindOf(err) {
	case fault.Invalid, fault.Malformed, fault.NotFound, fault.Forbidden:
		return true
	}
	return false
}

// subjectNumber finds ticket numbers in a subject: a prefix, an optional
// year and a counter (INC-2026-000123, MAIL-000042).
var subjectNumber = regexp.MustCompile(`\b[A-Z][A-Z0-9]*-(?:[0-9]{4}-)?[0-9]{3,}\b`)

// threads are the tickets m names, strongest first: the Message-IDs it
// answers, the reply addresses it was sent to, the numbers in its subject.
func (p *filer) threads(m *Message) []string {
	var out []string
	for _, id := range append(append([]string{}, m.InReplyTo...), m.References...) {
		if n, ok := p.cfg.Threads.TicketOfMessageID("<" + id + ">"); ok {
			out = append(out, n)
		}
	}
	for _, a := range m.Recipients {
		if n, ok := p.cfg.Threads.TicketOfAddress(a); ok {
			out = append(out, n)
		}
	}
	return append(out, subjectNumber.FindAllString(m.Subject, -1)...)
}

func hashOf(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:16])
}

// ownMessageID finds Message-IDs of vorgang's in a bounce, which quotes
// the mail that could not be delivered.
var ownMessageID = regexp.MustCompile(`<vg\.[^<>\s]+>`)

// firstThread names the ticket a bounce is about, if it can tell.
func (p *filer) firstThread(m *Message, raw []byte) string {
	if t := p.threads(m); len(t) > 0 {
		return t[0]
	}
	for _, id := range ownMessageID.FindAll(raw, -1) {
		if n, ok := p.cfg.Threads.TicketOfMessageID(string(id)); ok {
			return n
		}
	}
	return ""
}
