package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"vorgang/core/definition"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// Kind is the outbox kind of a delivery (the engine's EffectWebhook).
const Kind = "webhook"

// MaxAttempts is how often a delivery is tried before it is marked
// failed: with backoff doubling to an hour, about a day of a receiver
// being down.
const MaxAttempts = 30

// claimLease is how long a claimed batch is this worker's; a batch takes
// at most one timeout per delivery.
const claimLease = 15 * time.Minute

// waitForEarlier is when a delivery that waits for an earlier one of its
// queue is looked at again.
const waitForEarlier = 5 * time.Second

// Config configures a Worker. Store, Catalog and Committed are required.
type Config struct {
	Store   *store.Store
	Catalog func() *definition.Catalog
	// Committed reports whether the change that queued an item was
	// committed (engine.EffectCommitted); items of lost changes are
	// dropped.
	Committed func(ctx context.Context, item *store.OutboxItem) (bool, error)
	// Every is the pause between rounds when there was nothing to do
	// (default 2s).
	Every  time.Duration
	Name   string
	Logger *slog.Logger
	Now    func() time.Time
}

// Worker delivers the queued webhook posts.
type Worker struct {
	cfg Config
	log *slog.Logger

	mu      sync.Mutex
	clients map[clientKey]*http.Client
}

type clientKey struct {
	allowPrivate bool
	timeout      time.Duration
}

// New returns a worker.
func New(cfg Config) (*Worker, error) {
	if cfg.Store == nil || cfg.Catalog == nil || cfg.Committed == nil {
		return nil, errors.New("webhook: Store, Catalog and Committed are required")
	}
	if cfg.Every <= 0 {
		cfg.Every = 2 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Name == "" {
		cfg.Name = "webhook"
	}
	return &Worker{cfg: cfg, log: cfg.Logger.With("component", "webhook"), clients: map[clientKey]*http.Client{}}, nil
}

// Run delivers until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	for {
		n, err := w.Deliver(ctx)
		if err != nil && ctx.Err() == nil && !errors.Is(err, store.ErrDiskFull) {
			w.log.Warn("webhook round failed; it is retried", "error", err)
		}
		wait := w.cfg.Every
		if n > 0 && err == nil {
			wait = 0
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// Deliver posts the due deliveries once and returns how many it handled.
func (w *Worker) Deliver(ctx context.Context) (int, error) {
	now := w.cfg.Now()
	items, err := w.cfg.Store.ClaimOutbox(ctx, w.cfg.Name, now, claimLease, 20, Kind)
	if err != nil || len(items) == 0 {
		return 0, err
	}
	var errs []error
	for i := range items {
		if err := w.deliverOne(ctx, &items[i], now); err != nil {
			errs = append(errs, err)
		}
	}
	return len(items), errors.Join(errs...)
}

// deliverOne posts one claimed item and records the outcome.
func (w *Worker) deliverOne(ctx context.Context, item *store.OutboxItem, now time.Time) error {
	st := w.cfg.Store
	ok, err := w.cfg.Committed(ctx, item)
	if err != nil {
		return st.FailOutbox(ctx, item, err, now, store.Backoff(item.Attempts), MaxAttempts)
	}
	if !ok {
		w.log.Debug("delivery of a change that was not committed dropped", "outbox_item", item.ID)
		return st.CompleteOutbox(ctx, item)
	}
	ef, err := ticket.DecodeEffect(item.Payload)
	if err != nil {
		return st.FailOutbox(ctx, item, fmt.Errorf("unreadable: %w", err), now, 0, 0)
	}
	hook := w.cfg.Catalog().Webhook(ef.Target)
	if hook == nil {
		return st.FailOutbox(ctx, item, fmt.Errorf("webhook %q is no longer defined", ef.Target), now, 0, 0)
	}
	waits, err := st.OutboxWaitsBefore(ctx, ticket.WebhookQueue(ef.Target, ef.Ticket), item.ID)
	if err != nil {
		return st.ReleaseOutbox(ctx, item, now.Add(waitForEarlier), err.Error())
	}
	if waits {
		return st.ReleaseOutbox(ctx, item, now.Add(waitForEarlier), "waits for an earlier delivery of the same ticket")
	}
	o, err := ticket.DecodeOccurrence(ef.Spec)
	if err != nil {
		return st.FailOutbox(ctx, item, fmt.Errorf("unreadable: %w", err), now, 0, 0)
	}
	err = w.post(ctx, hook, payloadOf(item.ID, hook.ID.Value, o))
	var refused permanentError
	switch {
	case err == nil:
		return st.CompleteOutbox(ctx, item)
	case errors.As(err, &refused):
		w.log.Warn("webhook delivery refused for good", "webhook", hook.ID.Value, "outbox_item", item.ID, "error", err)
		return st.FailOutbox(ctx, item, err, now, 0, 0)
	default:
		w.log.Info("webhook delivery failed; it is retried", "webhook", hook.ID.Value, "outbox_item", item.ID,
			"attempt", item.Attempts, "error", err)
		return st.FailOutbox(ctx, item, err, now, store.Backoff(item.Attempts), MaxAttempts)
	}
}

// permanentError is a refusal that another attempt will not change.
type permanentError struct{ error }

// post sends p to the webhook's receiver. A 2xx answer takes it. A 4xx
// other than 408 (timeout) and 429 (too many requests) is a refusal for
// good: the receiver does not want this delivery. Everything else (no
// connection, 5xx, a redirect) is tried again later.
func (w *Worker) post(ctx context.Context, hook *definition.Webhook, p Payload) error {
	secret, err := hook.Secret.Read()
	if err != nil {
		return fmt.Errorf("secret: %w", err)
	}
	body, err := encode(p)
	if err != nil {
		return permanentError{fmt.Errorf("encode: %w", err)}
	}
	ctx, cancel := context.WithTimeout(ctx, hook.DeliveryTimeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL.Value, bytes.NewReader(body))
	if err != nil {
		return permanentError{err}
	}
	ts := w.cfg.Now()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "vorgang-webhook/1")
	req.Header.Set(HeaderEvent, p.Event)
	req.Header.Set(HeaderDelivery, p.Delivery)
	req.Header.Set(HeaderTimestamp, fmt.Sprint(ts.Unix()))
	req.Header.Set(HeaderSignature, Sign(secret, ts, body))
	resp, err := w.client(hook).Do(req)
	if err != nil {
		if errors.Is(err, ErrPrivateAddress) {
			return permanentError{err}
		}
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		return nil
	case code >= 400 && code < 500 && code != http.StatusRequestTimeout && code != http.StatusTooManyRequests:
		return permanentError{fmt.Errorf("the receiver answered %s", resp.Status)}
	default:
		return fmt.Errorf("the receiver answered %s", resp.Status)
	}
}

func (w *Worker) client(hook *definition.Webhook) *http.Client {
	key := clientKey{allowPrivate: hook.AllowPrivateNetwork, timeout: hook.DeliveryTimeout()}
	w.mu.Lock()
	defer w.mu.Unlock()
	c, ok := w.clients[key]
	if !ok {
		c = newClient(key.allowPrivate, key.timeout)
		w.clients[key] = c
	}
	return c
}
