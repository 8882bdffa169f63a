package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"vorgang/core/fault"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// OutboxStore is what DiscardEffects needs; *store.Store implements it.
type OutboxStore interface {
	ListOutbox(ctx context.Context, q store.OutboxQuery) ([]store.OutboxItem, string, error)
	FailOutbox(ctx context.Context, item *store.OutboxItem, cause error, now time.Time, retryIn time.Duration, maxAttempts int) error
}

// DiscardEffects stops the follow-up work a definition version queued
// and that is not done yet (child tickets, closing children,
// notifications): version is the catalog hash or a prefix of at least 8
// characters of it. Each such item is marked failed with the reason, so no
// worker takes it up again; it returns how many it discarded. An
// administrator uses it (vorgang outbox discard) when a faulty version
// queued work that must not happen, e.g. children a fixed script would no
// longer ask for.
func DiscardEffects(ctx context.Context, st OutboxStore, version string, now time.Time) (int, error) {
	if len(version) < 8 {
		return 0, fmt.Errorf("definition version %q: give at least 8 characters of the hash: %w", version, fault.Malformed)
	}
	discarded := 0
	for _, state := range []string{store.OutboxPending, store.OutboxClaimed} {
		after := ""
		for {
			items, next, err := st.ListOutbox(ctx, store.OutboxQuery{State: state, After: after, Limit: store.MaxPage})
			if err != nil {
				return discarded, err
			}
			for i := range items {
				ef, _ := ticket.DecodeEffect(items[i].Payload) // an unreadable payload has no version to match
				v := ef.Catalog
				if !strings.HasPrefix(v, version) {
					continue
				}
				cause := fmt.Errorf("discarded by an administrator: queued by definition version %s", v[:min(len(v), 12)])
				err := st.FailOutbox(ctx, &items[i], cause, now, 0, 0)
				if errors.Is(err, store.ErrConflict) {
					continue // a worker took or finished it meanwhile
				}
				if err != nil {
					return discarded, err
				}
				discarded++
			}
			if next == "" {
				break
			}
			after = next
		}
	}
	return discarded, nil
}
