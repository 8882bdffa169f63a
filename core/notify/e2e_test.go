package notify_test

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"vorgang/core/app"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/notify"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

var berlin, _ = time.LoadLocation("Europe/Berlin")

// desk is the shipped IT desk on a fresh embedded store, with users.
type desk struct {
	st    *store.Store
	cat   *definition.Catalog
	eng   *engine.Engine
	authn *auth.Service
	clk   *testkit.Clock
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	return newDeskWith(t, nil)
}

// newDeskWith is newDesk with more definitions.
func newDeskWith(t *testing.T, extra []definition.File) *desk {
	t.Helper()
	cat := testkit.Desks(t)
	if len(extra) > 0 {
		cat = testkit.Compile(t, append(slices.Clone(extra), testkit.DeskFiles(t)...))
	}
	// Monday 30 November 2026, 09:00 in Dresden.
	clk := testkit.NewClock(time.Date(2026, 11, 30, 9, 0, 0, 0, berlin))
	a := testkit.NewApp(t, app.Config{Catalog: testkit.Fixed(cat), Now: clk.Now, Logger: slog.Default()})
	st, authn, eng := a.Store, a.Auth, a.Engine
	ctx := context.Background()
	for _, u := range []auth.NewUser{
		{Name: "anna", DisplayName: "Anna Schmidt", Email: "anna@example.org"},
		{Name: "ben", DisplayName: "Ben Weber", Email: "ben@example.org", Teams: []string{"it-1st-level"}},
		{Name: "lea", DisplayName: "Lea Lange", Email: "lea@example.org", Roles: []string{"it-lead"}},
	} {
		if _, err := authn.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	return &desk{st: st, cat: cat, eng: eng, authn: authn, clk: clk}
}

func (d *desk) principal(t *testing.T, name string) *auth.Principal {
	t.Helper()
	p, err := d.authn.Principal(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// worker delivers through sender (nil: none configured); a failed attempt
// is retried a minute later by the desk's clock.
func (d *desk) worker(t *testing.T, sender notify.Sender) *notify.Worker {
	t.Helper()
	return d.workerWith(t, sender, "IT-Servicedesk <servicedesk@example.org>")
}

// workerWith is worker with the sender address from.
func (d *desk) workerWith(t *testing.T, sender notify.Sender, from string) *notify.Worker {
	t.Helper()
	w, err := notify.NewWorker(notify.Config{
		Store: d.st, Catalog: func() *definition.Catalog { return d.cat },
		Directory: notify.AuthDirectory{Auth: d.authn},
		Committed: func(ctx context.Context, item *store.OutboxItem) (bool, error) {
			return engine.EffectCommitted(ctx, d.st, item)
		},
		Sender: sender, From: from, BaseURL: "https://vorgang.example.org/",
		Backoff: func(int) time.Duration { return time.Minute }, MaxAttempts: 5, Now: d.clk.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// drain runs rounds until one finds nothing to do and returns the errors
// on the way.
func drain(t *testing.T, w *notify.Worker) error {
	t.Helper()
	var errs []error
	for i := 0; i < 20; i++ {
		n, err := w.Round(context.Background())
		errs = append(errs, err)
		if n == 0 {
			return errors.Join(errs...)
		}
	}
	t.Fatal("the worker keeps finding work")
	return nil
}

func (d *desk) create(t *testing.T, who string) *ticket.Ticket {
	t.Helper()
	tk, err := d.eng.Create(context.Background(), d.principal(t, who), engine.CreateRequest{Process: "it-incident",
		Data: map[string]any{"summary": "Drucker im Raum 204 druckt nicht", "category": "printer",
			"impact": "many", "urgency": "high", "location": "rathaus"}})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func mailsTo(mails []received, addr string) []received {
	var out []received
	for _, m := range mails {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

// A created ticket mails the requester, a breach mails the team, and an
// SMTP outage delays mails without losing or doubling one.
func TestMailsSurviveAnSMTPOutage(t *testing.T) {
	d := newDesk(t)
	srv := newMailServer(t)
	w := d.worker(t, notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.addr, Security: notify.TLSNone}))
	ctx := t.Context()

	tk := d.create(t, "anna")
	if err := drain(t, w); err != nil {
		t.Fatal(err)
	}
	ack := mailsTo(srv.received(), "anna@example.org")
	if len(ack) != 1 || !strings.Contains(ack[0].Subject, tk.Number) || ack[0].From != "servicedesk@example.org" {
		t.Fatalf("acknowledgement: %+v", ack)
	}
	text, html := ack[0].parts(t)
	link := "https://vorgang.example.org/app/tickets/" + tk.Number
	if !strings.Contains(text, "Guten Tag Anna Schmidt") || !strings.Contains(text, link) ||
		!strings.Contains(html, `<a href="`+link+`">`) {
		t.Fatalf("acknowledgement text:\n%s\nHTML:\n%s", text, html)
	}

	// Ben takes it within the first-response target; the resolution target
	// (critical: 4 working hours) passes at 13:00.
	d.clk.Advance(10 * time.Minute)
	if _, err := d.eng.Transition(ctx, d.principal(t, "ben"), tk.Number, engine.TransitionRequest{Transition: "start"}); err != nil {
		t.Fatal(err)
	}
	d.clk.Advance(4 * time.Hour)
	res, err := d.eng.SweepSLA(ctx)
	if err != nil || res.Breaches != 1 {
		t.Fatalf("sweep: %+v, %v", res, err)
	}
	if err := drain(t, w); err != nil {
		t.Fatal(err)
	}
	team := mailsTo(srv.received(), "it-2nd-level@example.org")
	if len(team) != 1 || !strings.Contains(team[0].Subject, tk.Number) {
		t.Fatalf("breach mail to the team: %+v", team)
	}
	if text, _ := team[0].parts(t); !strings.Contains(text, "30.11.2026, 13:00 Uhr") {
		t.Fatalf("breach mail does not name the deadline:\n%s", text)
	}

	// The mail server goes away; three tickets are reported meanwhile.
	srv.stop()
	before := len(srv.received())
	var during []string
	for i := 0; i < 3; i++ {
		during = append(during, d.create(t, "anna").Number)
	}
	if err := drain(t, w); err == nil {
		t.Fatal("delivery without a server reported no error")
	}
	queued, _, err := notify.Queued(ctx, d.st, "", 50)
	if err != nil || len(queued) != 3 || queued[0].LastError == "" || queued[0].Attempts != 1 {
		t.Fatalf("queued during the outage: %+v, %v", queued, err)
	}
	d.clk.Advance(2 * time.Minute)
	if err := drain(t, w); err == nil {
		t.Fatal("second attempt without a server reported no error")
	}

	srv.restart()
	d.clk.Advance(2 * time.Minute)
	if err := drain(t, w); err != nil {
		t.Fatal(err)
	}
	all := srv.received()
	if len(all) != before+3 {
		t.Fatalf("%d mails after the outage, want %d", len(all), before+3)
	}
	ids := map[string]int{}
	for _, m := range all {
		ids[m.MessageID]++
	}
	for id, n := range ids {
		if n != 1 {
			t.Fatalf("message %s arrived %d times", id, n)
		}
	}
	for _, number := range during {
		found := false
		for _, m := range all[before:] {
			found = found || strings.Contains(m.Subject, number)
		}
		if !found {
			t.Fatalf("the acknowledgement of %s was lost", number)
		}
	}
	if q, _, _ := notify.Queued(ctx, d.st, "", 50); len(q) != 0 {
		t.Fatalf("mails still queued: %+v", q)
	}
	if f, _, _ := notify.Failed(ctx, d.st, "", 50); len(f) != 0 {
		t.Fatalf("mails failed: %+v", f)
	}
}

// A recipient the server refuses for good is marked failed at once and
// listed for administrators; other mails are not held up.
func TestRefusedMailIsListedAsFailed(t *testing.T) {
	d := newDesk(t)
	srv := newMailServer(t)
	srv.refuse["anna@example.org"] = true
	w := d.worker(t, notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.addr, Security: notify.TLSNone}))
	tk := d.create(t, "anna")
	if err := drain(t, w); err != nil {
		t.Fatal(err)
	}
	failed, next, err := notify.Failed(t.Context(), d.st, "", 10)
	if err != nil || len(failed) != 1 || next != "" {
		t.Fatalf("failed mails: %+v, %q, %v", failed, next, err)
	}
	f := failed[0]
	if f.To != "anna@example.org" || f.Ticket != tk.Number || f.Attempts != 1 || !strings.Contains(f.LastError, "550") {
		t.Fatalf("failed mail: %+v", f)
	}
}

// Without an SMTP server mails wait in the outbox, listed, and go out once
// one is configured.
func TestMailsWaitWithoutSMTP(t *testing.T) {
	d := newDesk(t)
	d.create(t, "anna")
	d.create(t, "anna")
	if err := drain(t, d.worker(t, nil)); err != nil {
		t.Fatal(err)
	}
	first, next, err := notify.Queued(t.Context(), d.st, "", 1)
	if err != nil || len(first) != 1 || next == "" {
		t.Fatalf("first page: %+v, %q, %v", first, next, err)
	}
	second, last, err := notify.Queued(t.Context(), d.st, next, 1)
	if err != nil || len(second) != 1 || last != "" || second[0].ID == first[0].ID {
		t.Fatalf("second page: %+v, %q, %v", second, last, err)
	}
	srv := newMailServer(t)
	if err := drain(t, d.worker(t, notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.addr, Security: notify.TLSNone}))); err != nil {
		t.Fatal(err)
	}
	if got := len(srv.received()); got != 2 {
		t.Fatalf("%d mails delivered, want 2", got)
	}
}

// STARTTLS with a login; a server without STARTTLS is refused rather than
// sent to in the clear.
func TestSTARTTLSAndLogin(t *testing.T) {
	d := newDesk(t)
	srv := newMailServer(t)
	serverTLS, pool := selfSigned(t)
	srv.stop()
	srv.tls, srv.user, srv.pass = serverTLS, "vorgang", "geheim"
	srv.restart()
	cfg := notify.SMTPConfig{Addr: srv.addr, Security: notify.TLSStartTLS, Username: "vorgang", Password: "geheim",
		TLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}}
	d.create(t, "anna")
	if err := drain(t, d.worker(t, notify.NewSMTPSender(cfg))); err != nil {
		t.Fatal(err)
	}
	if got := len(srv.received()); got != 1 {
		t.Fatalf("%d mails over STARTTLS, want 1", got)
	}

	plain := newMailServer(t)
	cfg.Addr = plain.addr
	d.create(t, "anna")
	if err := drain(t, d.worker(t, notify.NewSMTPSender(cfg))); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("a server without STARTTLS: %v", err)
	}
	if got := len(plain.received()); got != 0 {
		t.Fatalf("%d mails sent without TLS", got)
	}
}

// Notifications follow the events: a public reply mails the requester, an
// internal note does not; the resolve action mails the solution.
func TestEventNotifications(t *testing.T) {
	d := newDesk(t)
	srv := newMailServer(t)
	w := d.worker(t, notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.addr, Security: notify.TLSNone}))
	ctx := t.Context()
	tk := d.create(t, "anna")
	ben := d.principal(t, "ben")
	if _, err := d.eng.Transition(ctx, ben, tk.Number, engine.TransitionRequest{Transition: "start"}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.eng.Comment(ctx, ben, tk.Number, 0, "Intern: Treiber veraltet", true, "de"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.eng.Comment(ctx, ben, tk.Number, 0, "Wir installieren den Treiber neu.", false, "de"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.eng.Transition(ctx, ben, tk.Number, engine.TransitionRequest{Transition: "resolve",
		Data: map[string]any{"solution": "Treiber <v4> installiert", "cause": "software"}}); err != nil {
		t.Fatal(err)
	}
	if err := drain(t, w); err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, m := range mailsTo(srv.received(), "anna@example.org") {
		subjects = append(subjects, m.Subject)
		text, html := m.parts(t)
		if strings.Contains(text, "Intern") {
			t.Fatalf("an internal note reached the requester:\n%s", text)
		}
		if strings.Contains(m.Subject, "gelöst") && (!strings.Contains(text, "Treiber <v4> installiert") || !strings.Contains(html, "Treiber &lt;v4&gt; installiert")) {
			t.Fatalf("resolution mail:\n%s\n%s", text, html)
		}
	}
	if len(subjects) != 3 {
		t.Fatalf("requester got %d mails (%q), want acknowledgement, reply, resolution", len(subjects), subjects)
	}
}
