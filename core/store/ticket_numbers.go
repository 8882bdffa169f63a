package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// TicketNumbers returns up to limit ticket numbers after the given one, in
// order, for jobs that visit every ticket (audits, exports). On the
// embedded store it reads the _id index alone.
func (s *Store) TicketNumbers(ctx context.Context, after string, limit int) ([]string, error) {
	limit = max(1, min(limit, 1000))
	if s.sql == nil {
		out, err := s.findIDs(ctx, TicketsCollection, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}},
			options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)).SetComment(shapeTicketNumbers))
		if err != nil {
			return nil, fmt.Errorf("store: list ticket numbers: %w", err)
		}
		return out, nil
	}
	table, err := s.sql.table(ctx, TicketsCollection)
	if err != nil {
		return nil, err
	}
	ja, err := jsonValue(after)
	if err != nil {
		return nil, err
	}
	rows, err := s.sql.db.QueryContext(ctx, fmt.Sprintf("SELECT %[1]s FROM %[2]q WHERE %[1]s > ? ORDER BY %[1]s LIMIT %[3]d", field("_id"), table, limit), ja)
	if err != nil {
		return nil, fmt.Errorf("store: list ticket numbers: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var raw sql.NullString
		if err := rows.Scan(&raw); err != nil {
			return nil, fmt.Errorf("store: list ticket numbers: %w", err)
		}
		out = append(out, unquote(raw))
	}
	return out, rows.Err()
}

// OpenTicketNumbers returns the numbers of the open tickets of a process,
// in order: the tickets a migration of the process looks at. The embedded
// store finds them through the (open, process, state) index and reads
// each one's number (not the whole document, as a Find would, and only
// the process's open tickets, not the whole collection). Given states, only
// the open tickets in those states.
func (s *Store) OpenTicketNumbers(ctx context.Context, process string, states ...string) ([]string, error) {
	if _, err := s.schema.shape(TicketsCollection, shapeOpenOfProcess); err != nil {
		return nil, err
	}
	var out []string
	if s.sql == nil {
		filter := bson.D{{Key: "open", Value: true}, {Key: "process", Value: process}}
		if len(states) > 0 {
			filter = append(filter, bson.E{Key: "state", Value: bson.D{{Key: "$in", Value: states}}})
		}
		ids, err := s.findIDs(ctx, TicketsCollection, filter, options.Find().SetComment(shapeOpenOfProcess))
		if err != nil {
			return nil, fmt.Errorf("store: open tickets of %s: %w", process, err)
		}
		out = append(out, ids...)
	} else {
		q, args, err := s.openOfProcessSQL(ctx, process, states...)
		if err != nil {
			return nil, err
		}
		ids, err := s.sql.queryIDs(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("store: open tickets of %s: %w", process, err)
		}
		for _, id := range ids {
			out = append(out, unquote(sql.NullString{String: id, Valid: true}))
		}
	}
	slices.Sort(out)
	return out, nil
}

func (s *Store) openOfProcessSQL(ctx context.Context, process string, states ...string) (string, []any, error) {
	table, err := s.sql.table(ctx, TicketsCollection)
	if err != nil {
		return "", nil, err
	}
	jp, err := jsonValue(process)
	if err != nil {
		return "", nil, err
	}
	q := fmt.Sprintf("SELECT %s FROM %q WHERE %s = 'true' AND %s = ?", field("_id"), table, field("open"), field("process"))
	args := []any{jp}
	if len(states) > 0 {
		q += fmt.Sprintf(" AND %s IN (%s)", field("state"), strings.TrimSuffix(strings.Repeat("?,", len(states)), ","))
		for _, st := range states {
			js, err := jsonValue(st)
			if err != nil {
				return "", nil, err
			}
			args = append(args, js)
		}
	}
	return q, args, nil
}
