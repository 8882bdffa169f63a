package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	"vorgang/core/definition"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// Outbox item kinds this package handles. KindNotify items are written by
// the engine (engine.EffectNotify); KindMail items by the Worker.
const (
	KindNotify = "notify"
	KindMail   = "mail"
)

// Store is what the Worker needs from the data layer; *store.Store has it.
type Store interface {
	Ticket(ctx context.Context, number string) (*ticket.Ticket, error)
	Enqueue(ctx context.Context, item *store.OutboxItem, now time.Time) error
	ClaimOutbox(ctx context.Context, worker string, now time.Time, lease time.Duration, limit int, kinds ...string) ([]store.OutboxItem, error)
	CompleteOutbox(ctx context.Context, item *store.OutboxItem) error
	FailOutbox(ctx context.Context, item *store.OutboxItem, cause error, now time.Time, retryIn time.Duration, maxAttempts int) error
	ListOutbox(ctx context.Context, q store.OutboxQuery) ([]store.OutboxItem, string, error)
}

// Config configures a Worker. Store, Catalog, Directory and Committed are
// required; so is From when Sender is set.
type Config struct {
	Store   Store
	Catalog func() *definition.Catalog
	// Directory resolves users, teams and roles to addresses.
	Directory Directory
	// Committed reports whether the change that queued an item was
	// committed (engine.EffectCommitted); items of lost changes are
	// dropped.
	Committed func(ctx context.Context, item *store.OutboxItem) (bool, error)
	// Sender delivers mails; nil keeps them queued in the outbox.
	Sender Sender
	// From is the sender address, e.g. "IT-Servicedesk <servicedesk@example.org>".
	From string
	// BaseURL is where vorgang is reached, for links in mails.
	BaseURL string
	// Threads signs the ticket of a mail into its Message-ID and, when a
	// Mailbox opens tickets of its process, its Reply-To address, so that
	// replies find their ticket. Nil: Message-IDs name no ticket.
	Threads *Threads
	// Lang is the language of recipients without one. Default "de".
	Lang string
	// Location formats times in mails about tickets whose SLA and team
	// name no calendar; otherwise the calendar's zone applies (see
	// zoneOf). Default Europe/Berlin.
	Location *time.Location
	// Name identifies the worker in outbox claims. Default "notify".
	Name string
	// MaxAttempts is how often a mail is tried before it is marked
	// failed. Default 12 (about 7 hours with the default backoff).
	MaxAttempts int
	// Backoff is the wait after attempt n. Default store.Backoff.
	Backoff func(attempt int) time.Duration
	// Every is the time between rounds of Run. Default 5 s.
	Every  time.Duration
	Logger *slog.Logger
	Now    func() time.Time
}

// Worker renders queued notifications into mails and delivers them. Several
// workers, in one process or many, may run on one database: each outbox
// item is claimed by one of them.
type Worker struct {
	Config
	dir  Directory
	lang string
	log  *slog.Logger
}

