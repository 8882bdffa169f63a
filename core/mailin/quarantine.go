package mailin

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/store"
)

// The quarantine keeps each message a mailbox did not file (automatic,
// unreadable, too large, refused) until an administrator releases or
// discards it: an entry in heldCollection, listed newest first, and the
// original message in chunks, so that a message delivered over LMTP,
// which has no folder to wait in, can still be released. A message
// larger than max_size is not read, so only its IMAP copy in the
// quarantine folder holds it.
const (
	heldCollection       = "mail_in_held"
	heldChunksCollection = "mail_in_held_chunks"
	// leftCollection names the messages released or discarded whose copy
	// still lies in an IMAP quarantine folder; the next round of their
	// mailbox moves it to the processed folder.
	leftCollection = "mail_in_left"
	shapeLeft      = "mail_in_left_by_mailbox"
	// shapeHeld lists the entries in _id order (newest first, see
	// heldID) and finds the old ones for the sweep. The quarantine is
	// small: scanned rather than indexed on the embedded store.
	shapeHeld       = "mail_in_held_by_at"
	shapeHeldChunks = "mail_in_held_chunks_by_at"
)

// heldChunkSize keeps each chunk of an original well under the 16 MB a
// document may have, as the store's attachments do.
const heldChunkSize = 255 << 10

func quarantineSchema() store.Schema {
	return store.Schema{
		{Name: heldCollection, Shapes: []store.QueryShape{{Name: shapeHeld, Keys: []string{"at"}, Scans: true}}},
		{Name: heldChunksCollection, Shapes: []store.QueryShape{{Name: shapeHeldChunks, Keys: []string{"at"}, Scans: true}}},
		{Name: leftCollection, Shapes: []store.QueryShape{{Name: shapeLeft, Keys: []string{"mailbox"}, Scans: true}}},
	}
}

// heldMail is a message in quarantine.
type heldMail struct {
	ID        string    `bson:"_id"`
	Record    string    `bson:"record"`
	Mailbox   string    `bson:"mailbox"`
	MessageID string    `bson:"message_id,omitempty"`
	From      string    `bson:"from,omitempty"`
	Subject   string    `bson:"subject,omitempty"`
	Reason    string    `bson:"reason"`
	Envelope  []string  `bson:"envelope,omitempty"`
	At        time.Time `bson:"at"`
	Size      int64     `bson:"size"`
	// Chunks of the original; 0 when only the IMAP folder holds it.
	Chunks int `bson:"chunks"`
}

// leftMail is a message that left the quarantine while its copy is
// still in the mailbox's IMAP quarantine folder.
type leftMail struct {
	ID        string `bson:"_id"`
	Mailbox   string `bson:"mailbox"`
	MessageID string `bson:"message_id"`
}

type heldChunk struct {
	ID   string    `bson:"_id"`
	Data []byte    `bson:"data"`
	At   time.Time `bson:"at"`
}

// heldID orders the quarantine newest first in _id order (the order the
// store pages in): the time counted down, then the record it holds.
func heldID(r *Record) string {
	return fmt.Sprintf("%016x-%s", uint64(math.MaxInt64-r.At.UnixNano()), hashOf([]byte(r.Key))[:12])
}

func heldChunkID(id string, n int) string { return fmt.Sprintf("%s/%06d", id, n) }

// hold puts the message of quarantined record r into the quarantine, raw
// its original (nil when it was not read). The chunks are written before
// the entry, so an entry always has its whole original. Holding again
// what is held changes nothing.
func (p *filer) hold(ctx context.Context, r *Record, raw []byte, size int64, envelope []string) error {
	st := p.cfg.Store
	var have heldMail
	if err := st.Get(ctx, heldCollection, r.Held, &have); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("mailin: quarantine %s: %w", r.Held, err)
	}
	h := &heldMail{ID: r.Held, Record: r.Key, Mailbox: r.Mailbox, MessageID: r.MessageID, From: r.From, Subject: r.Subject,
		Reason: r.Reason, Envelope: envelope, At: r.At, Size: size}
	for off := 0; off < len(raw); off += heldChunkSize {
		c := &heldChunk{ID: heldChunkID(h.ID, h.Chunks), Data: raw[off:min(off+heldChunkSize, len(raw))], At: r.At}
		if err := st.Insert(ctx, heldChunksCollection, c); err != nil && !errors.Is(err, store.ErrDuplicate) {
			return fmt.Errorf("mailin: quarantine %s: %w", h.ID, err)
		}
		h.Chunks++
	}
	if err := st.Insert(ctx, heldCollection, h); err != nil && !errors.Is(err, store.ErrDuplicate) {
		return fmt.Errorf("mailin: quarantine %s: %w", h.ID, err)
	}
	return nil
}

