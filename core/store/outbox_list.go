package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// OutboxQuery selects outbox items in one state for an admin list, in the
// order they are (or were) due.
type OutboxQuery struct {
	State string
	// Kind, if set, keeps only items of that kind.
	Kind string
	// After is the Cursor of the last item of the previous page.
	After string
	// Limit is the page size (default 50, at most MaxPage).
	Limit int
}

// OutboxCursor identifies an item's place in a list, for paging.
func OutboxCursor(item OutboxItem) string { return item.NextAt + "|" + item.ID }

// ListOutbox returns one page of outbox items and the cursor of the next
// page ("" on the last). It reads a range of the (state, next_at) index, so
// a list of failed items does not scan the items done long ago.
func (s *Store) ListOutbox(ctx context.Context, q OutboxQuery) ([]OutboxItem, string, error) {
	if q.State == "" {
		return nil, "", fmt.Errorf("store: list outbox: no state")
	}
	limit := pageSize(q.Limit)
	var ids []string
	var err error
	if s.sql != nil {
		ids, err = s.listOutboxSQL(ctx, q, limit+1)
	} else {
		ids, err = s.listOutboxMongo(ctx, q, limit+1)
	}
	if err != nil {
		return nil, "", fmt.Errorf("store: list %s outbox items: %w", q.State, err)
	}
	items := make([]OutboxItem, 0, len(ids))
	for _, id := range ids {
		var item OutboxItem
		if err := s.Get(ctx, OutboxCollection, id, &item); err != nil {
			continue // removed meanwhile
		}
		items = append(items, item)
	}
	next := ""
	if len(items) > limit {
		items = items[:limit]
		next = OutboxCursor(items[limit-1])
	}
	return items, next, nil
}

func (s *Store) listOutboxMongo(ctx context.Context, q OutboxQuery, limit int) ([]string, error) {
	filter := bson.D{{Key: "state", Value: q.State}}
	if q.Kind != "" {
		filter = append(filter, bson.E{Key: "kind", Value: q.Kind})
	}
	if q.After != "" {
		at, id, err := splitCursor(q.After)
		if err != nil {
			return nil, err
		}
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "next_at", Value: bson.D{{Key: "$gt", Value: at}}}},
			bson.D{{Key: "next_at", Value: at}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: id}}}},
		}})
	}
	return s.findIDs(ctx, OutboxCollection, filter, options.Find().SetComment(shapeOutboxList).
		SetSort(bson.D{{Key: "next_at", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
}

func (s *Store) listOutboxSQL(ctx context.Context, q OutboxQuery, limit int) ([]string, error) {
	query, args, err := s.listOutboxQuerySQL(ctx, q, limit)
	if err != nil {
		return nil, err
	}
	return s.sql.queryIDs(ctx, query, args...)
}

func (s *Store) listOutboxQuerySQL(ctx context.Context, q OutboxQuery, limit int) (string, []any, error) {
	table, err := s.sql.table(ctx, OutboxCollection)
	if err != nil {
		return "", nil, err
	}
	state, err := jsonValue(q.State)
	if err != nil {
		return "", nil, err
	}
	where := field("state") + " = ?"
	args := []any{state}
	if q.Kind != "" {
		kind, err := jsonValue(q.Kind)
		if err != nil {
			return "", nil, err
		}
		where += " AND " + field("kind") + " = ?"
		args = append(args, kind)
	}
	if q.After != "" {
		at, id, err := splitCursor(q.After)
		if err != nil {
			return "", nil, err
		}
		ja, _ := jsonValue(at)
		ji, _ := jsonValue(id)
		where += " AND " + afterRow("next_at")
		args = append(args, ja, ja, ji)
	}
	return fmt.Sprintf("SELECT %s FROM %q WHERE %s ORDER BY %s, %s LIMIT %d",
		text("_id"), table, where, field("next_at"), field("_id"), limit), args, nil
}
