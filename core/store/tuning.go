package store

import "time"

// tuning holds timings of the primitives. They are fixed in production and
// shortened by tests.
type tuning struct {
	// idempotentWait is how long Idempotent waits for a concurrent call with
	// the same key before it returns ErrPending.
	idempotentWait time.Duration
	// idempotentStale is how old a pending idempotency claim must be before
	// another call may take it over (its owner is presumed dead).
	idempotentStale time.Duration
	// leaseGrace is how long a superseded lease record is kept after its
	// expiry (for inspection) before it is deleted.
	leaseGrace time.Duration
	// probeWhileFull and probeWhileOK are how often Writable writes its
	// probe: while the disk is full (to notice freed space) and otherwise
	// (to notice a full disk without traffic).
	probeWhileFull, probeWhileOK time.Duration
}

func defaultTuning() tuning {
	return tuning{
		idempotentWait:  10 * time.Second,
		idempotentStale: 5 * time.Minute,
		leaseGrace:      time.Minute,
		probeWhileFull:  time.Second,
		probeWhileOK:    30 * time.Second,
	}
}
