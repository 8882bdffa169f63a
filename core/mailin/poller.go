package mailin

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/notify"
	"vorgang/core/store"
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
	// IMAPTimeout bounds connecting to an IMAP server and each command;
	// default 30s.
	IMAPTimeout time.Duration
	// Stored, when set, is called after a message's ticket or comment is
	// stored and before it is recorded and moved; an error stops the
	// round there, as a crash would (tests use it).
	Stored func(mailbox string, messageID string) error
}

// Poller reads the mailboxes of the catalog: each under a lease, so that
// of several instances on one database one reads a mailbox at a time.
type Poller struct {
	filer
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
	if cfg.IMAPTimeout <= 0 {
		cfg.IMAPTimeout = dialTimeout
	}
	return &Poller{filer{cfg: cfg, log: cfg.Logger.With(slog.String("component", "mail-in"))}}, nil
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
	// The instance that reads a mailbox also watches it with IDLE, where
	// the server offers it: new mail wakes the next round at once.
	idle := newIdlers(p)
	defer idle.stopAll()
	for {
		mailboxes := p.cfg.Catalog().Mailboxes()
		for _, mb := range mailboxes {
			if mb.LMTP() {
				continue // the LMTP listener takes its mail
			}
			now := time.Now()
			if now.Before(next[mb.ID.Value]) {
				continue
			}
			next[mb.ID.Value] = now.Add(mb.Interval())
			round, err := p.Poll(ctx, mb.ID.Value)
			if err != nil && ctx.Err() == nil {
				p.log.Warn("reading the mailbox failed; it is read again", slog.String("mailbox", mb.ID.Value), slog.String("error", err.Error()))
			}
			idle.follow(ctx, mb, round != nil && round.Held)
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
		idle.keepOnly(mailboxes)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case id := <-idle.wake:
			delete(next, id)
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
	if mb.LMTP() {
		return nil, fmt.Errorf("mailin: mailbox %q is delivered over LMTP: %w", mailbox, fault.NotAllowedNow)
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
	cn, err := open(mb, nil, p.cfg.IMAPTimeout)
	if err != nil {
		return round, fmt.Errorf("mailin: mailbox %s: %w", mailbox, err)
	}
	defer cn.close()
	if err := p.tidyQuarantine(ctx, cn, mb); err != nil {
		return round, fmt.Errorf("mailin: mailbox %s: %w", mailbox, err)
	}
	waiting, err := cn.waiting()
	if err != nil {
		return round, fmt.Errorf("mailin: mailbox %s: %w", mailbox, err)
	}
	if len(waiting) > maxPerRound {
		// A round stays well within the lease; the rest come next round.
		waiting = waiting[:maxPerRound]
	}
	// Large messages last: a message with a 10 MB attachment takes a
	// while to fetch, parse and store, and the small ones behind it
	// should not wait for that. No message of a round answers another
	// of the same round (a reply names a ticket already stored), so the
	// order within a round is free.
	slices.SortStableFunc(waiting, func(a, b pending) int {
		return cmp.Compare(boolInt(a.size > largeMessage), boolInt(b.size > largeMessage))
	})
	// A message that cannot be filed now (the database is unavailable)
	// stays where it is for the next round; the others go on. Filed
	// messages are moved in batches, one IMAP command per folder: a
	// message recorded but not yet moved when the round breaks off is
	// only moved by the next round.
	var errs []error
	var filed []filedMessage
	flush := func() {
		if err := p.moveAll(cn, mb, filed, round); err != nil {
			errs = append(errs, err)
		}
		filed = filed[:0]
	}
	for len(waiting) > 0 {
		chunk := nextChunk(waiting, mb.Limit())
		waiting = waiting[len(chunk):]
		if ctx.Err() != nil {
			flush()
			return round, ctx.Err()
		}
		// One FETCH for the chunk's messages that are not too large.
		var uids []uint32
		for _, w := range chunk {
			if int64(w.size) <= mb.Limit() {
				uids = append(uids, w.uid)
			}
		}
		var raws map[uint32][]byte
		if len(uids) > 0 {
			if raws, err = cn.fetch(uids...); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		if err := cn.rest(); err != nil {
			errs = append(errs, err)
			continue
		}
		for _, w := range chunk {
			r, err := p.handle(ctx, mb, w, raws[w.uid])
			if err != nil {
				errs = append(errs, fmt.Errorf("message %d: %w", w.uid, err))
				continue
			}
			filed = append(filed, filedMessage{uid: w.uid, r: r})
		}
		flush()
	}
	flush()
	if err := errors.Join(errs...); err != nil {
		return round, fmt.Errorf("mailin: mailbox %s: %w", mailbox, err)
	}
	return round, nil
}

// largeMessage is the size above which a message is filed after the
// other messages of its round.
const largeMessage = 1 << 20

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Messages are fetched, filed and moved in chunks: one FETCH and one
// MOVE per folder for up to chunkMessages messages of up to chunkBytes
// together (a message larger than that, or than largeMessage, is a chunk
// of its own).
const (
	chunkMessages = 25
	chunkBytes    = 32 << 20
)

// nextChunk is the first chunk of waiting.
func nextChunk(waiting []pending, limit int64) []pending {
	var size int64
	for i, w := range waiting {
		if int64(w.size) <= limit {
			size += int64(w.size)
		}
		// A large message is a chunk of its own: the chunk before it is
		// moved (acknowledged) without waiting for its fetch.
		if i > 0 && (i == chunkMessages || size > chunkBytes || w.size > largeMessage) {
			return waiting[:i]
		}
	}
	return waiting
}

// filedMessage is a message filed and not yet moved.
type filedMessage struct {
	uid uint32
	r   *Record
}

// handle files one message, raw its content (not fetched when it is
// larger than max_size): its record says where it goes, to the
// processed folder when it opened or answered a ticket, was dropped by a
// filter or is a bounce; to quarantine when it is automatic, malformed,
// too large or refused. It is moved after it is recorded, so never
// unfiled.
func (p *Poller) handle(ctx context.Context, mb *definition.Mailbox, w pending, raw []byte) (*Record, error) {
	if int64(w.size) > mb.Limit() {
		r := &Record{Key: engine.MailKey(mb.ID.Value, fmt.Sprintf("oversized/%d/%d", w.uid, w.size)), Mailbox: mb.ID.Value, Outcome: OutcomeQuarantine,
			Reason: fmt.Sprintf("message of %d bytes is larger than max_size", w.size), At: p.cfg.Now().UTC()}
		if done, err := record(ctx, p.cfg.Store, r.Key); err != nil {
			return nil, err
		} else if done != nil && done.quarantined() && done.Held != "" {
			return done, p.hold(ctx, done, nil, int64(w.size), nil)
		} else if done != nil {
			return done, nil
		}
		// Not read, so not kept: the quarantine folder holds it.
		if err := p.quarantine(ctx, r, nil, int64(w.size), nil); err != nil {
			return nil, err
		}
		return r, nil
	}
	if raw == nil {
		return nil, fmt.Errorf("fetch %d: no body", w.uid)
	}
	return p.file(ctx, mb, raw, nil)
}

// moveAll moves filed messages to their folders, counts them in round and
// logs each.
func (p *Poller) moveAll(cn *conn, mb *definition.Mailbox, filed []filedMessage, round *Round) error {
	byFolder := map[string][]uint32{}
	for _, f := range filed {
		folder := mb.ProcessedFolder()
		if f.r.quarantined() {
			folder = mb.QuarantineFolder()
		}
		byFolder[folder] = append(byFolder[folder], f.uid)
	}
	moved := map[string]bool{}
	var errs []error
	for folder, uids := range byFolder {
		if err := cn.file(folder, uids...); err != nil {
			errs = append(errs, err)
			continue
		}
		moved[folder] = true
	}
	for _, f := range filed {
		folder := mb.ProcessedFolder()
		if f.r.quarantined() {
			folder = mb.QuarantineFolder()
		}
		if !moved[folder] {
			continue
		}
		round.Handled[f.r.Outcome]++
		p.logFiled(mb, f.uid, folder, f.r)
	}
	return errors.Join(errs...)
}

func (p *Poller) logFiled(mb *definition.Mailbox, uid uint32, folder string, r *Record) {
	attrs := []any{slog.String("mailbox", mb.ID.Value), slog.Uint64("uid", uint64(uid)), slog.String("outcome", r.Outcome), slog.String("folder", folder)}
	if r.MessageID != "" {
		attrs = append(attrs, slog.String("message_id", r.MessageID))
	}
	if r.Ticket != "" {
		attrs = append(attrs, slog.String("ticket", r.Ticket))
	}
	if r.Reason != "" {
		attrs = append(attrs, slog.String("reason", r.Reason))
	}
	if r.quarantined() {
		p.log.Warn("mail quarantined", attrs...)
	} else {
		p.log.Info("mail filed", attrs...)
	}
}

// tidyQuarantine moves the copies of messages released or discarded
// from the quarantine (see Quarantine) out of the quarantine folder into
// the processed folder, so the folder shows what still waits for a
// decision. A failure to move is logged and tried again next round; an
// error means the folder read could not be selected again, and the round
// must not go on.
func (p *Poller) tidyQuarantine(ctx context.Context, cn *conn, mb *definition.Mailbox) error {
	var left []leftMail
	err := p.cfg.Store.Find(ctx, leftCollection, store.Find{Shape: shapeLeft,
		Equal: []store.Condition{{Field: "mailbox", Value: mb.ID.Value}}, Limit: maxPerRound}, &left)
	if err != nil || len(left) == 0 {
		if err != nil {
			p.log.Warn("reading the released quarantine failed", slog.String("mailbox", mb.ID.Value), slog.String("error", err.Error()))
		}
		return nil
	}
	if err := cn.moveByMessageID(mb.QuarantineFolder(), mb.ProcessedFolder(), left, func(l leftMail) {
		if err := p.cfg.Store.Delete(ctx, leftCollection, l.ID); err != nil {
			p.log.Warn("forgetting a tidied quarantine copy failed", slog.String("error", err.Error()))
		}
	}); err != nil {
		p.log.Warn("moving released messages out of the quarantine folder failed; tried again next round",
			slog.String("mailbox", mb.ID.Value), slog.String("error", err.Error()))
	}
	if _, err := cn.c.Select(mb.Folder(), false); err != nil {
		return fmt.Errorf("select %s: %w", mb.Folder(), err)
	}
	return nil
}

// File files one raw message of the mailbox as a delivery of it would:
// the same parsing, loop rules, threading and record, without a server
// (the scenario runner's incoming mail). An error means nothing final
// happened.
func (p *Poller) File(ctx context.Context, mailbox string, raw []byte) (*Record, error) {
	mb := p.cfg.Catalog().Mailbox(mailbox)
	if mb == nil {
		return nil, fmt.Errorf("mailin: mailbox %q: %w", mailbox, fault.NotFound)
	}
	r, err := p.file(ctx, mb, raw, nil)
	if err != nil {
		return nil, fmt.Errorf("mailin: mailbox %s: %w", mailbox, err)
	}
	return r, nil
}
