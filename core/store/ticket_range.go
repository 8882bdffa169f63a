package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"vorgang/core/ticket"
)

// TicketTime names a time of a ticket that TicketsBetween reads a range
// of: each has an index on (time, _id).
type TicketTime string

const (
	// TicketCreated is when the ticket was created (created).
	TicketCreated TicketTime = "created"
	// TicketClosed is when the ticket last stopped being open (closed_at);
	// open tickets have none, so no range holds them.
	TicketClosed TicketTime = "closed_at"
)

// shape is the declared query shape of a range of the time.
func (by TicketTime) shape() (string, error) {
	switch by {
	case TicketCreated:
		return shapeCreatedBetween, nil
	case TicketClosed:
		return shapeClosedBetween, nil
	}
	return "", fmt.Errorf("store: no range query on the ticket time %q", by)
}

// TicketCursor is where a page of TicketsBetween ended: the time and
// number of its last ticket. The zero cursor is the start of the range.
type TicketCursor struct {
	At     time.Time
	Number string
}

// CursorOf is the cursor after t in a range of by.
func CursorOf(by TicketTime, t *ticket.Ticket) TicketCursor {
	at := t.Created
	if by == TicketClosed {
		at = t.ClosedAt
	}
	return TicketCursor{At: at, Number: t.Number}
}

// rangeEnd stands for "no upper bound": FerretDB's millisecond text of
// it has as many digits as every date until then, so text order stays
// time order (see changedSinceQuerySQL).
var rangeEnd = time.UnixMilli(9_999_999_999_999)

// TicketsBetween returns up to limit whole tickets whose time by is at or
// after from and before to (zero: no bound), in the order of that time
// and number, starting after the cursor after. A page is one query on
// either backend, served by the (time, _id) index: what it costs depends
// on the tickets in the range, not on those outside it.
func (s *Store) TicketsBetween(ctx context.Context, by TicketTime, from, to time.Time, after TicketCursor, limit int) ([]*ticket.Ticket, error) {
	shape, err := by.shape()
	if err != nil {
		return nil, err
	}
	if _, err := s.schema.shape(TicketsCollection, shape); err != nil {
		return nil, err
	}
	limit = max(1, min(limit, 1000))
	if to.IsZero() {
		to = rangeEnd
	}
	var out []*ticket.Ticket
	if s.sql != nil {
		out, err = s.ticketsBetweenSQL(ctx, by, from, to, after, limit)
	} else {
		out, err = s.ticketsBetweenMongo(ctx, by, shape, from, to, after, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("store: tickets by %s from %s to %s: %w", by, from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339), err)
	}
	return out, nil
}

func (s *Store) ticketsBetweenMongo(ctx context.Context, by TicketTime, shape string, from, to time.Time, after TicketCursor, limit int) ([]*ticket.Ticket, error) {
	f := string(by)
	filter := bson.D{{Key: f, Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lt", Value: to}}}}
	if after.Number != "" {
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: f, Value: bson.D{{Key: "$gt", Value: after.At}}}},
			bson.D{{Key: f, Value: after.At}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: after.Number}}}},
		}})
	}
	cur, err := s.db.Collection(TicketsCollection).Find(ctx, filter, options.Find().SetComment(shape).
		SetSort(bson.D{{Key: f, Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	var out []*ticket.Ticket
	if err := cur.All(ctx, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// ticketsBetweenQuerySQL reads a range of the (time, _id) index in its
// order, the whole documents.
func (s *Store) ticketsBetweenQuerySQL(ctx context.Context, by TicketTime, from, to time.Time, after TicketCursor, limit int) (string, []any, error) {
	table, err := s.sql.table(ctx, TicketsCollection)
	if err != nil {
		return "", nil, err
	}
	f := string(by)
	cond := fmt.Sprintf("%[1]s >= ? AND %[1]s < ?", field(f))
	args := []any{millis(from), millis(to)}
	if after.Number != "" {
		jn, err := jsonValue(after.Number)
		if err != nil {
			return "", nil, err
		}
		cond += " AND " + afterRow(f)
		args = append(args, millis(after.At), millis(after.At), jn)
	}
	q := fmt.Sprintf("SELECT %s FROM %q WHERE %s ORDER BY %s, %s LIMIT %d", sqlColumn, table, cond, field(f), field("_id"), limit)
	return q, args, nil
}

func (s *Store) ticketsBetweenSQL(ctx context.Context, by TicketTime, from, to time.Time, after TicketCursor, limit int) ([]*ticket.Ticket, error) {
	q, args, err := s.ticketsBetweenQuerySQL(ctx, by, from, to, after, limit)
	if err != nil {
		return nil, err
	}
	rows, err := s.sql.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]*ticket.Ticket, 0, limit)
	var doc []byte
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		var t *ticket.Ticket
		if t, doc, err = decodeTicketRow(doc, raw); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
