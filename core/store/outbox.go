package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"vorgang/core/ticket"
)

// OutboxCollection holds work that must happen after a change was stored
// (e-mails, escalations, webhooks): written as documents first, so a crash
// or an outage of the receiving side loses nothing.
const OutboxCollection = "outbox"

// Outbox item states.
const (
	OutboxPending = "pending"
	OutboxClaimed = "claimed"
	OutboxDone    = "done"
	OutboxFailed  = "failed"
)

// OutboxItem is one piece of deferred work.
type OutboxItem struct {
	ID      string         `bson:"_id"`
	Kind    string         `bson:"kind"`
	Payload map[string]any `bson:"payload,omitempty"`
	State   string         `bson:"state"`
	// NextAt (ticket.SortTime text) is when a pending item is due, or when a
	// claimed item's claim runs out and another worker may take it.
	NextAt    string    `bson:"next_at"`
	Attempts  int       `bson:"attempts"`
	ClaimedBy string    `bson:"claimed_by,omitempty"`
	LastError string    `bson:"last_error,omitempty"`
	Created   time.Time `bson:"created"`
	Version   int64     `bson:"version"`
}

// Enqueue stores a pending item, due at once. Enqueueing an id twice gives
// ErrDuplicate, so a retried producer does not queue work twice.
func (s *Store) Enqueue(ctx context.Context, item *OutboxItem, now time.Time) error {
	pending(item, now)
	if err := s.Insert(ctx, OutboxCollection, item); err != nil {
		return fmt.Errorf("store: enqueue %s: %w", item.ID, err)
	}
	return nil
}

// pending makes item a pending item, due at now.
func pending(item *OutboxItem, now time.Time) {
	item.State, item.NextAt, item.Attempts, item.Version = OutboxPending, ticket.SortTime(now), 0, 1
	if item.Created.IsZero() {
		item.Created = now.UTC()
	}
}

// ClaimOutbox claims up to limit due items of the given kinds (all kinds
// when none are given) for worker until now+lease: pending items whose time
// has come, and claimed items whose worker let the claim run out (it
// crashed or hangs). Each item is claimed by one worker only, across
// processes: the claim is a compare-and-set on its version.
func (s *Store) ClaimOutbox(ctx context.Context, worker string, now time.Time, lease time.Duration, limit int, kinds ...string) ([]OutboxItem, error) {
	limit = max(1, min(limit, MaxPage))
	ids, err := s.dueOutbox(ctx, ticket.SortTime(now), limit, kinds)
	if err != nil {
		return nil, fmt.Errorf("store: claim outbox: %w", err)
	}
	var claimed []OutboxItem
	for _, id := range ids {
		item, err := s.ClaimOutboxItem(ctx, worker, id, now, lease)
		if err != nil {
			return claimed, err
		}
		if item != nil {
			claimed = append(claimed, *item)
		}
	}
	return claimed, nil
}

// ClaimOutboxItem claims the item with id for worker until now+lease, if
// it is due (see ClaimOutbox); nil when it is not there, not due or
// taken by another worker.
func (s *Store) ClaimOutboxItem(ctx context.Context, worker, id string, now time.Time, lease time.Duration) (*OutboxItem, error) {
	var item OutboxItem
	if err := s.Get(ctx, OutboxCollection, id, &item); err != nil {
		return nil, nil // gone meanwhile
	}
	if (item.State != OutboxPending && item.State != OutboxClaimed) || item.NextAt > ticket.SortTime(now) {
		return nil, nil // taken meanwhile
	}
	v, err := s.Update(ctx, OutboxCollection, id, item.Version, bson.M{"$set": bson.M{
		"state": OutboxClaimed, "claimed_by": worker, "next_at": ticket.SortTime(now.Add(lease)), "attempts": item.Attempts + 1,
	}})
	if errors.Is(err, ErrConflict) {
		return nil, nil // another worker was faster
	}
	if err != nil {
		return nil, fmt.Errorf("store: claim outbox item %s: %w", id, err)
	}
	item.State, item.ClaimedBy, item.NextAt, item.Attempts, item.Version = OutboxClaimed, worker, ticket.SortTime(now.Add(lease)), item.Attempts+1, v
	return &item, nil
}

