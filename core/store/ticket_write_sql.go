package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	"go.mongodb.org/mongo-driver/bson"
)

// Replacing a batch of tickets in one SQLite transaction.
//
// FerretDB runs every updated document in a transaction of its own, one
// sync of the database file each, and finds and decodes the document
// first: a batch of n replaced tickets costs n syncs and n decodes however
// it is sent (a bulk write is n update statements, each its own
// transaction). On the embedded store a batch of UpdateTickets is therefore
// written by the store itself: each ticket encoded as FerretDB stores it
// (bsonToSJSON) and all rows replaced with the statement FerretDB's own
// update uses, in one transaction, so one sync per batch.
//
// This is the one place the store writes FerretDB's tables behind its back.
// It is safe because FerretDB keeps no copy of documents between commands
// (each command reads its rows from SQLite), SQLite serialises writers
// across connections, the row stays in the same table under the same _id
// (FerretDB's metadata is not touched), and every index on the table is
// maintained by SQLite in the same transaction. TestSJSONEncodeMatchesFerretDB
// checks the encoding against FerretDB's, byte for byte.

// sqlWriter is the embedded database opened for writing by the store.
type sqlWriter struct {
	db *sql.DB
}

// openSQLWriter opens file for the store's own writes: one connection, a
// write lock taken when a transaction begins (so it never has to be
// upgraded while FerretDB writes), and as durable as FerretDB's (full sync
// in WAL mode). Its temporary data stays in memory: the savepoint of each
// create in a group keeps the pages it changes first in a sub-journal,
// which otherwise is a temporary file written page by page (16% of a
// create's CPU in a profile); it only serves a rollback to the savepoint
// and is never needed after a crash. The connection sorts nothing large. Its large batches (migrations, grouped creates) keep the
// write-ahead log as short as FerretDB's connections do (sqlitePragmas).
func openSQLWriter(ctx context.Context, file string) (*sqlWriter, error) {
	rw := (&url.URL{Scheme: "file", Path: file,
		RawQuery: "_pragma=busy_timeout(10000)&_pragma=synchronous(full)&_pragma=temp_store(memory)&_txlock=immediate&" + sqlitePragmas()}).String()
	db, err := sql.Open("sqlite", rw)
	if err != nil {
		return nil, fmt.Errorf("store: open %s for writing: %w", file, err)
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("store: open %s for writing: %w", file, err)
	}
	return &sqlWriter{db: db}, nil
}

func (w *sqlWriter) close() error { return w.db.Close() }

// replaceTicketsSQL replaces the tickets of changes (whose next history
// entries are claimed, and which the caller holds the locks of) in one
// transaction, each at its next version, and returns one result per
// change. A ticket that is gone is a conflict, as in replaceClaimed.
func (s *Store) replaceTicketsSQL(ctx context.Context, changes []TicketChange) []error {
	errs := make([]error, len(changes))
	fail := func(err error) []error { return failAll(errs, err) }
	table, err := s.sql.table(ctx, TicketsCollection)
	if err != nil {
		return fail(err)
	}
	rows := make([]string, len(changes))
	ids := make([]string, len(changes))
	rewrites := make([][]sjsonRow, len(changes))
	for i, c := range changes {
		t := c.Ticket
		t.Version++
		rows[i], ids[i], err = sjsonRowOf(t, t.Number)
		t.Version--
		for j := 0; err == nil && j < len(c.Rewrite); j++ {
			var r sjsonRow
			r.row, r.id, err = sjsonRowOf(&c.Rewrite[j], c.Rewrite[j].ID)
			rewrites[i] = append(rewrites[i], r)
		}
		if err != nil {
			errs[i] = fmt.Errorf("store: update ticket %s: encode: %w", t.Number, err)
		}
	}
	history := ""
	for i := range changes {
		if len(rewrites[i]) > 0 {
			if history, err = s.sql.table(ctx, HistoryCollection); err != nil {
				return fail(err)
			}
			break
		}
	}

	defer s.ownWrite()()
	tx, err := s.writer.db.BeginTx(ctx, nil)
	if err != nil {
		return fail(fmt.Errorf("store: update tickets: %w", s.classify(ctx, err)))
	}
	defer func() { _ = tx.Rollback() }()
	stmt, err := tx.PrepareContext(ctx, fmt.Sprintf(`UPDATE %q SET %s = ? WHERE %s->'$._id' = ?`, table, sqlColumn, sqlColumn))
	if err != nil {
		return fail(fmt.Errorf("store: update tickets: %w", err))
	}
	defer stmt.Close()
	var entryStmt *sql.Stmt
	if history != "" {
		if entryStmt, err = tx.PrepareContext(ctx, fmt.Sprintf(`UPDATE %q SET %s = ? WHERE %s->'$._id' = ?`, history, sqlColumn, sqlColumn)); err != nil {
			return fail(fmt.Errorf("store: update tickets: %w", err))
		}
		defer entryStmt.Close()
	}
	matched := make([]bool, len(changes))
	for i := range changes {
		if errs[i] != nil {
			continue
		}
		n, err := execRow(ctx, stmt, rows[i], ids[i])
		if err != nil {
			return fail(fmt.Errorf("store: update ticket %s: %w", changes[i].Ticket.Number, s.classify(ctx, err)))
		}
		matched[i] = n == 1
		if !matched[i] {
			continue // gone: its entries are not rewritten
		}
		for _, r := range rewrites[i] {
			n, err := execRow(ctx, entryStmt, r.row, r.id)
			if err != nil {
				return fail(fmt.Errorf("store: rewrite history of %s: %w", changes[i].Ticket.Number, s.classify(ctx, err)))
			}
			if n != 1 {
				// Every entry up to the ticket's version is committed: one
				// missing is a store that lost rows, not a race.
				return fail(fmt.Errorf("store: rewrite history of %s: entry %s: %w", changes[i].Ticket.Number, r.id, ErrNotFound))
			}
		}
	}

	var heads [][2]*countedHead
	for i, c := range changes {
		if errs[i] != nil || !matched[i] {
			continue
		}
		var before *countedHead
		if c.Was != nil {
			h := headOf(c.Was)
			before = &h
		}
		after := headOf(c.Ticket)
		heads = append(heads, [2]*countedHead{before, &after})
	}
	done := s.counts.writeMany()
	err = tx.Commit()
	done(heads, err == nil)
	if err != nil {
		return fail(fmt.Errorf("store: update tickets: %w", s.classify(ctx, err)))
	}
	for i, c := range changes {
		switch {
		case errs[i] != nil:
		case matched[i]:
			c.Ticket.Version++
		default:
			errs[i] = fmt.Errorf("store: update ticket %s: %w: it is gone", c.Ticket.Number, ErrConflict)
		}
	}
	return errs
}

// sjsonRow is a document as FerretDB stores it and its _id as SQLite's
// JSON compares it.
type sjsonRow struct{ row, id string }

// sjsonRowOf encodes doc (whose _id is id) as FerretDB stores it.
func sjsonRowOf(doc any, id string) (row, key string, err error) {
	raw, err := bson.MarshalWithRegistry(plainValues, doc)
	if err != nil {
		return "", "", err
	}
	b, err := bsonToSJSON(raw)
	if err != nil {
		return "", "", err
	}
	key, _ = jsonValue(id)
	return string(b), key, nil
}

// execRow replaces one row and says how many matched.
func execRow(ctx context.Context, stmt *sql.Stmt, row, id string) (int64, error) {
	res, err := stmt.ExecContext(ctx, row, id)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
