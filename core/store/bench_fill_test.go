package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang/core/ticket"
)

// Filling a benchmark store fast.
//
// Through the driver, FerretDB inserts a document at a time (decoded,
// checked, encoded, one statement each) at about 300 tickets with their
// history per second here: a million tickets would take the better part of
// an hour. The fill instead encodes the documents as FerretDB stores them
// (bsonToSJSON, checked byte for byte against FerretDB's encoder) on every
// core and inserts their rows with the store's own SQLite writer in large
// transactions, as ticket_write_sql.go replaces tickets. SQLite maintains
// every index in the same transaction, so the folder is exactly what the
// driver would have written.

// fillBatch is how many tickets (with their history) one transaction of a
// fill carries: large enough that the sync per commit does not count.
const fillBatch = 5_000

// fillRows encodes docs into FerretDB's stored form, on every core.
func fillRows(docs []any) ([]string, error) {
	rows := make([]string, len(docs))
	errs := make([]error, len(docs))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(docs); i += workers {
				doc, err := bson.MarshalWithRegistry(plainValues, docs[i])
				if err == nil {
					var b []byte
					b, err = bsonToSJSON(doc)
					rows[i] = string(b)
				}
				errs[i] = err
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("encode document %d: %w", i, err)
		}
	}
	return rows, nil
}

// fillDirect inserts documents into collections of the embedded store in
// one SQLite transaction, each collection's rows as FerretDB would store
// them. The collections must exist (Open creates the declared ones).
func fillDirect(ctx context.Context, s *Store, docs map[string][]any) error {
	if s.writer == nil {
		return fmt.Errorf("fill: not the embedded store")
	}
	encoded := map[string][]string{}
	for coll, d := range docs {
		rows, err := fillRows(d)
		if err != nil {
			return fmt.Errorf("fill %s: %w", coll, err)
		}
		encoded[coll] = rows
	}
	// The writer has one connection; a page cache of 256 MB keeps the
	// growing indexes in memory instead of re-reading them per batch.
	if _, err := s.writer.db.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil {
		return fmt.Errorf("fill: %w", err)
	}
	tx, err := s.writer.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("fill: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	for coll, rows := range encoded {
		table, err := s.sql.table(ctx, coll)
		if err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, fmt.Sprintf(`INSERT INTO %q (%s) VALUES (?)`, table, sqlColumn))
		if err != nil {
			return fmt.Errorf("fill %s: %w", coll, err)
		}
		for _, row := range rows {
			if _, err := stmt.ExecContext(ctx, row); err != nil {
				stmt.Close()
				return fmt.Errorf("fill %s: %w", coll, err)
			}
		}
		stmt.Close()
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("fill: %w", err)
	}
	return nil
}

func TestFillDirectReadsBack(t *testing.T) {
	ctx := context.Background()
	s := openEmbedded(t, t.TempDir())
	now := time.Now()
	rng := rand.New(rand.NewPCG(1, 2))
	var tickets, history []any
	for i := range 10 {
		tk, h := benchTicket(i, rng, now)
		tickets = append(tickets, tk)
		history = append(history, h...)
	}
	if err := fillDirect(ctx, s, map[string][]any{TicketsCollection: tickets, HistoryCollection: history}); err != nil {
		t.Fatal(err)
	}
	for i, d := range tickets {
		want := d.(*ticket.Ticket)
		got, err := s.Ticket(ctx, want.Number)
		if err != nil {
			t.Fatalf("ticket %d: %v", i, err)
		}
		if got.Version != want.Version || got.Data["field_03"] != want.Data["field_03"] || got.Team != want.Team {
			t.Errorf("ticket %d read back as %+v, want %+v", i, got, want)
		}
		entries, err := s.History(ctx, got)
		if err != nil || len(entries) != 5 {
			t.Errorf("ticket %d: %d history entries (%v), want 5", i, len(entries), err)
		}
	}
	// A row written directly is a row like any other: the unique _id
	// index refuses it twice.
	if err := fillDirect(ctx, s, map[string][]any{TicketsCollection: tickets[:1]}); err == nil {
		t.Error("a second fill of the same ticket succeeded")
	}
}
