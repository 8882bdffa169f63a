package mailin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/notify"
)

// Receiver files a parsed mail; *engine.Engine is one.
type Receiver interface {
	ReceiveMail(ctx context.Context, m *engine.IncomingMail) (*engine.MailReceipt, error)
}

// Config configures a Poller. Store, Receiver, Catalog and Threads are
// required.
type Config struct {
	Store    Store
	Receiver Receiver
	// Catalog returns the definitions in service; its Mailboxes are read.
	Catalog func() *definition.Catalog
	// Threads reads the tickets out of the Message-IDs and reply
	// addresses of vorgang's own mails (the notification worker's).
	Threads *notify.Threads
	// Holder names this instance in the mailbox leases.
	Holder string
	Logger *slog.Logger
	Now    func() time.Time
	// Stored, when set, is called after a message's ticket or comment is
	// stored and before it is recorded and moved; an error stops the
	// round there, as a crash would (tests use it).
	Stored func(mailbox string, messageID string) error
}

// Poller reads the mailboxes of the catalog: each under a lease, so that
// of several instances on one database one reads a mailbox at a time.
type Poller struct {
	cfg Config
	log *slog.Logger
}

// New returns a Poller.
func New(cfg Config) (*Poller, error) {
	if cfg.Store == nil || cfg.Receiver == nil || cfg.Catalog == nil || cfg.Threads == nil {
		return nil, errors.New("mailin: Store, Receiver, Catalog and Threads are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Holder == "" {
		cfg.Holder = "mailin"
	}
	return &Poller{cfg: cfg, log: cfg.Logger.With(slog.String("component", "mail-in"))}, nil
}

// LeasePrefix starts the name of each mailbox's lease.
const LeasePrefix = "mail-in/"

// maxPerRound bounds the messages one round files, so that a full
// mailbox (after a stop) is worked off in rounds that end long before
// their lease does.
const maxPerRound = 100

// tick is how often Run looks which mailbox is due.
const tick = time.Second

// Run reads every mailbox of the catalog each PollEvery until ctx ends,
// and once a day deletes the records older than RecordsKept.
func (p *Poller) Run(ctx context.Context) {
	next := map[string]time.Time{}
	var nextSweep time.Time
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		for _, mb := range p.cfg.Catalog().Mailboxes() {
			now := time.Now()
			if now.Before(next[mb.ID.Value]) {
				continue
			}
			next[mb.ID.Value] = now.Add(mb.Interval())
			round, err := p.Poll(ctx, mb.ID.Value)
			if err != nil && ctx.Err() == nil {
				p.log.Warn("reading the mailbox failed; it is read again", slog.String("mailbox", mb.ID.Value), slog.String("error", err.Error()))
			}
			// The instance that reads a mailbox also sweeps, so one
			// instance does it.
			if round != nil && round.Held && now.After(nextSweep) {
				nextSweep = now.Add(24 * time.Hour)
				if n, err := p.Sweep(ctx); err != nil && ctx.Err() == nil {
					p.log.Warn("deleting old mail-in records failed", slog.String("error", err.Error()))
				} else if n > 0 {
					p.log.Info("old mail-in records deleted", slog.Int64("records", n))
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Sweep deletes the records filed more than RecordsKept ago, and
// returns how many.
func (p *Poller) Sweep(ctx context.Context) (int64, error) {
	return sweepRecords(ctx, p.cfg.Store, p.cfg.Now())
}

// Round says what one reading of a mailbox did.
type Round struct {
	// Held is false when another instance holds the mailbox's lease.
	Held bool
	// Handled counts the messages filed, by outcome.
	Handled map[string]int
}

// Poll reads the mailbox once, if this instance gets its lease: every
// waiting message is filed and then moved.
func (p *Poller) Poll(ctx context.Context, mailbox string) (*Round, error) {
	mb := p.cfg.Catalog().Mailbox(mailbox)
	if mb == nil {
		return nil, fmt.Errorf("mailin: mailbox %q: %w", mailbox, fault.NotFound)
	}
	round := &Round{Handled: map[string]int{}}
	// The lease outlives a round; a round cut off by a crash is taken
	// over when it expires, and the records keep a message from being
	// filed twice even then.
	ttl := max(3*mb.Interval(), 2*time.Minute)
	held, err := p.cfg.Store.AcquireLease(ctx, LeasePrefix+mailbox, p.cfg.Holder, ttl)
	if err != nil || !held {
		return round, err
	}
	round.Held = true
	cn, err := open(mb)
	if err != nil {
		return round, fmt.Errorf("mailin: mailbox %s: %w", mailbox, err)
	}
	defer cn.close()
	waiting, err := cn.waiting()
	if err != nil {
		return round, fmt.Errorf("mailin: mailbox %s: %w", mailbox, err)
	}
	if len(waiting) > maxPerRound {
		// A round stays well within the lease; the rest come next round.
		waiting = waiting[:maxPerRound]
	}
	// A message that cannot be filed now (the database is unavailable)
	// stays where it is for the next round; the others go on.
	var errs []error
	for _, w := range waiting {
		if ctx.Err() != nil {
			return round, ctx.Err()
		}
		outcome, err := p.handle(ctx, cn, mb, w)
		if err != nil {
			errs = append(errs, fmt.Errorf("message %d: %w", w.uid, err))
			continue
		}
		round.Handled[outcome]++
	}
	if err := errors.Join(errs...); err != nil {
		return round, fmt.Errorf("mailin: mailbox %s: %w", mailbox, err)
	}
	return round, nil
}

// handle files one message and moves it: to the processed folder when it
// opened or answered a ticket, was dropped by a filter or is a bounce; to
// quarantine when it is automatic, malformed, too large or refused. The
// move comes after the record, so a message is never moved unfiled.
func (p *Poller) handle(ctx context.Context, cn *conn, mb *definition.Mailbox, w pending) (string, error) {
	log := p.log.With(slog.String("mailbox", mb.ID.Value), slog.Uint64("uid", uint64(w.uid)))
	if int64(w.size) > mb.Limit() {
		r := &Record{Key: engine.MailKey(mb.ID.Value, fmt.Sprintf("oversized/%d/%d", w.uid, w.size)), Mailbox: mb.ID.Value, Outcome: OutcomeQuarantine,
			Reason: fmt.Sprintf("message of %d bytes is larger than max_size", w.size), At: p.cfg.Now().UTC()}
		return p.finish(ctx, cn, mb, w.uid, r, log)
	}
	raw, err := cn.fetch(w.uid)
	if err != nil {
		return "", err
	}
	m, err := Parse(raw)
	if err != nil {
		r := &Record{Key: engine.MailKey(mb.ID.Value, "malformed/"+hashOf(raw)), Mailbox: mb.ID.Value, Outcome: OutcomeQuarantine,
			Reason: err.Error(), At: p.cfg.Now().UTC()}
		return p.finish(ctx, cn, mb, w.uid, r, log)
	}
	key := engine.MailKey(mb.ID.Value, m.MessageID)
	log = log.With(slog.String("message_id", m.MessageID))
	if done, err := record(ctx, p.cfg.Store, key); err != nil {
		return "", err
	} else if done != nil {
		// Filed before; its move did not happen (a crash, a lost
		// connection): only move it now.
		return p.move(cn, mb, w.uid, done, log)
	}
	r := &Record{Key: key, Mailbox: mb.ID.Value, MessageID: m.MessageID, From: m.From, Subject: m.Subject, At: p.cfg.Now().UTC()}
	switch {
	case m.Bounce:
		r.Outcome, r.Reason = OutcomeBounce, "delivery status notification"
		r.Ticket = p.firstThread(m, raw)
		log.Warn("bounce received", slog.String("ticket", r.Ticket), slog.String("from", m.From))
		return p.finish(ctx, cn, mb, w.uid, r, log)
	case m.Auto != "":
		r.Outcome, r.Reason = OutcomeQuarantine, "automatic mail ("+m.Auto+")"
		return p.finish(ctx, cn, mb, w.uid, r, log)
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
		// process is gone): nobody would see it in the folder read, and
		// reading it again changes nothing, so it is quarantined.
		r.Outcome, r.Reason = OutcomeQuarantine, "refused: "+err.Error()
		return p.finish(ctx, cn, mb, w.uid, r, log)
	case err != nil:
		return "", err // stays where it is and is read again
	}
	if p.cfg.Stored != nil {
		if err := p.cfg.Stored(mb.ID.Value, m.MessageID); err != nil {
			return "", err
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
	return p.finish(ctx, cn, mb, w.uid, r, log)
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

// finish records r and then moves the message.
func (p *Poller) finish(ctx context.Context, cn *conn, mb *definition.Mailbox, uid uint32, r *Record, log *slog.Logger) (string, error) {
	if err := keep(ctx, p.cfg.Store, r); err != nil {
		return "", err
	}
	return p.move(cn, mb, uid, r, log)
}

func (p *Poller) move(cn *conn, mb *definition.Mailbox, uid uint32, r *Record, log *slog.Logger) (string, error) {
	folder := mb.ProcessedFolder()
	if r.quarantined() {
		folder = mb.QuarantineFolder()
	}
	if err := cn.file(uid, folder); err != nil {
		return "", err
	}
	attrs := []any{slog.String("outcome", r.Outcome), slog.String("folder", folder)}
	if r.Ticket != "" {
		attrs = append(attrs, slog.String("ticket", r.Ticket))
	}
	if r.Reason != "" {
		attrs = append(attrs, slog.String("reason", r.Reason))
	}
	if r.quarantined() {
		log.Warn("mail quarantined", attrs...)
	} else {
		log.Info("mail filed", attrs...)
	}
	return r.Outcome, nil
}

// subjectNumber finds ticket numbers in a subject: a prefix, an optional
// year and a counter (INC-2026-000123, MAIL-000042).
var subjectNumber = regexp.MustCompile(`\b[A-Z][A-Z0-9]*-(?:[0-9]{4}-)?[0-9]{3,}\b`)

// threads are the tickets m names, strongest first: the Message-IDs it
// answers, the reply addresses it was sent to, the numbers in its subject.
func (p *Poller) threads(m *Message) []string {
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
func (p *Poller) firstThread(m *Message, raw []byte) string {
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
