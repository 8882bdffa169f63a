package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"vorgang/core/ticket"
)

// TicketChange is a ticket write: the ticket and the history entry that
// made the change. Watchers (OnTicketChange) get those the store committed;
// UpdateTickets takes a batch of them to store, each ticket with its
// Version the version it was read at.
type TicketChange struct {
	Ticket *ticket.Ticket
	Entry  *ticket.HistoryEntry
	// Was is the ticket as read before the change (UpdateTickets only):
	// its open, team, state and priority keep the dashboard counts right
	// without reading the ticket again.
	Was *ticket.Ticket
	// Rewrite are committed history entries of the ticket to replace in
	// place with the change (UpdateTickets only), as RewriteHistory
	// replaces them: the anonymisation's entries that lost values. They
	// are written after the change's claim, so they are written only by
	// the writer whose change wins, and on the embedded store in the same
	// transaction as the ticket.
	Rewrite []ticket.HistoryEntry
	// Deleted: the ticket was deleted as a whole (DeleteTicket); Ticket
	// holds only its number, process, last version and the time.
	Deleted bool
}

// changeWatchers are told of every committed ticket write of this process.
type changeWatchers struct {
	mu  sync.RWMutex
	fns []func(TicketChange)
}

// OnTicketChange registers fn to be called after every ticket write this
// store commits (CreateTicket, UpdateTicket), in the writer's goroutine,
// with the ticket and entry as written. fn must be quick and must not keep
// or change them beyond the call: the writer goes on using them. Writes of
// other processes (on MongoDB) are not seen; a watcher that must see every
// change also reads TicketsChangedSince.
func (s *Store) OnTicketChange(fn func(TicketChange)) {
	s.watchers.mu.Lock()
	defer s.watchers.mu.Unlock()
	s.watchers.fns = append(s.watchers.fns, fn)
}

func (s *Store) ticketChanged(t *ticket.Ticket, entry *ticket.HistoryEntry) {
	s.watchers.mu.RLock()
	defer s.watchers.mu.RUnlock()
	for _, fn := range s.watchers.fns {
		fn(TicketChange{Ticket: t, Entry: entry})
	}
}

// TicketStamp is a ticket's number, version and last change.
type TicketStamp struct {
	Number  string
	Version int64
	Updated time.Time
}

// TicketsChangedSince returns up to limit tickets whose last change
// (updated) is at or after since, in the order of that time and number,
// starting after the stamp after (zero: from the start): the catch-up of a
// watcher that missed changes while it was down. It reads the
// (updated) index.
func (s *Store) TicketsChangedSince(ctx context.Context, since time.Time, after TicketStamp, limit int) ([]TicketStamp, error) {
	if _, err := s.schema.shape(TicketsCollection, shapeChangedSince); err != nil {
		return nil, err
	}
	limit = max(1, min(limit, 1000))
	var out []TicketStamp
	var err error
	if s.sql != nil {
		out, err = s.changedSinceSQL(ctx, since, after, limit)
	} else {
		out, err = s.changedSinceMongo(ctx, since, after, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("store: tickets changed since %s: %w", since.UTC().Format(time.RFC3339), err)
	}
	return out, nil
}

func (s *Store) changedSinceMongo(ctx context.Context, since time.Time, after TicketStamp, limit int) ([]TicketStamp, error) {
	filter := bson.D{{Key: "updated", Value: bson.D{{Key: "$gte", Value: since}}}}
	if after.Number != "" {
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "updated", Value: bson.D{{Key: "$gt", Value: after.Updated}}}},
			bson.D{{Key: "updated", Value: after.Updated}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: after.Number}}}},
		}})
	}
	cur, err := s.db.Collection(TicketsCollection).Find(ctx, filter, options.Find().SetComment(shapeChangedSince).
		SetSort(bson.D{{Key: "updated", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)).
		SetProjection(bson.D{{Key: "_id", Value: 1}, {Key: VersionField, Value: 1}, {Key: "updated", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []struct {
		ID      string    `bson:"_id"`
		Version int64     `bson:"version"`
		Updated time.Time `bson:"updated"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]TicketStamp, len(docs))
	for i, d := range docs {
		out[i] = TicketStamp{Number: d.ID, Version: d.Version, Updated: d.Updated}
	}
	return out, nil
}

// changedSinceQuerySQL reads a range of the (updated, _id) index, in its
// order. FerretDB
// keeps a date as its milliseconds, which -> returns as JSON text: the
// same number of digits until the year 2286, so text order is time order.
func (s *Store) changedSinceQuerySQL(ctx context.Context, since time.Time, after TicketStamp, limit int) (string, []any, error) {
	table, err := s.sql.table(ctx, TicketsCollection)
	if err != nil {
		return "", nil, err
	}
	where := []string{field("updated") + " >= ?"}
	args := []any{millis(since)}
	if after.Number != "" {
		jn, err := jsonValue(after.Number)
		if err != nil {
			return "", nil, err
		}
		where = append(where, fmt.Sprintf("(%[1]s > ? OR (%[1]s = ? AND %[2]s > ?))", field("updated"), field("_id")))
		args = append(args, millis(after.Updated), millis(after.Updated), jn)
	}
	q := fmt.Sprintf("SELECT %s, %s, %s FROM %q WHERE %s ORDER BY %s, %s LIMIT %d",
		text("_id"), text(VersionField), text("updated"), table, strings.Join(where, " AND "), field("updated"), field("_id"), limit)
	return q, args, nil
}

func (s *Store) changedSinceSQL(ctx context.Context, since time.Time, after TicketStamp, limit int) ([]TicketStamp, error) {
	q, args, err := s.changedSinceQuerySQL(ctx, since, after, limit)
	if err != nil {
		return nil, err
	}
	rows, err := s.sql.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TicketStamp
	for rows.Next() {
		var id, version, updated sql.NullString
		if err := rows.Scan(&id, &version, &updated); err != nil {
			return nil, err
		}
		v, _ := strconv.ParseInt(version.String, 10, 64)
		ms, _ := strconv.ParseInt(updated.String, 10, 64)
		out = append(out, TicketStamp{Number: id.String, Version: v, Updated: time.UnixMilli(ms).UTC()})
	}
	return out, rows.Err()
}

// millis is a time as FerretDB's JSON text of a date.
func millis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
