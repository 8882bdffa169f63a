package notify

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"time"

	"vorgang/core/store"
)

// deliveryLease is how long a claimed batch of mails is this worker's; a
// batch takes at most a few command timeouts per mail.
const deliveryLease = 10 * time.Minute

// Deliver sends the due mails over one connection. Without a Sender it does
// nothing: mails wait in the outbox. A mail the server refuses for good is
// marked failed at once; any other failure is retried with backoff until
// MaxAttempts, then marked failed.
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
		// The server is unreachable: every mail waits for the next try.
		return len(items), errors.Join(err, w.failAll(ctx, items, err, now))
	}
	var errs []error
	for i := range items {
		item := &items[i]
		err := w.send(conn, item, now)
		switch {
		case err == nil:
			if cerr := w.Store.CompleteOutbox(ctx, item); cerr != nil {
				errs = append(errs, cerr)
			}
			continue
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

func (w *Worker) send(conn Conn, item *store.OutboxItem, now time.Time) error {
	m, err := mailOf(item)
	if err != nil {
		return permanent{err}
	}
	msg, err := Compose(m, now)
	if err != nil {
		return permanent{err}
	}
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return permanent{fmt.Errorf("notify: sender %q: %w", m.From, err)}
	}
	if err := conn.Send(from.Address, m.To, msg); err != nil {
		return err
	}
	w.log.Info("mail sent", "mail", item.ID, "ticket", m.Ticket, "notification", m.Notification)
	return nil
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