// quarantine records r as quarantined and holds its message.
func (p *filer) quarantine(ctx context.Context, r *Record, raw []byte, size int64, envelope []string) error {
	r.Held = heldID(r)
	if err := keep(ctx, p.cfg.Store, r); err != nil {
		return err
	}
	return p.hold(ctx, r, raw, size, envelope)
}

// Quarantine is the quarantine of the mailboxes, as the engine's
// MailQuarantine: it lists, shows, releases and discards held messages.
type Quarantine struct {
	filer
}

var _ engine.MailQuarantine = (*Quarantine)(nil)

// NewQuarantine returns the quarantine over cfg (the Poller's Config).
func NewQuarantine(cfg Config) (*Quarantine, error) {
	p, err := New(cfg)
	if err != nil {
		return nil, err
	}
	return &Quarantine{filer: p.filer}, nil
}

func (h *heldMail) summary() engine.QuarantinedMail {
	return engine.QuarantinedMail{ID: h.ID, Mailbox: h.Mailbox, MessageID: h.MessageID, From: h.From, Subject: h.Subject,
		Reason: h.Reason, At: h.At, Size: h.Size, Original: h.Chunks > 0,
		Releasable: h.Chunks > 0 && !strings.HasPrefix(h.Reason, errMalformed.Error())}
}

// Quarantined lists the held messages, newest first.
func (q *Quarantine) Quarantined(ctx context.Context, after string, limit int) ([]engine.QuarantinedMail, string, error) {
	var held []heldMail
	err := q.cfg.Store.Find(ctx, heldCollection, store.Find{Shape: shapeHeld, After: after, Limit: limit + 1,
		Fields: []string{"record", "mailbox", "message_id", "from", "subject", "reason", "at", "size", "chunks"}}, &held)
	if err != nil {
		return nil, "", fmt.Errorf("mailin: quarantine: %w", err)
	}
	next := ""
	if len(held) > limit {
		held, next = held[:limit], held[limit-1].ID
	}
	out := make([]engine.QuarantinedMail, len(held))
	for i := range held {
		out[i] = held[i].summary()
	}
	return out, next, nil
}

func (q *Quarantine) held(ctx context.Context, id string) (*heldMail, error) {
	var h heldMail
	err := q.cfg.Store.Get(ctx, heldCollection, id, &h)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("mailin: quarantined message %q: %w", id, fault.NotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("mailin: quarantined message %s: %w", id, err)
	}
	return &h, nil
}

// original reads the message h holds.
func (q *Quarantine) original(ctx context.Context, h *heldMail) ([]byte, error) {
	raw := make([]byte, 0, h.Size)
	for n := range h.Chunks {
		var c heldChunk
		if err := q.cfg.Store.Get(ctx, heldChunksCollection, heldChunkID(h.ID, n), &c); err != nil {
			return nil, fmt.Errorf("mailin: quarantined message %s, part %d: %w", h.ID, n, err)
		}
		raw = append(raw, c.Data...)
	}
	return raw, nil
}

