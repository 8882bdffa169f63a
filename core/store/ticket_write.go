package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"vorgang/core/ticket"
)

// orphanAge is how old an uncommitted history entry must be before a writer
// on MongoDB treats it as left by a crashed process. On the embedded store
// the per-ticket lock makes any uncommitted entry a crash leftover at once.
const orphanAge = time.Minute

// CreateTicket stores a new ticket with version 1 and its first history
// entry. The entry is written first: a crash in between leaves an entry no
// reader sees (readers only show entries up to the ticket's version), never
// a ticket without its history.
func (s *Store) CreateTicket(ctx context.Context, t *ticket.Ticket, first *ticket.HistoryEntry) error {
	return s.CreateTicketQueued(ctx, t, first, time.Time{}, nil)
}

// CreateTicketQueued stores the outbox items of a new ticket's first change
// (as Enqueue does, due at now) and then the ticket with that change (as
// CreateTicket does): an item is never missing for a stored ticket. On the
// embedded store all of it goes into one transaction together with the
// creates of other callers (ticket_create_batch.go).
func (s *Store) CreateTicketQueued(ctx context.Context, t *ticket.Ticket, first *ticket.HistoryEntry, now time.Time, queued []*OutboxItem) error {
	return s.createTicket(ctx, t, first, now, queued, Reserved{}, nil)
}

// createTicket is CreateTicketQueued that also writes the claim of the
// ticket's number when ReserveNumber left it unwritten (r.deferred), and
// the companions with.
func (s *Store) createTicket(ctx context.Context, t *ticket.Ticket, first *ticket.HistoryEntry, now time.Time, queued []*OutboxItem, r Reserved, with []Companion) error {
	if t.Number == "" {
		return errors.New("store: create ticket: empty number")
	}
	if s.localLocks {
		defer s.locks.Lock(TicketsCollection, t.Number)()
	}
	t.Version = 1
	for _, item := range queued {
		pending(item, now)
	}
	var claim *NumberClaim
	if r.deferred {
		c := r.claimDoc(time.Now().UTC())
		claim = &c
	}
	if s.writer != nil {
		err := s.createGrouped(ctx, t, first, queued, claim, with)
		if err == nil {
			s.committed(r)
			s.noteWritten(ctx)
			s.ticketChanged(t, first)
			return nil
		}
		if !errors.Is(err, errCreateAlone) {
			return err
		}
	}
	if claim != nil {
		// The claim first, as ClaimNumber would have written it: a crash
		// after it leaves an orphan, found after the restart.
		if err := s.Insert(ctx, counterClaimsCollection, claim); err != nil {
			return fmt.Errorf("store: create ticket %s: claim its number: %w", t.Number, err)
		}
		s.committed(r)
	}
	for _, c := range with {
		if err := s.Insert(ctx, c.Collection, c.Doc); err != nil {
			return fmt.Errorf("store: create ticket %s: insert into %s: %w", t.Number, c.Collection, err)
		}
	}
	for _, item := range queued {
		if err := s.Insert(ctx, OutboxCollection, item); err != nil {
			return fmt.Errorf("store: enqueue %s: %w", item.ID, err)
		}
	}
	if err := s.claimHistory(ctx, t.Number, 0, first); err != nil {
		return fmt.Errorf("store: create ticket %s: %w", t.Number, err)
	}
	done := s.counts.write()
	err := s.Insert(ctx, TicketsCollection, t)
	switch after := headOf(t); {
	case err == nil:
		done(nil, &after, true)
	case errors.Is(err, ErrDuplicate):
		done(nil, nil, true) // certainly not stored
	default:
		done(nil, nil, false)
	}
	if errors.Is(err, ErrDiskFull) {
		// Certainly not stored: take the entry back, so a retry of the
		// number need not wait for it to count as a crash leftover (on
		// MongoDB). If this fails too, the next writer clears it.
		_, _ = s.db.Collection(HistoryCollection).DeleteOne(context.WithoutCancel(ctx), byID(first.ID))
	}
	if err != nil {
		return fmt.Errorf("store: create ticket %s: %w", t.Number, err)
	}
	s.ticketChanged(t, first)
	return nil
}

// UpdateTicket replaces ticket t, whose Version must be the version the
// caller read, and records entry as the change. Exactly one of several
// concurrent writers of one version succeeds; the others get an error
// wrapping ErrConflict and should reload and retry or report a conflict.
// On success t.Version is the new version.
//
// The history entry's insert claims the next version: its _id is unique, and
// inserts of a unique _id are atomic on MongoDB and FerretDB alike, across
// any number of processes.
func (s *Store) UpdateTicket(ctx context.Context, t *ticket.Ticket, entry *ticket.HistoryEntry) error {
	if s.localLocks {
		defer s.locks.Lock(TicketsCollection, t.Number)()
	}
	expect := t.Version
	cur, before, err := s.ticketHead(ctx, t.Number)
	if err != nil {
		return fmt.Errorf("store: update ticket %s: %w", t.Number, err)
	}
	if cur != expect {
		return fmt.Errorf("store: update ticket %s: %w: it changed (version %d, expected %d)", t.Number, ErrConflict, cur, expect)
	}
	if err := s.claimHistory(ctx, t.Number, expect, entry); err != nil {
		return fmt.Errorf("store: update ticket %s: %w", t.Number, err)
	}
	t.Version = expect + 1
	filter := bson.D{{Key: "_id", Value: t.Number}}
	if !s.localLocks {
		// Fences a writer that lost its claim to orphan clean-up.
		filter = append(filter, bson.E{Key: VersionField, Value: expect})
	}
	done := s.counts.write()
	res, err := s.db.Collection(TicketsCollection).ReplaceOne(ctx, filter, t)
	after := headOf(t)
	done(&before, &after, err == nil && res.MatchedCount == 1)
	if err != nil {
		t.Version = expect
		return fmt.Errorf("store: update ticket %s: %w", t.Number, s.classify(ctx, writeError(err)))
	}
	if res.MatchedCount == 0 {
		t.Version = expect
		return fmt.Errorf("store: update ticket %s: %w: it changed meanwhile", t.Number, ErrConflict)
	}
	s.ticketChanged(t, entry)
	return nil
}

