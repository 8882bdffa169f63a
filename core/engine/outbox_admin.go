package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// OutboxAdmin is what the outbox's administration needs of the store.
type OutboxAdmin interface {
	ListOutbox(ctx context.Context, q store.OutboxQuery) ([]store.OutboxItem, string, error)
	OutboxItemByID(ctx context.Context, id string) (*store.OutboxItem, error)
	RetryOutbox(ctx context.Context, item *store.OutboxItem, now time.Time, why string) error
}

// OutboxEntry is a queued, retrying or failed piece of follow-up work as
// an administrator sees it: what it is for and why it has not happened.
type OutboxEntry struct {
	ID   string
	Kind string // mail, notify, webhook, create_child, ...
	// Ticket and Target name the ticket and what the work is for (the
	// notification, the webhook, the child's process); empty for mails,
	// whose details core/notify reads.
	Ticket, Target string
	State          string
	Attempts       int
	NextAt         string // when it is due again, ticket.SortTime text
	LastError      string
	Created        time.Time
}

// Outbox lists outbox items in one state (pending covers those waiting
// for a retry; done those delivered, a webhook's delivery log),
// optionally of one kind, one page at a time. Only
// administrators see the outbox: it names tickets of every team.
func (e *Engine) Outbox(ctx context.Context, actor *auth.Principal, q store.OutboxQuery) ([]OutboxEntry, string, error) {
	if actor == nil || !actor.Admin {
		return nil, "", fmt.Errorf("outbox: %w", fault.Forbidden)
	}
	switch q.State {
	case store.OutboxPending, store.OutboxClaimed, store.OutboxFailed, store.OutboxDone:
	default:
		return nil, "", fmt.Errorf("outbox: state %q is not one of pending, claimed, failed, done: %w", q.State, fault.Malformed)
	}
	items, next, err := e.store.ListOutbox(ctx, q)
	if err != nil {
		return nil, "", err
	}
	out := make([]OutboxEntry, len(items))
	for i, it := range items {
		out[i] = outboxEntry(it)
	}
	return out, next, nil
}

func outboxEntry(it store.OutboxItem) OutboxEntry {
	o := OutboxEntry{ID: it.ID, Kind: it.Kind, State: it.State, Attempts: it.Attempts, NextAt: it.NextAt,
		LastError: it.LastError, Created: it.Created}
	if ef, err := ticket.DecodeEffect(it.Payload); err == nil {
		o.Ticket, o.Target = ef.Ticket, ef.Target
	}
	return o
}

// RetryOutbox makes a failed item due again at once, with a fresh count
// of attempts: after the receiver or the mail server was fixed. Only
// failed items are retried; one still queued is retried anyway.
func (e *Engine) RetryOutbox(ctx context.Context, actor *auth.Principal, id string) (*OutboxEntry, error) {
	return e.changeOutbox(ctx, actor, id, "retry", func(it *store.OutboxItem) error {
		return e.store.RetryOutbox(ctx, it, e.now(), "retried by "+actor.User)
	})
}

// DiscardOutbox gives up a queued or failed item for good: it is marked
// failed with who discarded it, so no worker takes it up again and the
// record stays.
func (e *Engine) DiscardOutbox(ctx context.Context, actor *auth.Principal, id string) (*OutboxEntry, error) {
	return e.changeOutbox(ctx, actor, id, "discard", func(it *store.OutboxItem) error {
		return e.store.FailOutbox(ctx, it, fmt.Errorf("discarded by %s", actor.User), e.now(), 0, 0)
	})
}

var pastTense = map[string]string{"retry": "retried", "discard": "discarded"}

// changeOutbox applies change to the item with id, which must be failed
// (retry) or not yet done (discard); a claimed item is being worked on and
// is left alone.
func (e *Engine) changeOutbox(ctx context.Context, actor *auth.Principal, id, what string, change func(*store.OutboxItem) error) (*OutboxEntry, error) {
	if actor == nil || !actor.Admin {
		return nil, fmt.Errorf("outbox %s: %w", what, fault.Forbidden)
	}
	it, err := e.store.OutboxItemByID(ctx, id)
	if err != nil {
		return nil, err
	}
	allowed := it.State == store.OutboxFailed || (what == "discard" && it.State == store.OutboxPending)
	if !allowed {
		return nil, fmt.Errorf("outbox item %s is %s: it cannot be %s now: %w", id, it.State, pastTense[what], fault.NotAllowedNow)
	}
	if err := change(it); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, fmt.Errorf("outbox item %s changed meanwhile: %w", id, fault.Conflict)
		}
		return nil, err
	}
	e.log.InfoContext(ctx, "outbox item "+pastTense[what], "outbox_item", id, "kind", it.Kind, "by", actor.User)
	o := outboxEntry(*it)
	return &o, nil
}

// OutboxBacklog is what has been failing for long, per kind.
type OutboxBacklog struct {
	Kind   string
	Count  int
	Oldest time.Time // when the oldest of them was queued
}

// outboxScanPages bounds how much of a long queue LongFailing reads.
const outboxScanPages = 20

// LongFailing lists, per kind, the items still queued that were tried and
// failed at least once and were queued more than age ago: work that has
// been failing for long (a receiver or mail server down). It reads at
// most outboxScanPages pages of the queue.
func (e *Engine) LongFailing(ctx context.Context, age time.Duration) ([]OutboxBacklog, error) {
	cutoff := e.now().Add(-age)
	byKind := map[string]*OutboxBacklog{}
	var kinds []string
	after := ""
	for range outboxScanPages {
		items, next, err := e.store.ListOutbox(ctx, store.OutboxQuery{State: store.OutboxPending, After: after, Limit: store.MaxPage})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if it.Attempts == 0 || !it.Created.Before(cutoff) {
				continue
			}
			b := byKind[it.Kind]
			if b == nil {
				b = &OutboxBacklog{Kind: it.Kind, Oldest: it.Created}
				byKind[it.Kind] = b
				kinds = append(kinds, it.Kind)
			}
			b.Count++
			if it.Created.Before(b.Oldest) {
				b.Oldest = it.Created
			}
		}
		if next == "" {
			break
		}
		after = next
	}
	out := make([]OutboxBacklog, len(kinds))
	for i, k := range kinds {
		out[i] = *byKind[k]
	}
	return out, nil
}

// OutboxQuery selects the outbox items Outbox lists; the web areas name
// it through the engine, which owns the outbox's administration.
type OutboxQuery = store.OutboxQuery

// The states of an outbox item, as Outbox filters by them.
const (
	OutboxPending = store.OutboxPending
	OutboxClaimed = store.OutboxClaimed
	OutboxFailed  = store.OutboxFailed
	OutboxDone    = store.OutboxDone
)