// CompleteOutbox marks a claimed item done. It fails with ErrConflict when
// the claim was lost (ran out and another worker took the item). A done
// item's next_at is when it was done, so PurgeOutbox finds old ones in the
// (state, next_at) index.
func (s *Store) CompleteOutbox(ctx context.Context, item *OutboxItem) error {
	done := ticket.SortTime(time.Now())
	v, err := s.Update(ctx, OutboxCollection, item.ID, item.Version, bson.M{"$set": bson.M{"state": OutboxDone, "next_at": done}})
	if err != nil {
		return fmt.Errorf("store: complete outbox item %s: %w", item.ID, err)
	}
	item.State, item.NextAt, item.Version = OutboxDone, done, v
	return nil
}

// FailOutbox records a failed attempt: the item is due again after retryIn,
// or failed for good once it has had maxAttempts attempts.
func (s *Store) FailOutbox(ctx context.Context, item *OutboxItem, cause error, now time.Time, retryIn time.Duration, maxAttempts int) error {
	state, next := OutboxPending, ticket.SortTime(now.Add(retryIn))
	if item.Attempts >= maxAttempts {
		state, next = OutboxFailed, ticket.NoDue
	}
	v, err := s.Update(ctx, OutboxCollection, item.ID, item.Version, bson.M{"$set": bson.M{
		"state": state, "next_at": next, "last_error": cause.Error(),
	}})
	if err != nil {
		return fmt.Errorf("store: record failure of outbox item %s: %w", item.ID, err)
	}
	item.State, item.NextAt, item.LastError, item.Version = state, next, cause.Error(), v
	return nil
}

// Backoff is the usual retry delay after attempt n (1-based): 30 s, 1 min,
// 2 min ... doubling up to 1 hour.
func Backoff(attempt int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// dueOutbox lists the ids of due items through the (state, next_at) index.
func (s *Store) dueOutbox(ctx context.Context, now string, limit int, kinds []string) ([]string, error) {
	if s.sql == nil {
		filter := bson.D{
			{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{OutboxPending, OutboxClaimed}}}},
			{Key: "next_at", Value: bson.D{{Key: "$lte", Value: now}}},
		}
		if len(kinds) > 0 {
			filter = append(filter, bson.E{Key: "kind", Value: bson.D{{Key: "$in", Value: kinds}}})
		}
		return s.findIDs(ctx, OutboxCollection, filter, options.Find().SetSort(bson.D{{Key: "next_at", Value: 1}}).SetLimit(int64(limit)).SetComment(shapeOutboxDue))
	}
	q, args, err := s.dueOutboxSQL(ctx, now, limit, kinds)
	if err != nil {
		return nil, err
	}
	return s.sql.queryIDs(ctx, q, args...)
}

func (s *Store) dueOutboxSQL(ctx context.Context, now string, limit int, kinds []string) (string, []any, error) {
	table, err := s.sql.table(ctx, OutboxCollection)
	if err != nil {
		return "", nil, err
	}
	pending, _ := jsonValue(OutboxPending)
	claimed, _ := jsonValue(OutboxClaimed)
	jn, err := jsonValue(now)
	if err != nil {
		return "", nil, err
	}
	where := fmt.Sprintf("%s IN (?, ?) AND %s <= ?", field("state"), field("next_at"))
	args := []any{pending, claimed, jn}
	if len(kinds) > 0 {
		marks := make([]string, len(kinds))
		for i, k := range kinds {
			jk, err := jsonValue(k)
			if err != nil {
				return "", nil, err
			}
			marks[i], args = "?", append(args, jk)
		}
		where += fmt.Sprintf(" AND %s IN (%s)", field("kind"), strings.Join(marks, ", "))
	}
	return fmt.Sprintf("SELECT %s FROM %q WHERE %s ORDER BY %s LIMIT %d",
		text("_id"), table, where, field("next_at"), limit), args, nil
}
