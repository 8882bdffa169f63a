package mailin_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"vorgang/core/app"
	"vorgang/core/definition"
	"vorgang/core/internal/dovecottest"
	"vorgang/core/internal/testkit"
	"vorgang/core/mailin"
	"vorgang/core/notify"
	"vorgang/core/ticket"
)

// secret is the server secret of every test app: the tests sign Message-IDs
// and reply addresses with it as the notification worker does.
var secret = []byte("mail-in test secret")

// env is a dovecot with the desk's mailbox and an app reading it.
type env struct {
	t       testing.TB
	imap    *dovecottest.Server
	app     *app.App
	threads *notify.Threads
	clock   *testkit.Clock
}

type options struct {
	noMove bool
	noIdle bool
	// pollEvery is the mailbox's poll_every; default 1s.
	pollEvery string
	maxSize   string
	// smtp sends notifications to a real SMTP server of the test.
	smtp *smtpServer
	// dataDir is where the app's store lives; default a folder of the
	// test.
	dataDir string
	// lmtpAddr is where the app's LMTP listener opens when it runs.
	lmtpAddr string
}

func newEnv(t testing.TB, o options) *env {
	t.Helper()
	imap := dovecottest.Start(t, dovecottest.Options{NoMove: o.noMove, NoIdle: o.noIdle})
	pw := filepath.Join(t.TempDir(), "imap-password")
	if err := os.WriteFile(pw, []byte(dovecottest.Password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a, clock := newApp(t, "imap-mailbox.yaml", o, "{{PORT}}", strconv.Itoa(imap.Port), "{{PASSWORD_FILE}}", pw)
	return &env{t: t, imap: imap, app: a, threads: notify.NewThreads(secret), clock: clock}
}

// newApp is an app over the test desk with one of its mailboxes, the
// mailbox's placeholders replaced.
func newApp(t testing.TB, mailbox string, o options, replace ...string) (*app.App, *testkit.Clock) {
	t.Helper()
	if o.maxSize == "" {
		o.maxSize = "5MB"
	}
	if o.pollEvery == "" {
		o.pollEvery = "1s"
	}
	mb := strings.NewReplacer(append(replace, "{{MAX_SIZE}}", o.maxSize, "{{POLL_EVERY}}", o.pollEvery)...).Replace(string(read(t, mailbox)))
	files := append(testkit.DeskFiles(t), definition.File{Path: "mailin/desk.yaml", Data: read(t, "desk.yaml")},
		definition.File{Path: "mailin/" + mailbox, Data: []byte(mb)})
	cat := testkit.Compile(t, files)
	mailCfg := app.Mail{ThreadSecret: secret}
	if o.smtp != nil {
		mailCfg.Sender = notify.NewSMTPSender(notify.SMTPConfig{Addr: o.smtp.addr, Security: notify.TLSNone})
		mailCfg.From = "Service-Desk <noreply@example.org>"
	}
	clock := testkit.NewClock(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	a := testkit.NewApp(t, app.Config{Catalog: testkit.Fixed(cat), Holder: "test-" + t.Name(), Mail: mailCfg, Now: clock.Now, DataDir: o.dataDir,
		LMTPAddr: o.lmtpAddr})
	return a, clock
}

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// deliver puts a test message into the INBOX, its placeholders replaced.
func (e *env) deliver(name string, replace ...string) {
	e.t.Helper()
	msg := string(read(e.t, name))
	if len(replace) > 0 {
		msg = strings.NewReplacer(replace...).Replace(msg)
	}
	e.imap.Append(e.t, "INBOX", []byte(msg))
}

// poll reads the mailbox once and fails the test on an error.
func (e *env) poll() *mailin.Round {
	e.t.Helper()
	r, err := e.app.MailIn.Poll(context.Background(), "desk")
	if err != nil {
		e.t.Fatalf("poll: %v\n%s", err, e.imap.Log())
	}
	if !r.Held {
		e.t.Fatal("poll: the lease was not held")
	}
	return r
}

func (e *env) records(outcome string) []mailin.Record {
	e.t.Helper()
	rs, err := mailin.Records(context.Background(), e.app.Store, "desk", outcome)
	if err != nil {
		e.t.Fatal(err)
	}
	return rs
}

// tickets are the tickets mail opened, in the order of their records.
func (e *env) tickets() []*ticket.Ticket {
	e.t.Helper()
	var out []*ticket.Ticket
	for _, r := range e.records(mailin.OutcomeTicket) {
		out = append(out, e.ticket(r.Ticket))
	}
	return out
}

func (e *env) ticket(number string) *ticket.Ticket {
	e.t.Helper()
	t, err := e.app.Store.Ticket(context.Background(), number)
	if err != nil {
		e.t.Fatalf("ticket %s: %v", number, err)
	}
	return t
}

// comments are the comments and citizen replies of a ticket.
func (e *env) comments(number string) []commentSeen {
	e.t.Helper()
	t := e.ticket(number)
	hist, err := e.app.Store.History(context.Background(), t)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []commentSeen
	for _, h := range hist {
		content, err := h.Decode()
		if err != nil {
			e.t.Fatal(err)
		}
		if c, ok := content.(ticket.Commented); ok {
			out = append(out, commentSeen{Actor: h.Actor, Type: h.Type, Commented: c})
		}
	}
	return out
}

type commentSeen struct {
	Actor, Type string
	ticket.Commented
}

// only returns the one ticket mail opened.
func (e *env) only() *ticket.Ticket {
	e.t.Helper()
	ts := e.tickets()
	if len(ts) != 1 {
		e.t.Fatalf("mail opened %d tickets, want 1", len(ts))
	}
	return ts[0]
}

// folders asserts how many messages each folder holds.
func (e *env) folders(inbox, processed, quarantine int) {
	e.t.Helper()
	for _, f := range []struct {
		name string
		want int
	}{{"INBOX", inbox}, {"Processed", processed}, {"Quarantine", quarantine}} {
		if got := e.imap.Count(e.t, f.name); got != f.want {
			e.t.Errorf("folder %s holds %d messages, want %d", f.name, got, f.want)
		}
	}
}
