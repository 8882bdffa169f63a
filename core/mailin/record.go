package mailin

import (
	"context"
	"errors"
	"fmt"
	"time"

	"vorgang/core/engine"
	"vorgang/core/store"
)

// recordsCollection holds one record per message handled, under the key
// of its mailbox and Message-ID: a message met again (its move failed, a
// crash came between storing and moving it) is only moved.
const recordsCollection = "mail_in"

// shapeByOutcome lists the records of a mailbox with one outcome (the
// bounces, the quarantined messages). Filing a message reads its record
// by _id only; the listing is for reports and tests, rare enough to scan
// on the embedded store (MongoDB uses the index).
const shapeByOutcome = "mail_in_by_outcome"

// shapeRecordsBefore finds the records filed before a time.
const shapeRecordsBefore = "mail_in_before"

// RecordsKept is how long a record is kept: long past the time a message
// could still wait in a folder read, so none is filed twice, and long
// enough to look up what became of a message.
const RecordsKept = 365 * 24 * time.Hour

// Schema declares the collection of mail-in records; pass it in
// store.Config.Collections.
func Schema() store.Schema {
	return append(store.Schema{{
		Name:    recordsCollection,
		Indexes: []store.Index{{Keys: []string{"mailbox", "outcome", "at"}}, {Keys: []string{"at"}}},
		Shapes: []store.QueryShape{
			{Name: shapeByOutcome, Keys: []string{"mailbox", "outcome"}, Scans: true},
			// The daily sweep of old records (see RecordsKept).
			{Name: shapeRecordsBefore, Keys: []string{"at"}, Scans: true},
			{Name: shapeRecordsScan, Scans: true},
		},
	}}, quarantineSchema()...)
}

// Outcomes of a message.
const (
	OutcomeTicket     = "ticket"     // opened a ticket
	OutcomeReply      = "reply"      // became a comment on a ticket
	OutcomeDropped    = "dropped"    // a filter dropped it
	OutcomeBounce     = "bounce"     // a delivery status notification
	OutcomeQuarantine = "quarantine" // automatic, malformed, oversized or refused (IMAP)
	// OutcomeRejected is a message refused to the mail server over LMTP
	// (malformed, or refused by the form): it returns it to its sender.
	OutcomeRejected = "rejected"
	// OutcomeDiscarded is a quarantined message an administrator
	// discarded.
	OutcomeDiscarded = "discarded"
)

// Record is what became of one message.
type Record struct {
	Key       string    `bson:"_id"`
	Mailbox   string    `bson:"mailbox"`
	MessageID string    `bson:"message_id"`
	Outcome   string    `bson:"outcome"`
	Ticket    string    `bson:"ticket,omitempty"`
	Reason    string    `bson:"reason,omitempty"`
	From      string    `bson:"from,omitempty"`
	Subject   string    `bson:"subject,omitempty"`
	At        time.Time `bson:"at"`
	// Held names the message's entry in the quarantine while it is
	// quarantined.
	Held string `bson:"held,omitempty"`
	// Version counts the changes of the record in place (store.Update):
	// a data subject's request clearing its sender.
	Version int64 `bson:"version,omitempty"`
}

// folder is where a message with the record goes.
func (r *Record) quarantined() bool { return r.Outcome == OutcomeQuarantine }

// Store is what mail-in needs from the data layer; *store.Store has it.
type Store interface {
	Get(ctx context.Context, coll, id string, out any) error
	Insert(ctx context.Context, coll string, doc any) error
	Delete(ctx context.Context, coll, id string) error
	Update(ctx context.Context, coll, id string, expectVersion int64, update map[string]any) (int64, error)
	DeleteExpired(ctx context.Context, coll, shape string, now time.Time) (int64, error)
	Find(ctx context.Context, coll string, f store.Find, out any) error
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
}

var _ Store = (*store.Store)(nil)

// record returns the record of key, or nil.
func record(ctx context.Context, st Store, key string) (*Record, error) {
	var r Record
	err := st.Get(ctx, recordsCollection, key, &r)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("mailin: record %s: %w", key, err)
	}
	return &r, nil
}

// keep writes r; a record already there (another reader was first) is
// kept as it is.
func keep(ctx context.Context, st Store, r *Record) error {
	err := st.Insert(ctx, recordsCollection, r)
	if err != nil && !errors.Is(err, store.ErrDuplicate) {
		return fmt.Errorf("mailin: record %s: %w", r.Key, err)
	}
	return nil
}

// Lookup returns what became of the message with the Message-ID in the
// mailbox, or nil when it has not been filed (or was refused before it
// could be read). Tests and the corpus check call it; the binary reads
// records through the ingest path.
func Lookup(ctx context.Context, st Store, mailbox, messageID string) (*Record, error) {
	return record(ctx, st, engine.MailKey(mailbox, messageID))
}

// Records lists the records of a mailbox with an outcome (e.g. the
// bounces), in key order.
func Records(ctx context.Context, st Store, mailbox, outcome string) ([]Record, error) {
	var out []Record
	err := st.Find(ctx, recordsCollection, store.Find{Shape: shapeByOutcome,
		Equal: []store.Condition{{Field: "mailbox", Value: mailbox}, {Field: "outcome", Value: outcome}}}, &out)
	if err != nil {
		return nil, fmt.Errorf("mailin: records of %s: %w", mailbox, err)
	}
	return out, nil
}

// sweepRecords deletes the records, and what the quarantine holds,
// older than RecordsKept.
func sweepRecords(ctx context.Context, st Store, now time.Time) (int64, error) {
	n, err := st.DeleteExpired(ctx, recordsCollection, shapeRecordsBefore, now.Add(-RecordsKept))
	if err != nil {
		return 0, fmt.Errorf("mailin: sweep records: %w", err)
	}
	held, err := sweepHeld(ctx, st, now)
	return n + held, err
}
