package scenario

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"vorgang/core/app"
	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/notify"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// clock is the scenario's time: it moves only when a step says so.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// world is everything one scenario runs on: a fresh embedded store in a
// temporary folder and the services the server would build on it.
type world struct {
	dir    string
	app    *app.App
	store  *store.Store
	users  *auth.Service
	assets *asset.Service
	eng    *engine.Engine
	// cat is the definitions in service; a step may switch them.
	cat   atomic.Pointer[definition.Catalog]
	clock *clock
	// seen are the notification outbox items already reported.
	seen map[string]bool
	// mailer renders notifications into mails as the server does; with no
	// mail server, they stay in the outbox for the checks.
	mailer    *notify.Worker
	seenMails map[string]bool
	// threads signs the Message-IDs of vorgang's mails, which a mail_in
	// step's reply answers; the app's mails carry the same.
	threads *notify.Threads
}

// threadSecret keys the Message-IDs and reply addresses of a scenario's
// mails.
var threadSecret = []byte("vorgang scenario")

// scriptTimeout is the time limit of a hook in a scenario, as long as a
// script test's.
const scriptTimeout = 10 * time.Second

// system creates the scenario's users and assets.
var system = &auth.Principal{User: "vorgang", Admin: true}

func newWorld(ctx context.Context, cat *definition.Catalog, start time.Time, log *slog.Logger) (*world, error) {
	dir, err := os.MkdirTemp("", "vorgang-scenario-")
	if err != nil {
		return nil, fmt.Errorf("scenario data folder: %w", err)
	}
	w := &world{dir: dir, clock: &clock{now: start}, seen: map[string]bool{}, seenMails: map[string]bool{}, threads: notify.NewThreads(threadSecret)}
	w.cat.Store(cat)
	// Users get no passwords: scenarios act as them without logging in, so
	// no password hash is computed. Nothing runs in the background: the
	// steps drive the engine and the mailer themselves.
	// Scenarios check what scripts do, not how fast they are: a query that
	// a loaded test machine answers late must not fail a scenario, and a
	// runaway script still stops, as in script tests.
	w.app, err = app.New(ctx, app.Config{DataDir: dir, Logger: log, Now: w.clock.Now, Holder: "scenario", ScriptTimeout: scriptTimeout,
		Catalog: w.catalog,
		Mail:    app.Mail{From: "vorgang <vorgang@example.org>", BaseURL: MailBaseURL, ThreadSecret: threadSecret}})
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("scenario application: %w", err)
	}
	w.store, w.users, w.assets, w.eng, w.mailer = w.app.Store, w.app.Auth, w.app.Assets, w.app.Engine, w.app.Mailer
	return w, nil
}

func (w *world) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = w.app.Close(ctx)
	_ = os.RemoveAll(w.dir)
}

// populate creates the suite's users (managers before the people they
// manage) and assets.
func (w *world) populate(ctx context.Context, s *Suite) error {
	made := map[string]bool{}
	pending := append([]User(nil), s.Users...)
	for len(pending) > 0 {
		var rest []User
		for _, u := range pending {
			if u.Manager != "" && !made[u.Manager] {
				rest = append(rest, u)
				continue
			}
			_, err := w.users.CreateUser(ctx, auth.NewUser{Name: u.Name, DisplayName: u.Display, Email: u.Email,
				Roles: u.Roles, Teams: u.Teams, Manager: u.Manager})
			if err != nil {
				return fmt.Errorf("user %s: %w", u.Name, err)
			}
			made[u.Name] = true
		}
		if len(rest) == len(pending) {
			return fmt.Errorf("user %s: manager %s is not among the users", rest[0].Name, rest[0].Manager)
		}
		pending = rest
	}
	for _, a := range s.Assets {
		in := asset.Input{Class: a.Class, Number: a.Number, Data: normalizeMap(a.Fields), Relations: a.Relations}
		if a.Name != "" {
			in.Name = &a.Name
		}
		if a.Status != "" {
			in.Status = &a.Status
		}
		if _, err := w.assets.Create(ctx, system, in); err != nil {
			return fmt.Errorf("asset %s: %w", a.Number, describe(err))
		}
	}
	return nil
}

func normalizeMap(m map[string]any) map[string]any {
	out, _ := normalize(m).(map[string]any)
	return out
}

// principal is the user a step acts as; "citizen" is nobody logged in.
func (w *world) principal(ctx context.Context, name string) (*auth.Principal, error) {
	if name == "citizen" {
		return nil, nil
	}
	p, err := w.users.Principal(ctx, name)
	if errors.Is(err, auth.ErrUserNotFound) {
		return nil, fmt.Errorf("'%s' is not among the file's users", name)
	}
	return p, err
}

// notification is one queued mail.
type notification struct {
	ID, Ticket, Notification string
}

// newNotifications returns the notifications queued since the last call.
func (w *world) newNotifications(ctx context.Context) ([]notification, error) {
	var items []store.OutboxItem
	// In the order items move through, so one that moves meanwhile is
	// still read in its later state.
	for _, state := range []string{store.OutboxPending, store.OutboxClaimed, store.OutboxDone, store.OutboxFailed} {
		q := store.OutboxQuery{State: state, Kind: engine.EffectNotify, Limit: store.MaxPage}
		for {
			page, next, err := w.store.ListOutbox(ctx, q)
			if err != nil {
				return nil, fmt.Errorf("read queued notifications: %w", err)
			}
			items = append(items, page...)
			if next == "" {
				break
			}
			q.After = next
		}
	}
	var out []notification
	for _, it := range items {
		if w.seen[it.ID] {
			continue
		}
		w.seen[it.ID] = true
		effect, err := ticket.DecodeEffect(it.Payload)
		if err != nil {
			return nil, fmt.Errorf("read queued notification %s: %w", it.ID, err)
		}
		out = append(out, notification{ID: it.ID, Ticket: effect.Ticket, Notification: effect.Target})
	}
	return out, nil
}

// MailBaseURL is the address of vorgang in the scenarios' mails.
const MailBaseURL = "https://vorgang.example.org"

// newMails renders the notifications queued so far into mails and returns
// the mails not reported before.
func (w *world) newMails(ctx context.Context) ([]notify.Mail, error) {
	for range 20 {
		n, err := w.mailer.Expand(ctx)
		if err != nil {
			return nil, fmt.Errorf("render mails: %w", err)
		}
		if n == 0 {
			break
		}
	}
	var out []notify.Mail
	after := ""
	for {
		page, next, err := notify.Queued(ctx, w.store, after, store.MaxPage)
		if err != nil {
			return nil, err
		}
		for _, m := range page {
			if !w.seenMails[m.ID] {
				w.seenMails[m.ID] = true
				out = append(out, m.Mail)
			}
		}
		if next == "" {
			return out, nil
		}
		after = next
	}
}

// describe makes a validation error (of a ticket or an asset) name its
// fields.
func describe(err error) error {
	if fields := fault.FieldsOf(err); fields != nil {
		return fmt.Errorf("invalid input: %s", fieldList(fields))
	}
	return err
}

func fieldList(fields []fault.FieldError) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		// The engine names its own problems by a text id, not in words.
		says := f.Message
		if says == "" {
			says = f.Text
		}
		parts[i] = fmt.Sprintf("%s: %s (%s)", f.Field, says, f.Code)
	}
	return strings.Join(parts, "; ")
}

// discard is the logger when none is given.
var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// catalog is the definitions in service.
func (w *world) catalog() *definition.Catalog { return w.cat.Load() }
