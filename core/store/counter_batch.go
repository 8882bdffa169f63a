package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Claiming the numbers of concurrent callers in one write.
//
// A scope's numbers are handed out one after the other under its mutex, and
// each claim is a synced insert: with one claim per write, concurrent
// creates of one process queue behind each other's sync (on the embedded
// store about one claim per millisecond, whatever else the creates do). So
// a caller first joins the scope's waiting list and then takes the mutex;
// whoever holds it claims the numbers of everyone waiting at that moment in
// one ordered InsertMany, and those served find their number when they get
// the mutex. A lone caller waits for nobody.

// numberRequest is one caller of ClaimNumber. Its result is set, and served
// marked, under the scope's mutex.
type numberRequest struct {
	ctx    context.Context
	owner  string
	unused Unused

	served bool
	n      int64
	err    error
}

// wait puts req on the scope's waiting list.
func (st *counterState) wait(req *numberRequest) {
	st.waitMu.Lock()
	st.waiting = append(st.waiting, req)
	st.waitMu.Unlock()
}

// take removes and returns up to maxInsertBatch waiting callers.
func (st *counterState) take() []*numberRequest {
	st.waitMu.Lock()
	defer st.waitMu.Unlock()
	n := min(len(st.waiting), maxInsertBatch)
	batch := st.waiting[:n:n]
	st.waiting = st.waiting[n:]
	return batch
}

// serveNumbers hands out numbers to (up to maxInsertBatch of) the callers
// waiting for scope; the caller holds st.mu. Orphans go first, to callers that
// may reuse them, one by one (each asks its caller's Unused); the others
// get fresh numbers in one write.
func (s *Store) serveNumbers(ctx context.Context, scope string, st *counterState) {
	batch := st.take()
	defer func() {
		for _, r := range batch {
			r.served = true
		}
	}()
	// The write carries the claims of several callers, so it does not end
	// with the context of the one that happens to send it.
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), batchTimeout)
	defer cancel()
	if !st.loaded {
		if err := s.loadCounter(sendCtx, scope, st); err != nil {
			for _, r := range batch {
				r.err = err
			}
			return
		}
		st.loaded = true
	}
	var fresh []*numberRequest
	for _, r := range batch {
		if r.unused != nil {
			r.n, _, r.err = s.reuseOrphan(r.ctx, scope, r.owner, st, r.unused, false)
			if r.n > 0 || r.err != nil {
				continue
			}
		}
		fresh = append(fresh, r)
	}
	s.claimFresh(sendCtx, scope, st, fresh)
}

// claimFresh claims the numbers after st.last for reqs, in their order.
func (s *Store) claimFresh(ctx context.Context, scope string, st *counterState, reqs []*numberRequest) {
	lastBefore := st.last
	for len(reqs) > 0 {
		first := st.last + 1
		now := time.Now().UTC()
		docs := make([]any, len(reqs))
		for i, r := range reqs {
			n := first + int64(i)
			docs[i] = NumberClaim{ID: claimID(scope, n), Scope: scope, N: n, Owner: r.owner, ClaimedAt: now}
		}
		stored, err := s.insertOrdered(ctx, counterClaimsCollection, docs)
		for i, r := range reqs[:stored] {
			r.n = first + int64(i)
			s.log.DebugContext(ctx, "number claimed", slog.String("scope", scope), slog.Int64("n", r.n), slog.String("owner", r.owner))
		}
		st.last = first + int64(stored) - 1
		reqs = reqs[stored:]
		if err == nil {
			break
		}
		if errors.Is(err, ErrDuplicate) {
			// Claimed by another process (or the hint lags): the rest try
			// the numbers after it.
			st.last++
			continue
		}
		// Whether the claims after the stored ones landed is unknown; the
		// next caller tries them again (a landed one is a duplicate then,
		// and an orphan found after a restart).
		for _, r := range reqs {
			r.err = fmt.Errorf("store: next number of %s: claim %d: %w", scope, st.last+1, s.classify(ctx, err))
		}
		break
	}

	// The numbers are ours whatever happens to the hint; a failed, skipped
	// or out-of-order hint write only costs a few duplicate inserts later.
	if st.last/hintEvery > lastBefore/hintEvery {
		if err := s.saveCounterHint(ctx, scope, st.last); err != nil {
			s.log.WarnContext(ctx, "could not save counter hint", slog.String("scope", scope), slog.Int64("n", st.last), slog.Any("error", err))
		}
	}
}

// insertOrdered inserts docs into coll in order, in one InsertMany that
// stops at the first document that fails. It returns how many were stored
// (a prefix of docs) and the error of the first that was not: one wrapping
// ErrDuplicate, another write error, or the command's error, after which
// none is known to be stored.
func (s *Store) insertOrdered(ctx context.Context, coll string, docs []any) (int, error) {
	done := s.foreignWrite()
	_, err := s.db.Collection(coll).InsertMany(ctx, docs, options.InsertMany().SetOrdered(true))
	done()
	if err == nil {
		return len(docs), nil
	}
	var bulk mongo.BulkWriteException
	if !errors.As(err, &bulk) || bulk.WriteConcernError != nil || len(bulk.WriteErrors) == 0 {
		return 0, err
	}
	first := bulk.WriteErrors[0]
	for _, we := range bulk.WriteErrors[1:] {
		if we.Index < first.Index {
			first = we
		}
	}
	if first.Index < 0 || first.Index >= len(docs) {
		return 0, err
	}
	if mongo.IsDuplicateKeyError(first) {
		return first.Index, ErrDuplicate
	}
	return first.Index, first
}
