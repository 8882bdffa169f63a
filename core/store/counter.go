package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

const (
	// counterClaimsCollection holds one document per number handed out,
	// _id "<scope>/<n>". It is only ever inserted into, never queried, so its
	// size does not slow anything down.
	counterClaimsCollection = "counter_claims"
	// countersCollection holds one small document per scope, _id "<scope>",
	// with the last number handed out. It is a hint for where to start
	// claiming, not the truth: the claims are.
	countersCollection = "counters"
)

// counterCache remembers the last number this Store handed out per scope, so
// the common case is a single insert.
type counterCache struct {
	mu   sync.Mutex
	last map[string]int64
}

func (c *counterCache) init() { c.last = make(map[string]int64) }

func (c *counterCache) get(scope string) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.last[scope]
	return n, ok
}

func (c *counterCache) set(scope string, n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.last[scope] = n
}

type counterClaim struct {
	ID        string    `bson:"_id"`
	Scope     string    `bson:"scope"`
	N         int64     `bson:"n"`
	ClaimedAt time.Time `bson:"claimed_at"`
}

type counterHint struct {
	Last int64 `bson:"last"`
}

// NextNumber hands out the next number of scope (for example
// "it-incident/2026"), starting at 1. Numbers are neither repeated nor
// skipped, also with several processes on one database. A number is used up
// once NextNumber returns it, even if the caller then fails.
//
// Each number is claimed by inserting the document "<scope>/<n>" into
// counter_claims. A unique _id is the one thing that is atomic on FerretDB
// as well as on MongoDB, so this is correct on every backend and with any
// number of vorgang processes — unlike a counter document with $inc or a
// compare-and-set, which FerretDB would hand out twice, and unlike an
// in-process lock, which only covers one process. n is tried only after
// n-1 is known to be claimed, so there are no gaps. The keyed lock below only
// keeps goroutines of this process from racing for the same n; a per-scope
// hint document spares a restarted process from probing from 1.
//
// If a claim's reply is lost (the connection breaks after the insert was
// applied), that number is skipped by the next call: it is claimed, but no
// caller got it.
func (s *Store) NextNumber(ctx context.Context, scope string) (int64, error) {
	if scope == "" {
		return 0, errors.New("store: next number: empty scope")
	}
	defer s.locks.lock(countersCollection, scope)()

	last, ok := s.counters.get(scope)
	if !ok {
		var h counterHint
		err := s.db.Collection(countersCollection).FindOne(ctx, byID(scope)).Decode(&h)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return 0, fmt.Errorf("store: next number of %s: read hint: %w", scope, err)
		}
		last = h.Last
	}

	claims := s.db.Collection(counterClaimsCollection)
	n := last + 1
	for ; ; n++ {
		claim := counterClaim{ID: scope + "/" + strconv.FormatInt(n, 10), Scope: scope, N: n, ClaimedAt: time.Now().UTC()}
		_, err := claims.InsertOne(ctx, claim)
		if err == nil {
			break
		}
		if !mongo.IsDuplicateKeyError(err) {
			// n-1 is claimed, so the cache may move there.
			s.counters.set(scope, n-1)
			return 0, fmt.Errorf("store: next number of %s: claim %d: %w", scope, n, err)
		}
		// Claimed by another process (or the hint lags): try the next one.
	}
	s.counters.set(scope, n)

	// The number is ours whatever happens to the hint; a failed or
	// out-of-order hint write only costs a few duplicate inserts later.
	if err := s.saveCounterHint(ctx, scope, n); err != nil {
		s.log.WarnContext(ctx, "could not save counter hint", slog.String("scope", scope), slog.Int64("n", n), slog.Any("error", err))
	}
	return n, nil
}

// saveCounterHint records n as the last number of scope.
func (s *Store) saveCounterHint(ctx context.Context, scope string, n int64) error {
	c := s.db.Collection(countersCollection)
	set := bson.D{{Key: "$set", Value: bson.D{{Key: "last", Value: n}}}}
	_, err := c.UpdateOne(ctx, byID(scope), set, options.Update().SetUpsert(true))
	if mongo.IsDuplicateKeyError(err) {
		// Two first upserts raced (FerretDB reports that instead of
		// updating); the document exists now.
		_, err = c.UpdateOne(ctx, byID(scope), set)
	}
	return err
}