// claimHistory inserts entry as change version+1 of ticket number,
// clearing an entry a crashed writer left uncommitted.
func (s *Store) claimHistory(ctx context.Context, number string, version int64, entry *ticket.HistoryEntry) error {
	entry.Seq = version + 1
	entry.Ticket = number
	entry.ID = HistoryID(number, entry.Seq)
	if entry.At.IsZero() {
		entry.At = time.Now().UTC()
	}
	err := s.Insert(ctx, HistoryCollection, entry)
	if !errors.Is(err, ErrDuplicate) {
		return err
	}
	// The version is claimed. Either another writer is committing it (a
	// conflict), or it is left over from a crash (the ticket never reached
	// that version): remove it and claim again.
	committed, _, err := s.ticketHead(ctx, number)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if committed > version {
		return fmt.Errorf("%w: version %d is taken", ErrConflict, entry.Seq)
	}
	if !s.localLocks {
		var orphan ticket.HistoryEntry
		if err := s.Get(ctx, HistoryCollection, entry.ID, &orphan); err != nil {
			return err
		}
		if time.Since(orphan.At) < orphanAge {
			return fmt.Errorf("%w: version %d is being written", ErrConflict, entry.Seq)
		}
	}
	if _, err := s.db.Collection(HistoryCollection).DeleteOne(ctx, byID(entry.ID)); err != nil {
		return fmt.Errorf("remove uncommitted history entry %s: %w", entry.ID, s.classify(ctx, err))
	}
	s.log.WarnContext(ctx, "removed an uncommitted history entry left by a crash", "entry", entry.ID)
	if err := s.Insert(ctx, HistoryCollection, entry); err != nil {
		if errors.Is(err, ErrDuplicate) {
			return fmt.Errorf("%w: version %d is taken", ErrConflict, entry.Seq)
		}
		return err
	}
	return nil
}

// ticketHead reads a ticket's committed version and counted fields.
func (s *Store) ticketHead(ctx context.Context, number string) (int64, countedHead, error) {
	var v struct {
		Version  int64  `bson:"version"`
		Open     bool   `bson:"open"`
		Team     string `bson:"team"`
		State    string `bson:"state"`
		Priority string `bson:"priority"`
	}
	err := s.db.Collection(TicketsCollection).FindOne(ctx, byID(number),
		options.FindOne().SetProjection(bson.D{{Key: VersionField, Value: 1}, {Key: "open", Value: 1},
			{Key: "team", Value: 1}, {Key: "state", Value: 1}, {Key: "priority", Value: 1}})).Decode(&v)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, countedHead{}, ErrNotFound
	}
	if err != nil {
		return 0, countedHead{}, fmt.Errorf("read version of %s: %w", number, err)
	}
	return v.Version, countedHead{Open: v.Open, Team: v.Team, State: v.State, Priority: v.Priority}, nil
}

// Ticket reads ticket number. It returns an error wrapping ErrNotFound if
// there is none.
func (s *Store) Ticket(ctx context.Context, number string) (*ticket.Ticket, error) {
	var t ticket.Ticket
	if err := s.Get(ctx, TicketsCollection, number, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// historyReaders is how many history entries the embedded store reads at
// once. Its reads by _id are served from an index but one at a time per
// connection; a few in parallel make a long timeline several times faster.
const historyReaders = 8

// History returns the committed history entries of t in order. Entries
// have deterministic _ids "<number>/<seq>", so on MongoDB they are one
// range of the _id index; on the embedded store, which answers only exact
// _id lookups from an index, they are read by _id, several at a time.
func (s *Store) History(ctx context.Context, t *ticket.Ticket) ([]ticket.HistoryEntry, error) {
	if t.Version == 0 {
		return nil, nil
	}
	if s.embedded == nil {
		return s.historyRange(ctx, t)
	}
	out := make([]ticket.HistoryEntry, t.Version)
	errs := make([]error, t.Version)
	sem := make(chan struct{}, historyReaders)
	var wg sync.WaitGroup
	for seq := int64(1); seq <= t.Version; seq++ {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			errs[seq-1] = s.Get(ctx, HistoryCollection, HistoryID(t.Number, seq), &out[seq-1])
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("store: history of %s: %w", t.Number, err)
	}
	return out, nil
}

// historyRange reads entries 1..t.Version of t with one query over the _id
// index. Entries beyond the ticket's version (a write in progress, or one
// cut off by a crash) are not committed and not returned.
func (s *Store) historyRange(ctx context.Context, t *ticket.Ticket) ([]ticket.HistoryEntry, error) {
	filter := bson.D{{Key: "_id", Value: bson.D{
		{Key: "$gte", Value: HistoryID(t.Number, 1)},
		{Key: "$lte", Value: HistoryID(t.Number, t.Version)},
	}}}
	cur, err := s.db.Collection(HistoryCollection).Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("store: history of %s: %w", t.Number, err)
	}
	var out []ticket.HistoryEntry
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: history of %s: %w", t.Number, err)
	}
	if int64(len(out)) != t.Version {
		return nil, fmt.Errorf("store: history of %s: %d of %d entries: %w", t.Number, len(out), t.Version, ErrNotFound)
	}
	return out, nil
}
