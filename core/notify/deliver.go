package notify

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/mail"
	"time"

	"vorgang/core/store"
)

// deliveryLease is how long a claimed batch of mails is this worker's; a
// batch takes at most a few command timeouts per mail.
const deliveryLease = 10 * time.Minute

// maxWait is the longest pause between attempts of mails that wait for a
// working configuration, so they go out soon after it is fixed.
const maxWait = 5 * time.Minute

// Deliver sends the due mails over one connection, from the sender
// configured now (whatever was configured when they were queued). Without
// a Sender it does nothing: mails wait in the outbox. A mail whose
// recipient the server refuses for good is marked failed at once. Mails
// that cannot go out for a reason that is not theirs — the server cannot
// be reached, refuses TLS, the login or the sender — wait and are tried
// again, every few minutes at most, however long that takes. A mail that
// fails on its own (a temporary refusal of it, a connection lost while it
// was sent) is retried with backoff until MaxAttempts, then marked failed.
func (w *Worker) Deliver(ctx context.Context) (int, error) {
	if w.Sender == nil {
		return 0, nil
	}
	now := w.Now()
	items, err := w.Store.ClaimOutbox(ctx, w.Name, now, deliveryLease, 20, KindMail)
	if err != nil || len(items) == 0 {
		return 0, err
	}
	conn, err := w.Sender.Open(ctx)
	if err != nil {
		// The server is unreachable or refuses this configuration: every
		// mail waits for the next try.
		return len(items), errors.Join(err, w.waitAll(ctx, items, err, now))
	}
	var errs []error
	for i := range items {
		item := &items[i]
		err := w.send(ctx, conn, item, now)
		switch {
		case err == nil:
			if cerr := w.Store.CompleteOutbox(ctx, item); cerr != nil {
				errs = append(errs, cerr)
			}
			continue
		case errors.As(err, new(*ConfigError)):
			_ = conn.Close()
			return len(items), errors.Join(err, w.waitAll(ctx, items[i:], err, now))
		case errors.As(err, new(*PermanentError)) || errors.As(err, new(permanent)):
			w.log.Warn("mail refused for good", "mail", item.ID, "error", err)
			errs = append(errs, w.Store.FailOutbox(ctx, item, err, now, 0, item.Attempts))
			continue
		}
		// The connection is likely gone: this mail and the rest wait.
		_ = conn.Close()
		return len(items), errors.Join(err, w.failAll(ctx, items[i:], err, now))
	}
	if err := conn.Close(); err != nil {
		w.log.Debug("closing the SMTP session", "error", err)
	}
	return len(items), errors.Join(errs...)
}

func (w *Worker) send(ctx context.Context, conn Conn, item *store.OutboxItem, now time.Time) error {
	m, err := mailOf(item)
	if err != nil {
		return permanent{err}
	}
	// The sender is the one configured now: mails queued before a mail
	// server was configured have none, and a corrected --mail-from applies
	// to mails already queued.
	m.From = w.From
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return &ConfigError{Err: fmt.Errorf("notify: sender %q: %w", m.From, err)}
	}
	if m.Ticket != "" && w.Threads != nil {
		m.MessageID = w.Threads.MessageID(m.ID, m.Ticket, m.From)
		if t, err := w.Store.Ticket(ctx, m.Ticket); err == nil {
			m.ReplyTo = w.Threads.replyTo(w.Catalog(), t.Process, m.Ticket)
		}
	}
	msg, err := Compose(m, now)
	if err != nil {
		return permanent{err}
	}
	if err := conn.Send(from.Address, m.To, msg); err != nil {
		return err
	}
	w.log.Info("mail sent", "mail", item.ID, "ticket", m.Ticket, "notification", m.Notification)
	return nil
}

// waitAll puts mails back for a later try without counting towards their
// failure: they cannot go out for a reason that is not theirs.
func (w *Worker) waitAll(ctx context.Context, items []store.OutboxItem, cause error, now time.Time) error {
	var errs []error
	for i := range items {
		item := &items[i]
		if err := w.Store.FailOutbox(ctx, item, cause, now, min(w.Backoff(item.Attempts), maxWait), math.MaxInt); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (w *Worker) failAll(ctx context.Context, items []store.OutboxItem, cause error, now time.Time) error {
	var errs []error
	for i := range items {
		item := &items[i]
		if err := w.Store.FailOutbox(ctx, item, cause, now, w.Backoff(item.Attempts), w.MaxAttempts); err != nil {
			errs = append(errs, err)
		} else if item.State == store.OutboxFailed {
			w.log.Error("mail given up after its last attempt", "mail", item.ID, "attempts", item.Attempts, "error", cause)
		}
	}
	return errors.Join(errs...)
}
