package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang/core/auth"
	"vorgang/core/store"
)

// createsCollection records creates made under an idempotency key.
const createsCollection = "create_requests"

// createClaim is the record of one idempotent create. Its insert claims the
// key; the number is noted before the ticket is stored, so a create cut off
// by a crash is finished by the retry with the same number: no second
// ticket, and no gap in the numbers.
type createClaim struct {
	Key       string    `bson:"_id"`
	Number    string    `bson:"number,omitempty"`
	Done      bool      `bson:"done"`
	StartedAt time.Time `bson:"started_at"`
	Version   int64     `bson:"version"`
}

// createOnce creates t under an idempotency key: the first request creates
// the ticket, a retry gets the same ticket, a retry while the first is
// still running gets ErrInProgress.
func (e *Engine) createOnce(ctx context.Context, actor *auth.Principal, key string, t *store.Ticket, entry *store.HistoryEntry) (*store.Ticket, error) {
	id := "create/" + actorName(actor) + "/" + key
	for attempt := 0; attempt < 3; attempt++ {
		claim := &createClaim{Key: id, StartedAt: time.Now().UTC(), Version: 1}
		err := e.store.Insert(ctx, createsCollection, claim)
		if err == nil {
			return e.finishCreate(ctx, actor, claim, t, entry)
		}
		if !errors.Is(err, store.ErrDuplicate) {
			return nil, fmt.Errorf("engine: claim idempotency key: %w", err)
		}
		var cur createClaim
		if err := e.store.Get(ctx, createsCollection, id, &cur); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			return nil, fmt.Errorf("engine: read idempotency key: %w", err)
		}
		if cur.Done {
			if actor == nil {
				// A citizen's retry: the key is the secret of the form
				// that was filled, so its holder gets the request back.
				return e.store.Ticket(ctx, cur.Number)
			}
			return e.Ticket(ctx, actor, cur.Number)
		}
		if !e.store.Stale(cur.StartedAt) {
			return nil, fmt.Errorf("idempotency key %q: %w", key, ErrInProgress)
		}
		// The first attempt's process is gone: take its claim over.
		v, err := e.store.Update(ctx, createsCollection, id, cur.Version, bson.M{"$set": bson.M{"started_at": time.Now().UTC()}})
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("engine: take over idempotency key: %w", err)
		}
		cur.Version = v
		e.log.WarnContext(ctx, "finishing a create cut off by a crash", "key", id, "ticket", cur.Number)
		return e.finishCreate(ctx, actor, &cur, t, entry)
	}
	return nil, fmt.Errorf("idempotency key %q: %w", key, ErrInProgress)
}

// finishCreate runs a claimed create to its end: note the number, store the
// ticket (unless the cut-off attempt did), mark the claim done.
func (e *Engine) finishCreate(ctx context.Context, actor *auth.Principal, claim *createClaim, t *store.Ticket, entry *store.HistoryEntry) (*store.Ticket, error) {
	if claim.Number == "" {
		number, err := e.nextNumber(ctx, t)
		if err != nil {
			return nil, err
		}
		v, err := e.store.Update(ctx, createsCollection, claim.Key, claim.Version, bson.M{"$set": bson.M{"number": number}})
		if err != nil {
			return nil, fmt.Errorf("engine: note number of idempotent create: %w", err)
		}
		claim.Number, claim.Version = number, v
	}
	t.Number = claim.Number
	existing, err := e.store.Ticket(ctx, t.Number)
	switch {
	case err == nil:
		t = existing // stored by the attempt that was cut off
	case errors.Is(err, store.ErrNotFound):
		if err := e.save(ctx, t, entry); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("engine: look up %s: %w", t.Number, err)
	}
	if _, err := e.store.Update(ctx, createsCollection, claim.Key, claim.Version, bson.M{"$set": bson.M{"done": true}}); err != nil {
		return nil, fmt.Errorf("engine: complete idempotent create: %w", err)
	}
	return t, nil
}
