package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
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

// hintEvery is how often the hint document is written: every hintEvery-th
// number. The hint only says where to start looking; a lagging one costs a
// restarted process at most hintEvery reads, while writing it each time
// would cost every create one more serial write.
const hintEvery = 16

// orphanWindow and orphanHorizon bound the look for orphans — numbers
// claimed by a writer that died before its ticket was stored — among a
// scope's latest claims: at most orphanWindow claims, and none claimed
// more than orphanHorizon before the latest. A create in flight at a crash
// may have taken its number well before the last one was handed out (a
// slow request among fast ones), so the window is wide in count and
// bounded in time.
const (
	orphanWindow  = 512
	orphanHorizon = 2 * time.Minute
)

// orphanRescan is how long a scope's orphan check holds before it is
// repeated. With one process on the embedded store the first check finds
// every orphan; with several processes on MongoDB a writer may die at any
// time.
const orphanRescan = 5 * time.Minute

// counterState is what this Store knows of a scope.
type counterState struct {
	// mu serialises the scope's numbering in this process. It is a mutex
	// of its own, not a stripe of the store's keyed locks: numbering calls
	// Update and the caller's Unused check while holding it, and a caller
	// must never hold two stripes.
	mu sync.Mutex
	// waiting are the callers that want a number and were not served yet;
	// whoever holds mu next serves them all in one write.
	waitMu  sync.Mutex
	waiting []*numberRequest
	// deferred are the numbers ReserveNumber handed out whose claims are
	// not written yet (counter_deferred.go). It has a mutex of its own: a
	// create notes its commit while it holds its ticket's lock, and mu's
	// holders take keyed locks (Update), so the create must not wait for mu.
	deferMu   sync.Mutex
	deferred  map[int64]bool
	loaded    bool
	last      int64     // the highest number known to be claimed
	orphans   []int64   // claimed numbers found unused, smallest first
	checkedAt time.Time // when the orphans were last looked for
}

// counterCache remembers the scopes this Store handed out numbers of, so
// the common case is a single insert.
type counterCache struct {
	mu     sync.Mutex
	scopes map[string]*counterState
}

func (c *counterCache) init() { c.scopes = make(map[string]*counterState) }

// state returns the scope's state, made on first use.
func (c *counterCache) state(scope string) *counterState {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.scopes[scope]
	if !ok {
		st = &counterState{}
		c.scopes[scope] = st
	}
	return st
}

// NumberClaim is the record of one number handed out.
type NumberClaim struct {
	ID        string    `bson:"_id"`
	Scope     string    `bson:"scope"`
	N         int64     `bson:"n"`
	Owner     string    `bson:"owner,omitempty"`
	ClaimedAt time.Time `bson:"claimed_at"`
	Version   int64     `bson:"version,omitempty"`
}

// Unused reports whether a number claimed by a writer that is gone (the
// claim is stale) never reached a ticket and never will, so it may be
// handed out again. The caller that knows what numbers are for (the
// engine) answers it; it may fence the claim's owner so that a late
// writer cannot use the number after all.
type Unused func(ctx context.Context, c NumberClaim) (bool, error)

type counterHint struct {
	Last int64 `bson:"last"`
}

// NextNumber hands out the next number of scope (for example
// "it-incident/2026"), starting at 1, without an owner and without reusing
// orphaned numbers. See ClaimNumber.
func (s *Store) NextNumber(ctx context.Context, scope string) (int64, error) {
	return s.ClaimNumber(ctx, scope, "", nil)
}

