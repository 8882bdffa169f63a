package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// openGroupsSQL counts the open tickets per value of keys on the embedded
// store by walking the (open, keys...) index from one group to the next: a
// skip scan. Each step is an index search for the next group, which reads
// one document, and an index-only count of the group.
//
// The obvious "SELECT keys, count(*) … GROUP BY keys" is answered through
// the same index, but the SQLite built into the store (3.46) evaluates the
// grouped expressions on the document rather than taking them from the
// index, so it reads every open ticket (1.2–5 s at 20k open tickets); the
// walk reads one document per group.
func (s *Store) openGroupsSQL(ctx context.Context, keys ...string) ([]openGroup, error) {
	table, err := s.sql.table(ctx, TicketsCollection)
	if err != nil {
		return nil, err
	}
	w := groupWalk{table: table, keys: keys}
	var out []openGroup
	vals, err := w.first(ctx, s.sql.db)
	for err == nil && vals != nil {
		var n int64
		q, args := w.countSQL(vals)
		if err := s.sql.db.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			return nil, err
		}
		g := openGroup{n: n}
		for _, v := range vals {
			g.keys = append(g.keys, unquote(v))
		}
		out = append(out, g)
		vals, err = w.next(ctx, s.sql.db, vals)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// groupWalk builds the queries of openGroupsSQL. A key's values are kept
// as the JSON text the index holds (NULL when a ticket lacks the field),
// so they go back into the next query unchanged.
type groupWalk struct {
	table string
	keys  []string
}

// first finds the smallest group; nil when no ticket is open.
func (w groupWalk) first(ctx context.Context, db *sql.DB) ([]sql.NullString, error) {
	q, args := w.nextSQL(nil, -1)
	return w.row(ctx, db, q, args)
}

// next finds the group after vals: the next value of the last key with
// the others equal, else of the key before it, and so on.
func (w groupWalk) next(ctx context.Context, db *sql.DB, vals []sql.NullString) ([]sql.NullString, error) {
	for level := len(w.keys) - 1; level >= 0; level-- {
		q, args := w.nextSQL(vals, level)
		row, err := w.row(ctx, db, q, args)
		if err != nil || row != nil {
			return row, err
		}
	}
	return nil, nil
}

func (w groupWalk) row(ctx context.Context, db *sql.DB, q string, args []any) ([]sql.NullString, error) {
	vals := make([]sql.NullString, len(w.keys))
	dest := make([]any, len(vals))
	for i := range vals {
		dest[i] = &vals[i]
	}
	err := db.QueryRowContext(ctx, q, args...).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return vals, err
}

// nextSQL selects the first open ticket's keys whose first level keys
// equal vals and whose key at level is greater than vals'; level -1 means
// the very first. Ordered as the index is, so it is one index search.
func (w groupWalk) nextSQL(vals []sql.NullString, level int) (string, []any) {
	where, args := w.equal(vals, level)
	if level >= 0 {
		if v := vals[level]; v.Valid {
			where = append(where, field(w.keys[level])+" > ?")
			args = append(args, v.String)
		} else {
			// NULL sorts first: every value is after it.
			where = append(where, field(w.keys[level])+" IS NOT NULL")
		}
	}
	cols := make([]string, len(w.keys))
	for i, k := range w.keys {
		cols[i] = field(k)
	}
	return fmt.Sprintf("SELECT %s FROM %q WHERE %s ORDER BY %s LIMIT 1",
		strings.Join(cols, ", "), w.table, strings.Join(where, " AND "), strings.Join(cols[max(level, 0):], ", ")), args
}

// countSQL counts the open tickets of one group from the index alone.
func (w groupWalk) countSQL(vals []sql.NullString) (string, []any) {
	where, args := w.equal(vals, len(w.keys))
	return fmt.Sprintf("SELECT count(*) FROM %q WHERE %s", w.table, strings.Join(where, " AND ")), args
}

// equal is the condition that the ticket is open and its first n keys
// equal vals (IS, so a missing field matches a missing field).
func (w groupWalk) equal(vals []sql.NullString, n int) ([]string, []any) {
	where := []string{field("open") + " = 'true'"}
	var args []any
	for i := 0; i < n && i < len(vals); i++ {
		where = append(where, field(w.keys[i])+" IS ?")
		if vals[i].Valid {
			args = append(args, vals[i].String)
		} else {
			args = append(args, nil)
		}
	}
	return where, args
}

// groupQueries are the queries of a walk over keys, with sample values,
// for verifyPlans.
func (w groupWalk) queries() []sampleQuery {
	vals := make([]sql.NullString, len(w.keys))
	for i := range vals {
		vals[i] = sql.NullString{String: `"x"`, Valid: i%2 == 0}
	}
	var out []sampleQuery
	for level := -1; level < len(w.keys); level++ {
		q, args := w.nextSQL(vals, level)
		out = append(out, sampleQuery{q, args})
	}
	q, args := w.countSQL(vals)
	return append(out, sampleQuery{q, args})
}

// sampleQuery is a query with sample arguments, for EXPLAIN.
type sampleQuery struct {
	sql  string
	args []any
}
