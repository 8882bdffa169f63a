package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"vorgang/core/ticket"
)

// OutboxWaitsBefore reports whether an item with an id in [prefix, id) is
// still to be done (pending or claimed): the items of one queue (a
// webhook's deliveries for one ticket) whose ids sort in the order they
// must be carried out. Failed items do not hold the queue up.
func (s *Store) OutboxWaitsBefore(ctx context.Context, prefix, id string) (bool, error) {
	var ids []string
	var err error
	if s.sql != nil {
		var q string
		var args []any
		q, args, err = s.outboxBeforeSQL(ctx, prefix, id)
		if err == nil {
			ids, err = s.sql.queryIDs(ctx, q, args...)
		}
	} else {
		filter := bson.D{
			{Key: "_id", Value: bson.D{{Key: "$gte", Value: prefix}, {Key: "$lt", Value: id}}},
			{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{OutboxPending, OutboxClaimed}}}},
		}
		ids, err = s.findIDs(ctx, OutboxCollection, filter, options.Find().SetLimit(1).SetComment(shapeOutboxBefore))
	}
	if err != nil {
		return false, fmt.Errorf("store: outbox items before %s: %w", id, err)
	}
	return len(ids) > 0, nil
}

func (s *Store) outboxBeforeSQL(ctx context.Context, prefix, id string) (string, []any, error) {
	table, err := s.sql.table(ctx, OutboxCollection)
	if err != nil {
		return "", nil, err
	}
	jp, err := jsonValue(prefix)
	if err != nil {
		return "", nil, err
	}
	ji, _ := jsonValue(id)
	pending, _ := jsonValue(OutboxPending)
	claimed, _ := jsonValue(OutboxClaimed)
	return fmt.Sprintf("SELECT %s FROM %q WHERE %s >= ? AND %s < ? AND %s IN (?, ?) LIMIT 1",
		text("_id"), table, field("_id"), field("_id"), field("state")), []any{jp, ji, pending, claimed}, nil
}

// ReleaseOutbox gives a claimed item back, due again at until, without
// counting the attempt: it was not tried (it waits for an earlier item of
// its queue).
func (s *Store) ReleaseOutbox(ctx context.Context, item *OutboxItem, until time.Time, why string) error {
	next := ticket.SortTime(until)
	v, err := s.Update(ctx, OutboxCollection, item.ID, item.Version, bson.M{"$set": bson.M{
		"state": OutboxPending, "next_at": next, "attempts": max(0, item.Attempts-1), "last_error": why,
	}})
	if err != nil {
		return fmt.Errorf("store: release outbox item %s: %w", item.ID, err)
	}
	item.State, item.NextAt, item.Attempts, item.LastError, item.Version = OutboxPending, next, max(0, item.Attempts-1), why, v
	return nil
}

// OutboxItemByID reads one outbox item.
func (s *Store) OutboxItemByID(ctx context.Context, id string) (*OutboxItem, error) {
	var item OutboxItem
	if err := s.Get(ctx, OutboxCollection, id, &item); err != nil {
		return nil, fmt.Errorf("store: outbox item %s: %w", id, err)
	}
	return &item, nil
}

// RetryOutbox makes a failed item due at now again with a fresh count of
// attempts. It fails with ErrConflict when the item changed meanwhile.
func (s *Store) RetryOutbox(ctx context.Context, item *OutboxItem, now time.Time, why string) error {
	next := ticket.SortTime(now)
	v, err := s.Update(ctx, OutboxCollection, item.ID, item.Version, bson.M{"$set": bson.M{
		"state": OutboxPending, "next_at": next, "attempts": 0, "last_error": why,
	}})
	if err != nil {
		return fmt.Errorf("store: retry outbox item %s: %w", item.ID, err)
	}
	item.State, item.NextAt, item.Attempts, item.LastError, item.Version = OutboxPending, next, 0, why, v
	return nil
}

// OutboxCount is how many items of one kind are in one state, and when
// the oldest of them was queued.
type OutboxCount struct {
	Kind, State string
	N           int
	Oldest      time.Time
}

// OutboxCounts counts the items not done (pending, claimed, failed) per
// kind and state, for metrics. Done items, the bulk of the collection, are
// never read: the range of the (state, …) index is.
func (s *Store) OutboxCounts(ctx context.Context) ([]OutboxCount, error) {
	type row struct {
		Kind    string    `bson:"kind"`
		State   string    `bson:"state"`
		Created time.Time `bson:"created"`
	}
	var rows []row
	states := []string{OutboxPending, OutboxClaimed, OutboxFailed}
	if s.sql != nil {
		q, args, err := s.outboxCountsSQL(ctx)
		if err != nil {
			return nil, fmt.Errorf("store: count outbox: %w", err)
		}
		res, err := s.sql.db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("store: count outbox: %w", err)
		}
		defer res.Close()
		for res.Next() {
			var r row
			var created sql.NullInt64 // FerretDB keeps dates as Unix milliseconds
			if err := res.Scan(&r.Kind, &r.State, &created); err != nil {
				return nil, fmt.Errorf("store: count outbox: %w", err)
			}
			if created.Valid {
				r.Created = time.UnixMilli(created.Int64).UTC()
			}
			rows = append(rows, r)
		}
		if err := res.Err(); err != nil {
			return nil, fmt.Errorf("store: count outbox: %w", err)
		}
	} else {
		cur, err := s.db.Collection(OutboxCollection).Find(ctx, bson.D{{Key: "state", Value: bson.D{{Key: "$in", Value: states}}}},
			options.Find().SetProjection(bson.D{{Key: "kind", Value: 1}, {Key: "state", Value: 1}, {Key: "created", Value: 1}}).SetComment(shapeOutboxCounts))
		if err == nil {
			err = cur.All(ctx, &rows)
		}
		if err != nil {
			return nil, fmt.Errorf("store: count outbox: %w", err)
		}
	}
	byKey := map[[2]string]*OutboxCount{}
	var out []OutboxCount
	var keys [][2]string
	for _, r := range rows {
		k := [2]string{r.Kind, r.State}
		c := byKey[k]
		if c == nil {
			c = &OutboxCount{Kind: r.Kind, State: r.State, Oldest: r.Created}
			byKey[k] = c
			keys = append(keys, k)
		}
		c.N++
		if !r.Created.IsZero() && (c.Oldest.IsZero() || r.Created.Before(c.Oldest)) {
			c.Oldest = r.Created
		}
	}
	for _, k := range keys {
		out = append(out, *byKey[k])
	}
	return out, nil
}

func (s *Store) outboxCountsSQL(ctx context.Context) (string, []any, error) {
	table, err := s.sql.table(ctx, OutboxCollection)
	if err != nil {
		return "", nil, err
	}
	var args []any
	for _, st := range []string{OutboxPending, OutboxClaimed, OutboxFailed} {
		j, _ := jsonValue(st)
		args = append(args, j)
	}
	return fmt.Sprintf("SELECT %s, %s, %s FROM %q WHERE %s IN (?, ?, ?)",
		text("kind"), text("state"), text("created"), table, field("state")), args, nil
}