// QuarantinedMessage reads a held message: its header fields, its text
// (HTML reduced to text) and its attachments, named with their sniffed
// types. A message that cannot be read shows its reason only.
func (q *Quarantine) QuarantinedMessage(ctx context.Context, id string) (*engine.QuarantinedMessage, error) {
	h, err := q.held(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &engine.QuarantinedMessage{QuarantinedMail: h.summary()}
	if h.Chunks == 0 {
		return out, nil
	}
	raw, err := q.original(ctx, h)
	if err != nil {
		return nil, err
	}
	m, err := Parse(raw)
	if err != nil {
		return out, nil
	}
	for f := m.header.Fields(); f.Next(); {
		v, err := f.Text()
		if err != nil {
			v = f.Value()
		}
		out.Header = append(out.Header, engine.MailHeader{Name: f.Key(), Value: v})
	}
	out.Text = m.Text
	for _, f := range m.Files {
		out.Files = append(out.Files, engine.QuarantinedFile{Name: f.Name, Type: engine.SniffType(f.Data), Size: int64(len(f.Data))})
	}
	return out, nil
}

// Release files a held message as a new delivery of it would, except
// that the loop rules do not hold it again: a person looked at it. Its
// record then says what it became, and it leaves the quarantine. A
// message the form still refuses stays held, and the error says why.
func (q *Quarantine) Release(ctx context.Context, id, by string) (*engine.MailRelease, error) {
	h, err := q.held(ctx, id)
	if err != nil {
		return nil, err
	}
	if h.Chunks == 0 {
		return nil, fault.Coded(fault.NotAllowedNow, "mail_not_kept",
			"the message is only in the mailbox's quarantine folder: raise max_size and move it back to the folder read")
	}
	mb := q.cfg.Catalog().Mailbox(h.Mailbox)
	if mb == nil {
		return nil, fault.Coded(fault.NotAllowedNow, "mailbox_gone", "the mailbox "+h.Mailbox+" is no longer defined")
	}
	raw, err := q.original(ctx, h)
	if err != nil {
		return nil, err
	}
	r, err := q.fileAs(ctx, mb, raw, h.Envelope, by)
	if err != nil {
		return nil, err
	}
	switch r.Outcome {
	case OutcomeTicket, OutcomeReply, OutcomeDropped, OutcomeBounce:
	default:
		return nil, fault.Coded(fault.NotAllowedNow, "mail_still_refused", r.Reason)
	}
	r.Key, r.Reason = h.Record, "released from quarantine by "+by
	if err := q.cfg.Store.Delete(ctx, recordsCollection, h.Record); err != nil {
		return nil, fmt.Errorf("mailin: release %s: %w", id, err)
	}
	if err := keep(ctx, q.cfg.Store, r); err != nil {
		return nil, err
	}
	if err := q.forget(ctx, h); err != nil {
		return nil, err
	}
	return &engine.MailRelease{Outcome: r.Outcome, Ticket: r.Ticket}, nil
}

// Discard forgets a held message: its record says who discarded it.
func (q *Quarantine) Discard(ctx context.Context, id, by string) error {
	h, err := q.held(ctx, id)
	if err != nil {
		return err
	}
	r, err := record(ctx, q.cfg.Store, h.Record)
	if err != nil {
		return err
	}
	if r != nil {
		r.Outcome, r.Reason, r.Held = OutcomeDiscarded, "discarded by "+by+": "+r.Reason, ""
		if err := q.cfg.Store.Delete(ctx, recordsCollection, h.Record); err != nil {
			return fmt.Errorf("mailin: discard %s: %w", id, err)
		}
		if err := keep(ctx, q.cfg.Store, r); err != nil {
			return err
		}
	}
	return q.forget(ctx, h)
}

// forget deletes the entry, then its chunks: a crash between leaves
// chunks no entry names, which the sweep deletes with the year. A copy
// in an IMAP quarantine folder is noted for the mailbox's next round to
// move to the processed folder.
func (q *Quarantine) forget(ctx context.Context, h *heldMail) error {
	if mb := q.cfg.Catalog().Mailbox(h.Mailbox); mb != nil && !mb.LMTP() && h.MessageID != "" {
		l := &leftMail{ID: h.ID, Mailbox: h.Mailbox, MessageID: h.MessageID}
		if err := q.cfg.Store.Insert(ctx, leftCollection, l); err != nil && !errors.Is(err, store.ErrDuplicate) {
			return fmt.Errorf("mailin: quarantine %s: %w", h.ID, err)
		}
	}
	if err := q.cfg.Store.Delete(ctx, heldCollection, h.ID); err != nil {
		return fmt.Errorf("mailin: quarantine %s: %w", h.ID, err)
	}
	for n := range h.Chunks {
		if err := q.cfg.Store.Delete(ctx, heldChunksCollection, heldChunkID(h.ID, n)); err != nil {
			return fmt.Errorf("mailin: quarantine %s: %w", h.ID, err)
		}
	}
	return nil
}

// sweepHeld deletes what the quarantine held longer than RecordsKept.
func sweepHeld(ctx context.Context, st Store, now time.Time) (int64, error) {
	var total int64
	for _, c := range [][2]string{{heldCollection, shapeHeld}, {heldChunksCollection, shapeHeldChunks}} {
		n, err := st.DeleteExpired(ctx, c[0], c[1], now.Add(-RecordsKept))
		if err != nil {
			return total, fmt.Errorf("mailin: sweep quarantine: %w", err)
		}
		total += n
	}
	return total, nil
}
