package notify

import (
	"context"
	"fmt"
	"time"

	"vorgang/core/store"
)

// QueuedMail is a mail in the outbox with its delivery state, for admin
// pages.
type QueuedMail struct {
	Mail
	// State is store.OutboxPending, OutboxClaimed, OutboxDone or
	// OutboxFailed.
	State    string
	Attempts int
	// LastError is why the last attempt failed.
	LastError string
	// NextAt is when a pending mail is tried next (ticket.SortTime text).
	NextAt  string
	Created time.Time
}

// Failed lists the mails that failed for good, oldest first, one page at a
// time: pass the returned cursor as after for the next ("" on the last).
// Nothing in the binary lists them yet (only tests); the admin pages are
// to show them beside the outbox.
func Failed(ctx context.Context, st Store, after string, limit int) ([]QueuedMail, string, error) {
	return list(ctx, st, store.OutboxFailed, after, limit)
}

// Queued lists the mails waiting for delivery, the next due first: all
// mails while no SMTP server is configured, else those waiting for a retry.
func Queued(ctx context.Context, st Store, after string, limit int) ([]QueuedMail, string, error) {
	return list(ctx, st, store.OutboxPending, after, limit)
}

func list(ctx context.Context, st Store, state, after string, limit int) ([]QueuedMail, string, error) {
	items, next, err := st.ListOutbox(ctx, store.OutboxQuery{State: state, Kind: KindMail, After: after, Limit: limit})
	if err != nil {
		return nil, "", fmt.Errorf("notify: list %s mails: %w", state, err)
	}
	out := make([]QueuedMail, 0, len(items))
	for i := range items {
		m, err := mailOf(&items[i])
		if err != nil {
			return nil, "", err
		}
		out = append(out, QueuedMail{Mail: *m, State: items[i].State, Attempts: items[i].Attempts,
			LastError: items[i].LastError, NextAt: items[i].NextAt, Created: items[i].Created})
	}
	return out, next, nil
}
