package store

import (
	"context"
	"fmt"
)

// deleteTicketSQL deletes the history entries 1..entries of ticket number
// and its record in one SQLite transaction: on the embedded store one sync
// instead of one per row, and the ticket and its chain go together. It
// writes FerretDB's tables behind its back as replaceTicketsSQL does (see
// there why that is safe); a delete touches no metadata either. It reports
// whether the record was there.
func (s *Store) deleteTicketSQL(ctx context.Context, number string, entries int64) (bool, error) {
	tickets, err := s.sql.table(ctx, TicketsCollection)
	if err != nil {
		return false, err
	}
	history, err := s.sql.table(ctx, HistoryCollection)
	if err != nil {
		return false, err
	}
	tx, err := s.writer.db.BeginTx(ctx, nil)
	if err != nil {
		return false, s.classify(ctx, err)
	}
	defer func() { _ = tx.Rollback() }()
	del := func(table, id string) (int64, error) {
		key, err := jsonValue(id)
		if err != nil {
			return 0, err
		}
		res, err := tx.ExecContext(ctx, fmt.Sprintf(`DELETE FROM %q WHERE %s->'$._id' = ?`, table, sqlColumn), key)
		if err != nil {
			return 0, s.classify(ctx, err)
		}
		return res.RowsAffected()
	}
	for seq := entries; seq >= 1; seq-- {
		if _, err := del(history, HistoryID(number, seq)); err != nil {
			return false, err
		}
	}
	n, err := del(tickets, number)
	if err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, s.classify(ctx, err)
	}
	return n == 1, nil
}
