package store

import (
	"context"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang/core/ticket"
)

// historyBatchIDs bounds how many entries one query of Histories names.
const historyBatchIDs = 500

// Histories reads the committed history of each ticket, in the tickets'
// order: what History returns for each, for fewer round trips. On the
// embedded store the rows of many tickets are read with one SQL query over
// the _id index and decoded here (sjsonToBSON), as TicketsByNumber reads
// tickets; on MongoDB each ticket's history is one query.
func (s *Store) Histories(ctx context.Context, tickets []*ticket.Ticket) ([][]ticket.HistoryEntry, error) {
	out := make([][]ticket.HistoryEntry, len(tickets))
	if s.sql == nil {
		for i, t := range tickets {
			h, err := s.History(ctx, t)
			if err != nil {
				return nil, err
			}
			out[i] = h
		}
		return out, nil
	}
	if _, err := s.schema.shape(HistoryCollection, shapeHistoryByID); err != nil {
		return nil, err
	}
	type place struct{ ticket, seq int }
	at := map[string]place{}
	var ids []string
	for i, t := range tickets {
		out[i] = make([]ticket.HistoryEntry, t.Version)
		for seq := int64(1); seq <= t.Version; seq++ {
			id := HistoryID(t.Number, seq)
			at[id] = place{i, int(seq - 1)}
			ids = append(ids, id)
		}
	}
	found := 0
	var doc []byte
	for start := 0; start < len(ids); start += historyBatchIDs {
		q, args, err := s.historyByIDSQL(ctx, ids[start:min(start+historyBatchIDs, len(ids))])
		if err != nil {
			return nil, fmt.Errorf("store: read histories: %w", err)
		}
		rows, err := s.sql.db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("store: read histories: %w", err)
		}
		for rows.Next() {
			var raw []byte
			if err = rows.Scan(&raw); err == nil {
				doc, err = sjsonToBSON(doc[:0], raw)
			}
			var h ticket.HistoryEntry
			if err == nil {
				err = bson.UnmarshalWithRegistry(plainValues, doc, &h)
			}
			if err != nil {
				_ = rows.Close()
				return nil, fmt.Errorf("store: read histories: %w", err)
			}
			if p, ok := at[h.ID]; ok {
				out[p.ticket][p.seq] = h
				found++
			}
		}
		err = rows.Err()
		_ = rows.Close()
		if err != nil {
			return nil, fmt.Errorf("store: read histories: %w", err)
		}
	}
	if found != len(ids) {
		// Every entry up to a ticket's version is committed.
		for id, p := range at {
			if out[p.ticket][p.seq].ID == "" {
				return nil, fmt.Errorf("store: history of %s: entry %s: %w", tickets[p.ticket].Number, id, ErrNotFound)
			}
		}
	}
	return out, nil
}

// historyByIDSQL is the query of Histories: the history rows ids, found
// through the _id index addIDIndexes made.
func (s *Store) historyByIDSQL(ctx context.Context, ids []string) (string, []any, error) {
	table, err := s.sql.table(ctx, HistoryCollection)
	if err != nil {
		return "", nil, err
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i], _ = jsonValue(id)
	}
	return fmt.Sprintf(`SELECT %s FROM %q WHERE %s->'$._id' IN (%s)`, sqlColumn, table, sqlColumn,
		strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")), args, nil
}
