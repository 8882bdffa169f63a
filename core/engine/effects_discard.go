package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"vorgang/core/store"
)

// outboxLister pages through the outbox; *store.Store implements it.
type outboxLister interface {
	ListOutbox(ctx context.Context, q store.OutboxQuery) ([]store.OutboxItem, string, error)
}

// DiscardEffects stops the follow-up work a definition version queued
// and that is not done yet (child tickets, closing children,
// notifications): version is the catalog hash or a prefix of at least 8
// characters of it. Each such item is marked failed with the reason, so no
// worker takes it up again; it returns how many it discarded. An
// administrator uses it when a faulty version queued work that must not
// happen, e.g. children a fixed script would no longer ask for.
func (e *Engine) DiscardEffects(ctx context.Context, version string) (int, error) {
	if len(version) < 8 {
		return 0, fmt.Errorf("definition version %q: give at least 8 characters of the hash: %w", version, ErrInvalid)
	}
	lister, ok := e.store.(outboxLister)
	if !ok {
		return 0, errors.New("engine: the store cannot list the outbox")
	}
	now := e.now()
	discarded := 0
	for _, state := range []string{store.OutboxPending, store.OutboxClaimed} {
		after := ""
		for {
			items, next, err := lister.ListOutbox(ctx, store.OutboxQuery{State: state, After: after, Limit: store.MaxPage})
			if err != nil {
				return discarded, err
			}
			for i := range items {
				v, _ := items[i].Payload["catalog"].(string)
				if !strings.HasPrefix(v, version) {
					continue
				}
				cause := fmt.Errorf("discarded by an administrator: queued by definition version %s", v[:min(len(v), 12)])
				err := e.store.FailOutbox(ctx, &items[i], cause, now, 0, 0)
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
