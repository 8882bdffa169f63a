package store

import (
	"context"
	"fmt"
)

// deleteTicketsSQL deletes the history entries 1..Entries of each ticket
// of tbs and its record, all in one SQLite transaction: on the embedded
// store one sync for the batch instead of one per row, and a ticket and
// its chain go together. It writes FerretDB's tables behind its back as
// replaceTicketsSQL does (see there why that is safe); a delete touches no
// metadata either. It reports for each ticket whether its record was
// there.
func (s *Store) deleteTicketsSQL(ctx context.Context, tbs []Tombstone) ([]bool, error) {
	tickets, err := s.sql.table(ctx, TicketsCollection)
	if err != nil {
		return nil, err
	}
	history, err := s.sql.table(ctx, HistoryCollection)
	if err != nil {
		return nil, err
	}
	defer s.ownWrite()()
	tx, err := s.writer.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, s.classify(ctx, err)
	}
	defer func() { _ = tx.Rollback() }()
	delTicket, err := tx.PrepareContext(ctx, fmt.Sprintf(`DELETE FROM %q WHERE %s->'$._id' = ?`, tickets, sqlColumn))
	if err != nil {
		return nil, s.classify(ctx, err)
	}
	defer delTicket.Close()
	delEntry, err := tx.PrepareContext(ctx, fmt.Sprintf(`DELETE FROM %q WHERE %s->'$._id' = ?`, history, sqlColumn))
	if err != nil {
		return nil, s.classify(ctx, err)
	}
	defer delEntry.Close()
	deleted := make([]bool, len(tbs))
	for i, tb := range tbs {
		for seq := tb.Entries; seq >= 1; seq-- {
			key, _ := jsonValue(HistoryID(tb.Number, seq))
			if _, err := delEntry.ExecContext(ctx, key); err != nil {
				return nil, s.classify(ctx, err)
			}
		}
		key, _ := jsonValue(tb.Number)
		res, err := delTicket.ExecContext(ctx, key)
		if err != nil {
			return nil, s.classify(ctx, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, s.classify(ctx, err)
		}
		deleted[i] = n == 1
	}
	if err := tx.Commit(); err != nil {
		return nil, s.classify(ctx, err)
	}
	return deleted, nil
}
