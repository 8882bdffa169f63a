package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/bson"
)

// idempotencyCollection holds one document per idempotency key.
const idempotencyCollection = "idempotency"

const (
	idemPending = "pending"
	idemDone    = "done"
)

type idemDoc struct {
	ID        string    `bson:"_id"`
	State     string    `bson:"state"`
	Owner     string    `bson:"owner"`
	Result    string    `bson:"result,omitempty"`
	StartedAt time.Time `bson:"started_at"`
	DoneAt    time.Time `bson:"done_at,omitempty"`
	Version   int64     `bson:"version"`
}

// Idempotent runs create at most once per key and remembers its result: a
// later call with the same key returns the first result with replay true,
// without calling create. Concurrent calls with one key run create once; the
// others wait up to 10 s for its result and then return an error wrapping
// ErrPending. If create fails, its error is returned as is and nothing is
// remembered, so a retry runs create again. If create succeeds but its
// result cannot be written, Idempotent returns the result together with an
// error, and the claim stays pending as after a crash.
//
// The key is claimed by inserting a document with the key as _id (atomic on
// every backend) before create runs, and the result is written to it after.
//
// Crash semantics: if the process dies while create runs, or after it and
// before the result is written, the claim stays pending. Calls with the key
// then return ErrPending until the claim is 5 minutes old; after that one
// call takes the claim over (a compare-and-set, see Update) and runs create
// again. So create must be safe to repeat after a crash — let it derive the
// _id of what it makes from key, so that a second run meets ErrDuplicate and
// can look up the first run's work instead of making a second one. The same
// takeover happens to a create that simply runs longer than 5 minutes.
//
// Remembered results are kept until deleted from the idempotency collection.
func (s *Store) Idempotent(ctx context.Context, key string, create func(ctx context.Context) (result string, err error)) (result string, replay bool, err error) {
	if key == "" {
		return "", false, errors.New("store: idempotent: empty key")
	}
	owner, err := randomToken()
	if err != nil {
		return "", false, fmt.Errorf("store: idempotent %s: %w", key, err)
	}

	deadline := time.Now().Add(s.tuning.idempotentWait)
	delay := 5 * time.Millisecond
	for {
		now := time.Now().UTC()
		err := s.Insert(ctx, idempotencyCollection, idemDoc{ID: key, State: idemPending, Owner: owner, StartedAt: now, Version: 1})
		if err == nil {
			return s.runIdempotent(ctx, key, 1, create)
		}
		if !errors.Is(err, ErrDuplicate) {
			return "", false, fmt.Errorf("store: idempotent %s: claim: %w", key, err)
		}

		var d idemDoc
		err = s.Get(ctx, idempotencyCollection, key, &d)
		switch {
		case errors.Is(err, ErrNotFound):
			continue // the claim was released after create failed: try again
		case err != nil:
			return "", false, fmt.Errorf("store: idempotent %s: %w", key, err)
		case d.State == idemDone:
			return d.Result, true, nil
		}

		if now.Sub(d.StartedAt) > s.tuning.idempotentStale {
			v, err := s.Update(ctx, idempotencyCollection, key, d.Version,
				bson.M{"$set": bson.M{"owner": owner, "started_at": now}})
			if err == nil {
				s.log.WarnContext(ctx, "took over a stale idempotency claim",
					slog.String("key", key), slog.Time("started_at", d.StartedAt))
				return s.runIdempotent(ctx, key, v, create)
			}
			if !errors.Is(err, ErrConflict) && !errors.Is(err, ErrNotFound) {
				return "", false, fmt.Errorf("store: idempotent %s: take over: %w", key, err)
			}
			continue // someone else changed it: look again
		}

		if time.Now().After(deadline) {
			return "", false, fmt.Errorf("store: idempotent %s: %w", key, ErrPending)
		}
		select {
		case <-ctx.Done():
			return "", false, fmt.Errorf("store: idempotent %s: %w", key, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, 100*time.Millisecond)
	}
}

// runIdempotent runs create for a claim this call holds at version.
func (s *Store) runIdempotent(ctx context.Context, key string, version int64, create func(context.Context) (string, error)) (string, bool, error) {
	result, err := create(ctx)

	// Record the outcome even if ctx has been cancelled meanwhile.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()

	if err != nil {
		if _, derr := s.deleteIfVersion(wctx, idempotencyCollection, key, version); derr != nil {
			s.log.WarnContext(ctx, "could not release idempotency claim", slog.String("key", key), slog.Any("error", derr))
		}
		return "", false, err
	}

	_, err = s.Update(wctx, idempotencyCollection, key, version, bson.M{"$set": bson.M{
		"state": idemDone, "result": result, "done_at": time.Now().UTC(),
	}})
	if errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound) {
		// Our claim was taken over as stale while create ran; create has done
		// its work anyway, so report it.
		s.log.WarnContext(ctx, "idempotency claim was taken over while create ran", slog.String("key", key))
		return result, false, nil
	}
	if err != nil {
		return result, false, fmt.Errorf("store: idempotent %s: record result: %w", key, err)
	}
	return result, false, nil
}

func randomToken() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