// ClaimNumber hands out a number of scope (for example "it-incident/2026"):
// the next one, or, when unused is given, first a number whose writer died
// before using it. Numbers are never handed out twice, also with several
// processes on one database; with unused they are also gap-free across
// crashes: every number ends up on a ticket. owner (optional) is recorded
// with the claim for unused to consult.
//
// Each number is claimed by inserting the document "<scope>/<n>" into
// counter_claims. A unique _id is the one thing that is atomic on FerretDB
// as well as on MongoDB, so this is correct on every backend and with any
// number of vorgang processes — unlike a counter document with $inc or a
// compare-and-set, which FerretDB would hand out twice, and unlike an
// in-process lock, which only covers one process. n is tried only after
// n-1 is known to be claimed, so there are no gaps. The scope's mutex only
// keeps goroutines of this process from racing for the same n; a per-scope
// hint document spares a restarted process from probing from 1. Callers
// that arrive while a claim is on its way are served together: their
// claims n, n+1, … go out as one ordered insert, which stores a prefix of
// them and stops at the first that fails, so a batch leaves no gap either
// (counter_batch.go).
//
// An orphan is taken over by a compare-and-set on its claim, so of several
// processes finding it only one reuses it. Numbers reused this way are
// younger than their neighbours: numbers are gap-free, not in time order.
func (s *Store) ClaimNumber(ctx context.Context, scope, owner string, unused Unused) (int64, error) {
	if scope == "" {
		return 0, errors.New("store: next number: empty scope")
	}
	st := s.counters.state(scope)
	req := &numberRequest{ctx: ctx, owner: owner, unused: unused}
	st.wait(req)
	st.mu.Lock()
	defer st.mu.Unlock()
	for !req.served {
		// Nobody served this caller while it waited: it serves those
		// waiting now, from the first, until it is served itself
		// (counter_batch.go).
		s.serveNumbers(ctx, scope, st)
	}
	return req.n, req.err
}

func claimID(scope string, n int64) string { return scope + "/" + strconv.FormatInt(n, 10) }

// loadCounter reads the scope's hint and moves past the claims made since
// it was written.
func (s *Store) loadCounter(ctx context.Context, scope string, st *counterState) error {
	var h counterHint
	err := s.db.Collection(countersCollection).FindOne(ctx, byID(scope)).Decode(&h)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("store: next number of %s: read hint: %w", scope, err)
	}
	st.last = h.Last
	// On the embedded store a crash may leave numbers handed out without
	// their claims below claims of later ones, never more than maxDeferred
	// in a row (counter_deferred.go): look past that many before taking
	// a missing claim for the end. The missing ones are orphans then.
	var probe int64
	if s.writer != nil {
		probe = maxDeferred
	}
	var missing []int64
	for n := st.last + 1; n <= st.last+1+probe; n++ {
		var c NumberClaim
		err := s.Get(ctx, counterClaimsCollection, claimID(scope, n), &c)
		if errors.Is(err, ErrNotFound) {
			missing = append(missing, n)
			continue
		}
		if err != nil {
			return fmt.Errorf("store: next number of %s: %w", scope, err)
		}
		for _, m := range missing {
			st.addOrphans(m)
		}
		missing = missing[:0]
		st.last = n
	}
	return nil
}

