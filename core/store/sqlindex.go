package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"database/sql/driver"

	// The SQLite driver FerretDB itself uses; imported here to read the
	// same files.
	"modernc.org/sqlite"
)

// foldFunction is an SQL function that case-folds text the way Go does.
// SQLite's own lower() folds ASCII letters only, and titles are German.
const foldFunction = "vorgang_fold"

var registerFold = sync.OnceValue(func() error {
	return sqlite.RegisterDeterministicScalarFunction(foldFunction, 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		s, ok := args[0].(string)
		if !ok {
			return nil, nil
		}
		return strings.ToLower(s), nil
	})
})

// sqlIndex answers the embedded store's list, count and lookup queries from
// SQLite directly.
//
// FerretDB keeps each collection as an SQLite table with one JSON column and
// turns every index created through the driver into an SQLite expression
// index (_ferretdb_sjson->"field"), but it never uses those indexes: every
// filter other than _id makes it decode the whole collection in Go (seconds
// at 10k documents). Reading the same tables with SQL whose expressions
// match the index expressions lets SQLite search the index instead: the
// writes still go through FerretDB and the driver, so there is one system of
// record, and an index entry is always in the same SQLite row (and
// transaction) as its document, so it can never disagree with it.
//
// This depends on FerretDB v1's storage layout, which is frozen (v1 is the
// last SQLite-backed line). verifyPlans checks at start-up that every query
// is answered from an index, so an incompatible change fails loudly.
type sqlIndex struct {
	db *sql.DB // read-only

	mu     sync.Mutex
	tables map[string]string // collection → table
}

// sqlColumn is FerretDB's JSON document column.
const sqlColumn = "_ferretdb_sjson"

func openSQLIndex(ctx context.Context, file string) (*sqlIndex, error) {
	if err := registerFold(); err != nil {
		return nil, fmt.Errorf("store: register %s: %w", foldFunction, err)
	}
	ro := (&url.URL{Scheme: "file", Path: file, RawQuery: "mode=ro&_pragma=busy_timeout(10000)&_pragma=query_only(1)"}).String()
	db, err := sql.Open("sqlite", ro)
	if err != nil {
		return nil, fmt.Errorf("store: open %s for reading: %w", file, err)
	}
	db.SetMaxOpenConns(4)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("store: open %s for reading: %w", file, err)
	}
	return &sqlIndex{db: db, tables: map[string]string{}}, nil
}

func (x *sqlIndex) close() error { return x.db.Close() }

// queryIDs runs a query whose one column is a document's _id.
func (x *sqlIndex) queryIDs(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := x.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id sql.NullString
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id.String)
	}
	return ids, rows.Err()
}

// table returns the SQLite table of a collection.
func (x *sqlIndex) table(ctx context.Context, coll string) (string, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if t, ok := x.tables[coll]; ok {
		return t, nil
	}
	var t string
	err := x.db.QueryRowContext(ctx, `SELECT table_name FROM _ferretdb_collections WHERE name = ?`, coll).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: collection %s has no table", coll)
	}
	if err != nil {
		return "", fmt.Errorf("store: look up table of %s: %w", coll, err)
	}
	x.tables[coll] = t
	return t, nil
}

// addIDIndexes creates, behind FerretDB's back, an index on the expression
// FerretDB's own _id lookups use (->'$._id'; its built-in _id index is on
// ->"_id" and so never matches). With it a get or update by _id costs well
// under a millisecond instead of a scan of the collection.
func addIDIndexes(ctx context.Context, file string, colls []string) error {
	rw := (&url.URL{Scheme: "file", Path: file, RawQuery: "_pragma=busy_timeout(10000)"}).String()
	db, err := sql.Open("sqlite", rw)
	if err != nil {
		return fmt.Errorf("store: open %s: %w", file, err)
	}
	defer db.Close()
	for _, coll := range colls {
		var t string
		if err := db.QueryRowContext(ctx, `SELECT table_name FROM _ferretdb_collections WHERE name = ?`, coll).Scan(&t); err != nil {
			return fmt.Errorf("store: look up table of %s: %w", coll, err)
		}
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (%s->'$._id')`, t+"_vorgang_id", t, sqlColumn)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store: create _id index on %s: %w", coll, err)
		}
	}
	return nil
}

// field is the SQL expression of a top-level field: exactly the expression
// of FerretDB's indexes, so SQLite can use them.
func field(name string) string { return fmt.Sprintf(`%s->%q`, sqlColumn, name) }

// afterRow is the condition of a page that continues after the row with key
// (sort, _id), given as three arguments: sort, sort, _id. The leading
// range lets SQLite seek in an index on (…, sort, _id); only rows that tie
// with the last one on sort are then filtered by _id. (A row value
// (sort, _id) > (?, ?) would say it shorter, but SQLite does not seek
// expression indexes with it.)
func afterRow(sortField string) string {
	return fmt.Sprintf("%[1]s >= ? AND (%[1]s > ? OR %[2]s > ?)", field(sortField), field("_id"))
}

// text is a field's value as SQL text (or NULL), for reading results.
func text(name string) string { return fmt.Sprintf(`%s->>'$.%s'`, sqlColumn, name) }

// jsonValue renders v the way FerretDB stored it, which is what the ->
// operator returns, for comparisons with field(). FerretDB encodes with
// encoding/json defaults (HTML characters escaped), so json.Marshal
// matches it. Only strings, booleans and integers are compared this way.
func jsonValue(v any) (string, error) {
	switch v.(type) {
	case string, bool, int, int32, int64:
		b, err := json.Marshal(v)
		return string(b), err
	}
	return "", fmt.Errorf("store: cannot compare %T in an index query", v)
}

// unquote decodes a JSON string returned by field(); other JSON values are
// returned as their text.
func unquote(raw sql.NullString) string {
	if !raw.Valid {
		return ""
	}
	var s string
	if json.Unmarshal([]byte(raw.String), &s) == nil {
		return s
	}
	return raw.String
}

// explain returns SQLite's query plan of q, one step per line.
func (x *sqlIndex) explain(ctx context.Context, q string, args ...any) (string, error) {
	rows, err := x.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		steps = append(steps, detail)
	}
	return strings.Join(steps, "\n"), rows.Err()
}
