package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"vorgang/core/store"
	"vorgang/core/ticket"
)

// DefaultCreateClaimKeep is how long the claim of a create under an
// idempotency key is kept. A retry within it gets the ticket the first
// request made; the same key used after it opens a new ticket. A week is
// far beyond any client's retries, and without a limit the claims would
// grow with every ticket ever opened through a form or a keyed API call.
const DefaultCreateClaimKeep = 7 * 24 * time.Hour

// shapeClaimsUpTo lists create claims by when they were made, oldest
// first. Claims written before the time was recorded have none and are
// kept.
const shapeClaimsUpTo = "create_requests.claimed"

// claimPurgeBatch bounds the claims one PurgeCreateClaims call deletes, so
// a first run on a big store does not hold the disk busy for long.
const claimPurgeBatch = 2000

// PurgeCreateClaims deletes the create claims made before cutoff (a
// wall-clock time, as the claims record it), at most claimPurgeBatch of
// them, and returns how many it deleted. Run it from a scheduled job under
// a lease, with cutoff DefaultCreateClaimKeep ago.
func (e *Engine) PurgeCreateClaims(ctx context.Context, cutoff time.Time) (int, error) {
	deleted := 0
	for deleted < claimPurgeBatch {
		ids, err := e.store.IDsUpTo(ctx, createsCollection, shapeClaimsUpTo, ticket.SortTime(cutoff), min(store.MaxPage, claimPurgeBatch-deleted))
		if err != nil {
			return deleted, fmt.Errorf("engine: purge create claims: %w", err)
		}
		for _, id := range ids {
			if err := e.store.Delete(ctx, createsCollection, id); err != nil && !errors.Is(err, store.ErrNotFound) {
				return deleted, fmt.Errorf("engine: purge create claim %s: %w", id, err)
			}
			deleted++
		}
		if len(ids) == 0 {
			break
		}
	}
	return deleted, nil
}
