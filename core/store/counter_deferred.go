package store

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"vorgang/core/ticket"
)

// Numbers whose claim is written with the ticket.
//
// On the embedded store a create's number claim was a synced write of its
// own before the create's transaction: two syncs per group of creates. One
// process owns the embedded store (store.lock), so a number handed out by
// this process cannot be taken by another; its claim document need only be
// on disk once the number's ticket is. ReserveNumber therefore hands out the
// number from memory and CreateTicketReserved inserts its claim in the
// create's transaction, beside the ticket: one commit holds both, or
// neither.
//
// What this leaves after a crash are numbers without a claim and without a
// ticket ("holes"), possibly below claims of later numbers whose creates
// committed first. They are found as orphans are: loadCounter probes past
// up to maxDeferred missing claims after the last one it finds (more
// numbers than that are never outstanding at once: beyond it a number is
// claimed at once, as ClaimNumber does), and findOrphans counts a missing
// claim in its window as a candidate. So numbers stay gap-free and unique
// across crashes, and an acknowledged create had its claim committed with
// it. MongoDB mode claims each number before use, as before: there several
// processes share the numbers.

// maxDeferred bounds a scope's numbers handed out with their claim unwritten.
const maxDeferred = 64

// Reserved is a number handed out by ReserveNumber, for CreateTicketReserved.
type Reserved struct {
	Scope string
	N     int64
	// owner is noted in the claim, as ClaimNumber notes its owner.
	owner string
	// deferred: the claim is not written yet; the create's transaction
	// writes it.
	deferred bool
}

// ReserveNumber hands out a number of scope for a ticket that
// CreateTicketReserved stores, as ClaimNumber does for owner (orphans
// first when unused is given), but on the embedded store without a write
// of its own: the number's claim is written with the ticket. A create that
// fails gives the number back with ReleaseNumber.
func (s *Store) ReserveNumber(ctx context.Context, scope, owner string, unused Unused) (Reserved, error) {
	if s.writer == nil {
		n, err := s.ClaimNumber(ctx, scope, owner, unused)
		return Reserved{Scope: scope, N: n, owner: owner}, err
	}
	if scope == "" {
		return Reserved{}, errors.New("store: next number: empty scope")
	}
	st := s.counters.state(scope)
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.loaded {
		if err := s.loadCounter(ctx, scope, st); err != nil {
			return Reserved{}, err
		}
		st.loaded = true
	}
	if unused != nil {
		n, deferred, err := s.reuseOrphan(ctx, scope, owner, st, unused, true)
		if err != nil || n > 0 {
			return Reserved{Scope: scope, N: n, owner: owner, deferred: deferred}, err
		}
	}
	if st.deferredCount()+len(st.orphans) >= maxDeferred {
		// So many numbers without a claim (under way, or given back and
		// not handed out again): claim this one at once, which keeps the
		// holes a crash may leave within loadCounter's probe.
		req := &numberRequest{ctx: ctx, owner: owner}
		s.claimFresh(ctx, scope, st, []*numberRequest{req})
		return Reserved{Scope: scope, N: req.n, owner: owner}, req.err
	}
	lastBefore := st.last
	st.last++
	st.deferN(st.last)
	if st.last/hintEvery > lastBefore/hintEvery {
		if err := s.saveCounterHint(ctx, scope, st.last); err != nil {
			s.log.WarnContext(ctx, "could not save counter hint", slog.String("scope", scope), slog.Int64("n", st.last), slog.Any("error", err))
		}
	}
	return Reserved{Scope: scope, N: st.last, owner: owner, deferred: true}, nil
}

// deferN notes n as handed out with its claim unwritten; callers hold
// st.mu.
func (st *counterState) deferN(n int64) {
	st.deferMu.Lock()
	defer st.deferMu.Unlock()
	if st.deferred == nil {
		st.deferred = make(map[int64]bool)
	}
	st.deferred[n] = true
}

// undefer forgets n among the deferred numbers: its claim is written, or
// it was given back.
func (st *counterState) undefer(n int64) {
	st.deferMu.Lock()
	delete(st.deferred, n)
	st.deferMu.Unlock()
}

func (st *counterState) isDeferred(n int64) bool {
	st.deferMu.Lock()
	defer st.deferMu.Unlock()
	return st.deferred[n]
}

func (st *counterState) deferredCount() int {
	st.deferMu.Lock()
	defer st.deferMu.Unlock()
	return len(st.deferred)
}

// committed forgets r among the deferred numbers once its claim is
// written. It does not take st.mu (see counterState.deferMu).
func (s *Store) committed(r Reserved) {
	if r.deferred {
		s.counters.state(r.Scope).undefer(r.N)
	}
}

// claimDoc is the claim document a deferred number's create writes.
func (r Reserved) claimDoc(now time.Time) NumberClaim {
	return NumberClaim{ID: claimID(r.Scope, r.N), Scope: r.Scope, N: r.N, Owner: r.owner, ClaimedAt: now}
}

// CreateTicketReserved stores a new ticket as CreateTicketQueued does, with
// the claim of its number r when ReserveNumber left it unwritten: in the
// same transaction on the embedded store, or just before the ticket when
// the create has to be written on its own. with are further documents
// the create writes (see Companion).
func (s *Store) CreateTicketReserved(ctx context.Context, t *ticket.Ticket, first *ticket.HistoryEntry, now time.Time, queued []*OutboxItem, r Reserved, with ...Companion) error {
	return s.createTicket(ctx, t, first, now, queued, r, with)
}

// SingleProcess reports whether one process owns the data (the embedded
// store, store.lock): then nothing this process does not write can appear
// in the store while it runs.
func (s *Store) SingleProcess() bool { return s.writer != nil }

// Companion is a new document stored with a new ticket: on the embedded
// store in the create's transaction, so both are stored or neither; when
// the create is written on its own (and on MongoDB) just before the
// ticket, so a crash may leave it without the ticket, never the ticket
// without it. Its insert fails on an existing _id (ErrDuplicate) as
// Insert does.
type Companion struct {
	Collection string
	Doc        any
}
