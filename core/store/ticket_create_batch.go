package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang/core/ticket"
)

// Storing the new tickets of concurrent creates in one SQLite transaction.
//
// A create writes the claim of its number (when ReserveNumber left it
// unwritten, counter_deferred.go), the outbox items of its first change
// (the acknowledgement mail), its first history entry and its ticket.
// Through FerretDB each is an insert of its own, one sync each, and
// FerretDB decodes and re-encodes every document on the way. On the
// embedded store the store therefore writes the claims, items, entries and
// tickets of all creates waiting at one
// moment itself, as ticket_write_sql.go does for replaced tickets: encoded
// as FerretDB stores them, inserted with FerretDB's own statement, in one
// transaction, so one sync for the whole group. Each create's rows share
// a savepoint: all are stored or none, and one create that cannot be stored
// this way (one of its rows exists already) leaves the
// others' rows alone and is written on its own (CreateTicket's single
// path, which tells a crash leftover from a conflict).
//
// Nothing is acknowledged before the commit returns: the writer syncs in
// full, as FerretDB does.

// errCreateAlone sends a create back to CreateTicket's single path.
var errCreateAlone = errors.New("store: create on its own")

// createRequest is one create waiting for the group commit.
type createRequest struct {
	number        string
	ticket, entry string   // the encoded rows
	outbox        []string // the encoded outbox items
	claim         string   // the encoded claim of the number, or ""
	companions    []companionRow
	head          countedHead
}

// companionRow is an encoded Companion.
type companionRow struct{ collection, row string }

// createGrouped stores the queued outbox items, t (at version 1) and first
// as part of a group: nil when all are stored, errCreateAlone when the caller is to write
// them on its own, or another error. The caller holds the ticket's lock.
func (s *Store) createGrouped(ctx context.Context, t *ticket.Ticket, first *ticket.HistoryEntry, queued []*OutboxItem, claim *NumberClaim, with []Companion) error {
	req, err := newCreateRequest(t, first, queued)
	if err != nil {
		return err
	}
	if claim != nil {
		if req.claim, err = encodeSJSON(claim); err != nil {
			return fmt.Errorf("store: create ticket %s: encode number claim: %w", t.Number, err)
		}
	}
	for _, c := range with {
		row, err := encodeSJSON(c.Doc)
		if err != nil {
			return fmt.Errorf("store: create ticket %s: encode %s document: %w", t.Number, c.Collection, err)
		}
		req.companions = append(req.companions, companionRow{c.Collection, row})
	}
	return s.creates.do(ctx, req, s.insertCreatesSQL)
}

// newCreateRequest encodes the rows of a create: the entry as change 1 of
// the ticket, the ticket at version 1.
func newCreateRequest(t *ticket.Ticket, first *ticket.HistoryEntry, queued []*OutboxItem) (*createRequest, error) {
	outbox := make([]string, len(queued))
	for i, item := range queued {
		row, err := encodeSJSON(item)
		if err != nil {
			return nil, fmt.Errorf("store: enqueue %s: encode: %w", item.ID, err)
		}
		outbox[i] = row
	}
	first.Seq = 1
	first.Ticket = t.Number
	first.ID = HistoryID(t.Number, 1)
	if first.At.IsZero() {
		first.At = time.Now().UTC()
	}
	entry, err := encodeSJSON(first)
	if err != nil {
		return nil, fmt.Errorf("store: create ticket %s: encode history entry: %w", t.Number, err)
	}
	row, err := encodeSJSON(t)
	if err != nil {
		return nil, fmt.Errorf("store: create ticket %s: encode: %w", t.Number, err)
	}
	return &createRequest{number: t.Number, ticket: row, entry: entry, outbox: outbox, head: headOf(t)}, nil
}

// encodeSJSON encodes a document as FerretDB stores it.
func encodeSJSON(v any) (string, error) {
	doc, err := bson.MarshalWithRegistry(plainValues, v)
	if err != nil {
		return "", err
	}
	b, err := bsonToSJSON(doc)
	return string(b), err
}

// insertCreatesSQL inserts the rows of a group of creates in one
// transaction and returns each create's result.
func (s *Store) insertCreatesSQL(ctx context.Context, group []*createRequest) []error {
	results := make([]error, len(group))
	alone := func() []error {
		for i := range results {
			results[i] = errCreateAlone
		}
		return results
	}
	tickets, err := s.sql.table(ctx, TicketsCollection)
	if err != nil {
		return alone()
	}
	history, err := s.sql.table(ctx, HistoryCollection)
	if err != nil {
		return alone()
	}
	outbox, err := s.sql.table(ctx, OutboxCollection)
	if err != nil {
		return alone()
	}
	claims, err := s.sql.table(ctx, counterClaimsCollection)
	if err != nil {
		return alone()
	}
	// The companions' tables, looked up before the turn is taken. A
	// collection without a table yet (never written) sends the group to
	// the single path, whose insert makes it.
	companionTables := map[string]string{}
	for _, r := range group {
		for _, c := range r.companions {
			if _, ok := companionTables[c.collection]; ok {
				continue
			}
			if companionTables[c.collection], err = s.sql.table(ctx, c.collection); err != nil {
				return alone()
			}
		}
	}
	defer s.ownWrite()()
	tx, err := s.writer.db.BeginTx(ctx, nil)
	if err != nil {
		return alone() // the single path reports it, as a full disk too
	}
	defer func() { _ = tx.Rollback() }()
	// Prepared once per group: SQLite parses each statement once, not per
	// row.
	var stmts [4]*sql.Stmt
	for i, table := range []string{outbox, history, tickets, claims} {
		stmt, err := tx.PrepareContext(ctx, fmt.Sprintf(`INSERT INTO %q (%s) VALUES (?)`, table, sqlColumn))
		if err != nil {
			return alone()
		}
		defer stmt.Close()
		stmts[i] = stmt
	}
	insertItem, insertEntry, insertTicket, insertClaim := stmts[0], stmts[1], stmts[2], stmts[3]
	var heads [][2]*countedHead
	none := countedHead{} // not open: a create takes nothing from the counts
	for i, r := range group {
		if _, err := tx.ExecContext(ctx, `SAVEPOINT create_ticket`); err != nil {
			return alone()
		}
		var err error
		if r.claim != "" {
			_, err = insertClaim.ExecContext(ctx, r.claim)
		}
		for i := 0; err == nil && i < len(r.companions); i++ {
			c := r.companions[i]
			_, err = tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %q (%s) VALUES (?)`, companionTables[c.collection], sqlColumn), c.row)
		}
		for i := 0; err == nil && i < len(r.outbox); i++ {
			_, err = insertItem.ExecContext(ctx, r.outbox[i])
		}
		if err == nil {
			_, err = insertEntry.ExecContext(ctx, r.entry)
		}
		if err == nil {
			_, err = insertTicket.ExecContext(ctx, r.ticket)
		}
		if err != nil {
			// Most likely a row that exists (a crash leftover, a conflict):
			// the single path tells which.
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO create_ticket`); err != nil {
				return alone()
			}
			results[i] = errCreateAlone
		} else {
			heads = append(heads, [2]*countedHead{&none, &r.head})
		}
		if _, err := tx.ExecContext(ctx, `RELEASE create_ticket`); err != nil {
			return alone()
		}
	}
	done := s.counts.writeMany()
	err = tx.Commit()
	done(heads, err == nil)
	if err != nil {
		// Not committed: SQLite rolls a failed commit back. The single
		// path writes each again and reports what fails.
		return alone()
	}
	return results
}
