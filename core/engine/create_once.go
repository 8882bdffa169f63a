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

// MinAnonymousKey is the least length of an idempotency key of an anonymous
// (citizen) create.
const MinAnonymousKey = 16

// createsCollection records creates made under an idempotency key.
const createsCollection = "create_requests"

// createClaim is the record of one idempotent create. Its insert claims the
// key; the number is noted before the ticket is stored, so a create cut off
// by a crash is finished by the retry with the same number: no second
// ticket, and no gap in the numbers. The create is done when the noted
// number's ticket exists; no further write marks it.
type createClaim struct {
	Key       string    `bson:"_id"`
	Number    string    `bson:"number,omitempty"`
	StartedAt time.Time `bson:"started_at"`
	Version   int64     `bson:"version"`
}

// createOnce creates t under an idempotency key: the first request creates
// the ticket, a retry gets the same ticket, a retry while the first is
// still running gets ErrInProgress.
func (e *Engine) createOnce(ctx context.Context, actor *auth.Principal, key string, t *store.Ticket, entry *store.HistoryEntry) (*store.Ticket, error) {
	if actor == nil && len(key) < MinAnonymousKey {
		// All anonymous callers share one key space: a short key could be
		// guessed, and its retry answers with the ticket.
		return nil, invalid("idempotency_key", "too_short", fmt.Sprintf("an anonymous request's idempotency key has at least %d characters", MinAnonymousKey))
	}
	return e.createClaimed(ctx, actor, "create/"+actorName(actor)+"/"+key, t, entry)
}

// createClaimed creates t under the claim id in create_requests: the first
// request creates the ticket, a retry gets the same ticket, a retry while
// the first is still running gets ErrInProgress.
func (e *Engine) createClaimed(ctx context.Context, actor *auth.Principal, id string, t *store.Ticket, entry *store.HistoryEntry) (*store.Ticket, error) {
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
		if cur.Number != "" {
			done, err := e.store.Ticket(ctx, cur.Number)
			if err == nil {
				// The key is the caller's: it is part of the claim's id,
				// and for anonymous callers a secret of MinAnonymousKey
				// characters at least, like a tracking link.
				return done, nil
			}
			if !errors.Is(err, store.ErrNotFound) {
				return nil, fmt.Errorf("engine: look up %s: %w", cur.Number, err)
			}
		}
		if !e.store.Stale(cur.StartedAt) {
			return nil, fmt.Errorf("create %q: %w", id, ErrInProgress)
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
	return nil, fmt.Errorf("create %q: %w", id, ErrInProgress)
}

// finishCreate runs a claimed create to its end: note the number, store the
// ticket (unless the cut-off attempt did), mark the claim done.
func (e *Engine) finishCreate(ctx context.Context, actor *auth.Principal, claim *createClaim, t *store.Ticket, entry *store.HistoryEntry) (*store.Ticket, error) {
	if claim.Number != "" {
		// Taken over from an attempt that was cut off, maybe after it
		// stored the ticket.
		existing, err := e.store.Ticket(ctx, claim.Number)
		if err == nil {
			return existing, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("engine: look up %s: %w", claim.Number, err)
		}
	} else {
		number, release, err := e.nextNumber(ctx, t, claim.Key)
		if err != nil {
			return nil, err
		}
		v, err := e.store.Update(ctx, createsCollection, claim.Key, claim.Version, bson.M{"$set": bson.M{"number": number}})
		if err != nil {
			release()
			return nil, fmt.Errorf("engine: note number of idempotent create: %w", err)
		}
		claim.Number, claim.Version = number, v
	}
	t.Number = claim.Number
	if err := e.save(ctx, t, entry); err != nil {
		return nil, err
	}
	return t, nil
}

// numberUnused answers the store's question whether a number handed out to
// a writer that is gone will never reach a ticket, so it may be handed out
// again (gap-free numbers across crashes). owner is the create claim the
// number was taken for, if any.
func (e *Engine) numberUnused(ctx context.Context, number, owner string) (bool, error) {
	_, err := e.store.Ticket(ctx, number)
	if err == nil {
		return false, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	if owner == "" {
		return true, nil // nobody can come back for it
	}
	// A conflict means a retry just took the claim over (or another
	// process fenced it): look again at what it holds now.
	for range 3 {
		var claim createClaim
		err = e.store.Get(ctx, createsCollection, owner, &claim)
		if errors.Is(err, store.ErrNotFound) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		if claim.Number != "" && claim.Number != number {
			return true, nil // the create went on with another number
		}
		stale := e.store.Stale(claim.StartedAt)
		if claim.Number == number && !stale {
			return false, nil // a retry is about to store it
		}
		if !stale {
			// A retry took the claim over (which fenced the dead writer)
			// and takes a number of its own.
			return true, nil
		}
		// Fence the claim: a retry of the cut-off create then takes a new
		// number, and a late writer's next compare-and-set on the claim
		// fails.
		fence := bson.M{"number": claim.Number}
		if claim.Number == number {
			fence["number"] = ""
		}
		_, err = e.store.Update(ctx, createsCollection, owner, claim.Version, bson.M{"$set": fence})
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, store.ErrConflict) {
			return false, err
		}
	}
	return false, nil // contended: the next look decides
}