// NewWorker checks the configuration and returns a worker.
func NewWorker(cfg Config) (*Worker, error) {
	if cfg.Store == nil || cfg.Catalog == nil || cfg.Directory == nil || cfg.Committed == nil {
		return nil, errors.New("notify: Store, Catalog, Directory and Committed are required")
	}
	if cfg.Sender != nil {
		if _, err := mail.ParseAddress(cfg.From); err != nil {
			return nil, fmt.Errorf("notify: sender address %q: %w", cfg.From, err)
		}
	}
	if cfg.Lang == "" {
		cfg.Lang = "de"
	}
	if cfg.Location == nil {
		loc, err := time.LoadLocation("Europe/Berlin")
		if err != nil {
			return nil, fmt.Errorf("notify: %w", err)
		}
		cfg.Location = loc
	}
	if cfg.Name == "" {
		cfg.Name = "notify"
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 12
	}
	if cfg.Backoff == nil {
		cfg.Backoff = store.Backoff
	}
	if cfg.Every <= 0 {
		cfg.Every = 5 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	return &Worker{Config: cfg, dir: cfg.Directory, lang: cfg.Lang, log: cfg.Logger.With("component", "notify")}, nil
}

// Run works until ctx ends: a round every Every, and at once again while
// there was work.
func (w *Worker) Run(ctx context.Context) {
	for {
		n, err := w.Round(ctx)
		// The store logs a full disk once; a line per round would bury it.
		if err != nil && ctx.Err() == nil && !errors.Is(err, store.ErrDiskFull) {
			w.log.Warn("notification round failed; it is retried", "error", err)
		}
		wait := w.Every
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

// Round renders the queued notifications into mails and delivers the due
// mails, once. It returns how many items it handled.
func (w *Worker) Round(ctx context.Context) (int, error) {
	n, err := w.Expand(ctx)
	m, derr := w.Deliver(ctx)
	return n + m, errors.Join(err, derr)
}

// Expand turns claimed notify items into one mail item per recipient.
func (w *Worker) Expand(ctx context.Context) (int, error) {
	now := w.Now()
	items, err := w.Store.ClaimOutbox(ctx, w.Name, now, 5*time.Minute, 50, KindNotify)
	if err != nil {
		return 0, fmt.Errorf("notify: claim notifications: %w", err)
	}
	var errs []error
	for i := range items {
		if err := w.expand(ctx, &items[i], now); err != nil {
			errs = append(errs, err)
		}
	}
	return len(items), errors.Join(errs...)
}

// permanent marks an error retrying cannot fix.
type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

func (w *Worker) expand(ctx context.Context, item *store.OutboxItem, now time.Time) error {
	mails, err := w.mailsFor(ctx, item)
	if err == nil {
		for _, m := range mails {
			out := &store.OutboxItem{ID: m.ID, Kind: KindMail, Payload: mailPayload(m)}
			if qerr := w.Store.Enqueue(ctx, out, now); qerr != nil && !errors.Is(qerr, store.ErrDuplicate) {
				err = fmt.Errorf("notify: queue mail %s: %w", m.ID, qerr)
				break
			}
		}
	}
	if err != nil {
		attempts := w.MaxAttempts
		if errors.As(err, new(permanent)) {
			attempts = item.Attempts
		}
		if ferr := w.Store.FailOutbox(ctx, item, err, now, w.Backoff(item.Attempts), attempts); ferr != nil {
			return errors.Join(err, ferr)
		}
		return err
	}
	return w.Store.CompleteOutbox(ctx, item)
}

// mailsFor renders the mails of one notify item; none when its change was
// not committed.
func (w *Worker) mailsFor(ctx context.Context, item *store.OutboxItem) ([]*Mail, error) {
	ok, err := w.Committed(ctx, item)
	if err != nil {
		return nil, fmt.Errorf("notify: %s: %w", item.ID, err)
	}
	if !ok {
		w.log.Debug("notification of a change that was not committed dropped", "outbox_item", item.ID)
		return nil, nil
	}
	ef, err := ticket.DecodeEffect(item.Payload)
	if err != nil {
		return nil, permanent{fmt.Errorf("notify: %s: %w", item.ID, err)}
	}
	number, id := ef.Ticket, ef.Target
	t, err := w.Store.Ticket(ctx, number)
	if err != nil {
		return nil, fmt.Errorf("notify: %s: ticket %s: %w", item.ID, number, err)
	}
	cat := w.Catalog()
	n := cat.Notification(id)
	if n == nil {
		return nil, permanent{fmt.Errorf("notify: %s: notification %q is not defined", item.ID, id)}
	}
	notice, err := ticket.DecodeNotice(ef.Spec)
	if err != nil {
		// What could be read still makes a mail; the rest is logged.
		w.log.Warn("notification details partly unreadable", "outbox_item", item.ID, "error", err)
	}
	people, err := w.recipients(ctx, cat, n, t, notice)
	if err != nil {
		return nil, fmt.Errorf("notify: %s: %w", item.ID, err)
	}
	if len(people) == 0 {
		w.log.Info("notification has no recipient with an address", "notification", id, "ticket", number)
		return nil, nil
	}
	base, err := w.data(ctx, cat, t, notice)
	if err != nil {
		return nil, fmt.Errorf("notify: %s: %w", item.ID, err)
	}
	loc := w.zoneOf(cat, t)
	var out []*Mail
	for _, p := range people {
		d := base
		d.Recipient = p
		if t.Tracking != "" && p.User == "" && p.Email == base.Requester.Email {
			// A citizen follows the request through its secret tracking
			// link; nobody else's mail carries it.
			d.Ticket.URL = w.BaseURL + "/portal/track/" + t.Tracking
		}
		lang := p.Lang
		if lang == "" {
			lang = w.lang
		}
		w.localize(&d, cat, t, lang, notice)
		msg, err := RenderIn(n, lang, loc, d)
		if err != nil {
			return nil, permanent{err}
		}
		out = append(out, &Mail{
			ID: KindMail + "/" + item.ID + "/" + strings.ToLower(p.Email), To: p.Email, ToName: p.Name, Lang: lang,
			Subject: msg.Subject, Text: msg.Text, HTML: msg.HTML, Ticket: t.Number, Notification: id,
		})
	}
	return out, nil
}

// data is the template data common to every recipient.
func (w *Worker) data(ctx context.Context, cat *definition.Catalog, t *ticket.Ticket, notice ticket.Notice) (Data, error) {
	d := Data{
		Ticket: TicketData{Number: t.Number, Title: t.Title, Process: t.Process, State: t.State, Priority: t.Priority, Team: t.Team,
			URL: w.BaseURL + "/app/tickets/" + t.Number, Data: fieldsOf(cat, t)},
	}
	d.Event, d.Comment = notice.Event, notice.Comment
	if actor := notice.Actor; actor != "" {
		d.Actor = actor
		if p, ok, err := w.dir.User(ctx, actor); err == nil && ok && p.Name != "" {
			d.Actor = p.Name
		}
	}
	req, err := w.requester(ctx, cat, t)
	if err != nil {
		return d, err
	}
	d.Requester = req
	if t.Assignee != "" {
		p, ok, err := w.dir.User(ctx, t.Assignee)
		if err != nil {
			return d, fmt.Errorf("assignee %s: %w", t.Assignee, err)
		}
		if ok {
			d.Assignee = p
		} else {
			d.Assignee = Person{Name: t.Assignee}
		}
	}
	return d, nil
}

// localize sets what depends on the recipient's language: state and team
// names, the SLA deadline's format.
func (w *Worker) localize(d *Data, cat *definition.Catalog, t *ticket.Ticket, lang string, notice ticket.Notice) {
	if p := cat.Process(t.Process); p != nil {
		if s := p.State(t.State); s != nil && !s.Title.IsZero() {
			d.Ticket.State = s.Title.In(lang)
		}
	}
	if team := cat.Team(t.Team); team != nil && !team.Title.IsZero() {
		d.Ticket.Team = team.Title.In(lang)
	}
	if len(notice.SLA) == 0 {
		return
	}
	ev := notice.SLA[0]
	d.SLA.Goal, d.SLA.Kind = ev.Goal, ev.Kind
	if due := ev.Due; due != "" {
		if at, err := time.Parse(time.RFC3339, due); err == nil {
			layout := "02.01.2006, 15:04 Uhr"
			if lang == "en" {
				layout = "2 January 2006, 15:04 MST"
			}
			d.SLA.Due = at.In(w.zoneOf(cat, t)).Format(layout)
		}
	}
}

// zoneOf is the time zone mails about t show times in: that of the
// calendar of the process's SLA, else of the team's calendar, else
// Location.
func (w *Worker) zoneOf(cat *definition.Catalog, t *ticket.Ticket) *time.Location {
	if zone := cat.TicketZone(t.Process, t.Team); zone != "" {
		if loc, err := time.LoadLocation(zone); err == nil {
			return loc
		}
	}
	return w.Location
}

// fieldsOf is the ticket's data with every field of its forms present, so
// a template naming a field nobody filled in prints nothing.
func fieldsOf(cat *definition.Catalog, t *ticket.Ticket) map[string]any {
	out := map[string]any{}
	if p := cat.Process(t.Process); p != nil {
		forms := []string{p.Form.Value}
		for _, tr := range p.Transitions {
			forms = append(forms, tr.Form.Value)
		}
		for _, id := range forms {
			if f := cat.Form(id); f != nil {
				for _, fd := range f.AllFields() {
					out[fd.ID.Value] = ""
				}
			}
		}
	}
	for k, v := range t.Data {
		out[k] = v
	}
	return out
}

func mailPayload(m *Mail) map[string]any {
	return map[string]any{
		"id": m.ID, "to": m.To, "to_name": m.ToName, "lang": m.Lang, "subject": m.Subject,
		"text": m.Text, "html": m.HTML, "ticket": m.Ticket, "notification": m.Notification,
	}
}

// mailOf reads the mail an outbox item holds; the store hands the payload
// over as plain values, so every field is a string or absent.
func mailOf(item *store.OutboxItem) (*Mail, error) {
	var m Mail
	fields := []struct {
		key string
		to  *string
	}{
		{"id", &m.ID}, {"from", &m.From}, {"to", &m.To}, {"to_name", &m.ToName}, {"lang", &m.Lang},
		{"subject", &m.Subject}, {"text", &m.Text}, {"html", &m.HTML}, {"ticket", &m.Ticket},
		{"notification", &m.Notification},
	}
	for _, f := range fields {
		switch v := item.Payload[f.key].(type) {
		case nil:
		case string:
			*f.to = v
		default:
			return nil, fmt.Errorf("notify: mail %s: %s is %T, not text", item.ID, f.key, v)
		}
	}
	if m.ID == "" {
		m.ID = item.ID
	}
	return &m, nil
}
