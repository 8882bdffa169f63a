package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang/core/ticket"
)

// TicketsByNumber reads the tickets numbers and returns them in the same
// order, nil for a ticket that does not exist. It is what Ticket returns
// for each, for fewer round trips: on the embedded store one SQL query
// over the _id index reads the rows, which are decoded here
// (sjsonToBSON, sjson_decode.go) instead of by FerretDB, the wire and the driver in turn;
// on MongoDB each ticket is read by _id.
func (s *Store) TicketsByNumber(ctx context.Context, numbers []string) ([]*ticket.Ticket, error) {
	out := make([]*ticket.Ticket, len(numbers))
	if len(numbers) == 0 {
		return out, nil
	}
	if s.sql == nil {
		for i, n := range numbers {
			t, err := s.Ticket(ctx, n)
			switch {
			case errors.Is(err, ErrNotFound):
			case err != nil:
				return nil, err
			default:
				out[i] = t
			}
		}
		return out, nil
	}
	if _, err := s.schema.shape(TicketsCollection, shapeTicketsByNumber); err != nil {
		return nil, err
	}
	q, args, err := s.ticketsByNumberSQL(ctx, numbers)
	if err != nil {
		return nil, fmt.Errorf("store: read tickets: %w", err)
	}
	at := make(map[string]int, len(numbers))
	for i, n := range numbers {
		at[n] = i
	}
	rows, err := s.sql.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: read tickets: %w", err)
	}
	defer rows.Close()
	var doc []byte
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			return nil, fmt.Errorf("store: read tickets: %w", err)
		}
		var t *ticket.Ticket
		if t, doc, err = decodeTicketRow(doc, raw); err != nil {
			return nil, fmt.Errorf("store: read tickets: %w", err)
		}
		if i, ok := at[t.Number]; ok {
			out[i] = t
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read tickets: %w", err)
	}
	return out, nil
}

// ticketsByNumberSQL is the query of TicketsByNumber: the rows of the
// tickets numbers, found through the _id index.
func (s *Store) ticketsByNumberSQL(ctx context.Context, numbers []string) (string, []any, error) {
	table, err := s.sql.table(ctx, TicketsCollection)
	if err != nil {
		return "", nil, err
	}
	args := make([]any, len(numbers))
	for i, n := range numbers {
		args[i], _ = jsonValue(n)
	}
	return fmt.Sprintf(`SELECT %s FROM %q WHERE %s IN (%s)`, sqlColumn, table, field("_id"),
		strings.TrimSuffix(strings.Repeat("?,", len(numbers)), ",")), args, nil
}

// decodeTicketRow decodes a ticket's stored row of the embedded store,
// reusing buf for the BSON in between; it returns the buffer to reuse.
func decodeTicketRow(buf, raw []byte) (*ticket.Ticket, []byte, error) {
	buf, err := sjsonToBSON(buf[:0], raw)
	if err != nil {
		return nil, buf, err
	}
	var t ticket.Ticket
	if err := bson.UnmarshalWithRegistry(plainValues, buf, &t); err != nil {
		return nil, buf, err
	}
	return &t, buf, nil
}