// reuseOrphan hands out an orphaned number of scope, looking for orphans
// among the latest claims when the last look is old. It returns 0 when
// there is none. An orphan without a claim (embedded store only, see
// counter_deferred.go) is handed out with its claim unwritten when
// deferOK (deferred reports it), else claimed for owner.
func (s *Store) reuseOrphan(ctx context.Context, scope, owner string, st *counterState, unused Unused, deferOK bool) (n int64, deferred bool, err error) {
	if time.Since(st.checkedAt) > orphanRescan {
		found, err := s.findOrphans(ctx, scope, st, unused)
		if err != nil {
			return 0, false, err
		}
		st.addOrphans(found...)
		st.checkedAt = time.Now()
	}
	for len(st.orphans) > 0 {
		n := st.orphans[0]
		st.orphans = st.orphans[1:]
		// A look or write that fails (a full disk) says nothing about the
		// number: it stays an orphan for the next create, or it would be
		// a gap.
		failed := func(err error) (int64, bool, error) {
			st.addOrphans(n)
			return 0, false, fmt.Errorf("store: reuse number %d of %s: %w", n, scope, err)
		}
		c := NumberClaim{ID: claimID(scope, n), Scope: scope, N: n}
		err := s.Get(ctx, counterClaimsCollection, c.ID, &c)
		hole := errors.Is(err, ErrNotFound) && s.writer != nil
		if err != nil && !hole {
			return failed(err)
		}
		// Ask again: a released number's ticket may have been stored after
		// all (a lost reply), and time has passed since the look.
		ok, err := unused(ctx, c)
		if err != nil {
			return failed(err)
		}
		if !ok {
			continue
		}
		switch {
		case hole && deferOK:
			st.deferN(n)
			s.log.InfoContext(ctx, "number reused", slog.String("scope", scope), slog.Int64("n", n))
			return n, true, nil
		case hole:
			c.Owner, c.ClaimedAt = owner, time.Now().UTC()
			err = s.Insert(ctx, counterClaimsCollection, c)
			if errors.Is(err, ErrDuplicate) {
				continue // written after all: look again next time
			}
		default:
			_, err = s.Update(ctx, counterClaimsCollection, c.ID, c.Version,
				bson.M{"$set": bson.M{"owner": owner, "claimed_at": time.Now().UTC()}})
			if errors.Is(err, ErrConflict) {
				continue // another process took it over
			}
		}
		if err != nil {
			return failed(err)
		}
		s.log.InfoContext(ctx, "number reused after a crash", slog.String("scope", scope), slog.Int64("n", n), slog.String("owner", owner))
		return n, false, nil
	}
	return 0, false, nil
}

// findOrphans checks the latest claims up to st.last, newest first, and
// returns the stale ones unused declares unused, smallest first. On the
// embedded store a missing claim is a candidate too, unless its number is
// under way (counter_deferred.go).
func (s *Store) findOrphans(ctx context.Context, scope string, st *counterState, unused Unused) ([]int64, error) {
	var found []int64
	var newest time.Time
	last := st.last
	for n := last; n >= 1 && n > last-orphanWindow; n-- {
		c := NumberClaim{ID: claimID(scope, n), Scope: scope, N: n}
		err := s.Get(ctx, counterClaimsCollection, c.ID, &c)
		hole := errors.Is(err, ErrNotFound)
		if hole && (s.writer == nil || st.isDeferred(n)) {
			continue
		}
		if err != nil && !hole {
			return nil, fmt.Errorf("store: look for unused numbers of %s: %w", scope, err)
		}
		if !hole {
			if newest.IsZero() {
				newest = c.ClaimedAt
			}
			if c.ClaimedAt.Before(newest.Add(-orphanHorizon)) {
				break
			}
			if !s.Stale(c.ClaimedAt) {
				continue
			}
		}
		ok, err := unused(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("store: look for unused numbers of %s: %w", scope, err)
		}
		s.log.DebugContext(ctx, "stale number claim", slog.String("scope", scope), slog.Int64("n", n), slog.String("owner", c.Owner), slog.Bool("unused", ok), slog.Bool("claimed", !hole))
		if ok {
			found = append(found, n)
		}
	}
	slices.Reverse(found)
	return found, nil
}

// ReleaseNumber gives back a number ClaimNumber handed out that will not be
// used (its create failed), so the scope's next ClaimNumber with an unused
// check hands it out again. A release lost in a crash is found as an
// orphan after the restart.
func (s *Store) ReleaseNumber(scope string, n int64) {
	s.counters.mu.Lock()
	st, ok := s.counters.scopes[scope]
	s.counters.mu.Unlock()
	if !ok {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.undefer(n)
	if st.loaded {
		st.addOrphans(n)
	}
}

// addOrphans adds numbers to the sorted orphan list; callers hold st.mu.
func (st *counterState) addOrphans(ns ...int64) {
	for _, n := range ns {
		if i, found := slices.BinarySearch(st.orphans, n); !found {
			st.orphans = slices.Insert(st.orphans, i, n)
		}
	}
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
