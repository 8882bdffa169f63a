package mailin_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"vorgang/core/app"
	"vorgang/core/internal/testkit"
	"vorgang/core/mailin"
	"vorgang/core/notify"
	"vorgang/core/store/storetest"
	"vorgang/core/ticket"
)

// lmtpEnv is an app whose mailbox is delivered over LMTP, its listener
// serving on a loopback port of the test.
type lmtpEnv struct {
	*env
	addr string
}

func newLMTPEnv(t testing.TB, o options) *lmtpEnv {
	t.Helper()
	a, clock := newApp(t, "lmtp-mailbox.yaml", o)
	e := &lmtpEnv{env: &env{t: t, app: a, threads: notify.NewThreads(secret), clock: clock}}
	e.addr = serveLMTP(t, a.LMTP)
	return e
}

// serveLMTP serves l on a free loopback port until the test ends.
func serveLMTP(t testing.TB, l *mailin.Listener) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// lmtpResult is what the listener answered for one recipient: 250, or
// the code of its refusal.
type lmtpResult map[string]int

// send delivers msg as a mail server does over LMTP: LHLO, MAIL FROM,
// RCPT TO for each recipient, DATA; it returns the code each recipient
// got, at RCPT or after the data.
func send(t testing.TB, addr, from string, rcpts []string, msg []byte, opts *smtp.MailOptions) lmtpResult {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c := smtp.NewClientLMTP(conn)
	defer c.Close()
	if err := c.Hello("mx.example.org"); err != nil {
		t.Fatalf("LHLO: %v", err)
	}
	out := lmtpResult{}
	if err := c.Mail(from, opts); err != nil {
		for _, r := range rcpts {
			out[r] = code(t, err)
		}
		return out
	}
	var taken []string
	for _, r := range rcpts {
		if err := c.Rcpt(r, nil); err != nil {
			out[r] = code(t, err)
			continue
		}
		taken = append(taken, r)
	}
	if len(taken) == 0 {
		_ = c.Reset()
		return out
	}
	w, err := c.Data()
	if err != nil {
		t.Fatalf("DATA: %v", err)
	}
	msg = bytes.ReplaceAll(bytes.ReplaceAll(msg, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
	if _, err := w.Write(msg); err != nil {
		t.Fatalf("write the message: %v", err)
	}
	_, err = w.CloseWithLMTPResponse()
	var failed smtp.LMTPDataError
	if err != nil && !errors.As(err, &failed) {
		t.Fatalf("end of data: %v", err)
	}
	for _, r := range taken {
		out[r] = 250
		if e := failed[r]; e != nil {
			out[r] = e.Code
		}
	}
	if err := c.Quit(); err != nil {
		t.Fatalf("QUIT: %v", err)
	}
	return out
}

func code(t testing.TB, err error) int {
	t.Helper()
	var se *smtp.SMTPError
	if !errors.As(err, &se) {
		t.Fatalf("want an SMTP answer, got %v", err)
	}
	return se.Code
}

// deliver sends a test message to the desk's address.
func (e *lmtpEnv) deliver(name string, replace ...string) int {
	e.t.Helper()
	return e.deliverTo([]string{"desk@example.org"}, name, replace...)["desk@example.org"]
}

func (e *lmtpEnv) deliverTo(rcpts []string, name string, replace ...string) lmtpResult {
	e.t.Helper()
	msg := string(read(e.t, name))
	if len(replace) > 0 {
		msg = strings.NewReplacer(replace...).Replace(msg)
	}
	return send(e.t, e.addr, "bounces@mx.example.net", rcpts, []byte(msg), nil)
}

func TestLMTPNewMailAndReply(t *testing.T) {
	e := newLMTPEnv(t, options{})
	if got := e.deliver("new-request.eml"); got != 250 {
		t.Fatalf("new request answered %d, want 250", got)
	}
	tk := e.only()
	if tk.Data["subject"] != "Printer in room 204 does not print" || tk.Data["email"] != "erika@example.net" {
		t.Errorf("ticket data = %v", tk.Data)
	}
	// The mail server delivers the reply to the plus-address of the
	// ticket; the message's To names the plain address, as after a
	// Bcc or an alias: the envelope is what threads it.
	reply := e.threads.ReplyAddress("desk@example.org", tk.Number)
	res := e.deliverTo([]string{reply}, "reply.eml", "{{TO}}", "desk@example.org", "{{SUBJECT}}", "Re: Your request",
		"{{ID}}", "lmtp-reply-1", "{{THREAD}}", "")
	if res[reply] != 250 {
		t.Fatalf("reply answered %v, want 250", res)
	}
	e.only()
	cs := e.comments(tk.Number)
	if len(cs) != 1 || cs[0].Type != ticket.EntryCitizenReply || cs[0].Text != "It works again after the restart, thank you." {
		t.Fatalf("comments = %+v, want the citizen's reply without the quote", cs)
	}
	if rs := e.records(mailin.OutcomeReply); len(rs) != 1 || rs[0].Ticket != tk.Number {
		t.Errorf("reply records = %+v", rs)
	}
}

// TestLMTPDeliveredTwiceFilesOnce: a mail server that lost the answer
// delivers the message again; it is answered 250 and filed once.
func TestLMTPDeliveredTwiceFilesOnce(t *testing.T) {
	e := newLMTPEnv(t, options{})
	for i := range 2 {
		if got := e.deliver("new-request.eml"); got != 250 {
			t.Fatalf("delivery %d answered %d, want 250", i+1, got)
		}
	}
	e.only()
}

func TestLMTPRecipients(t *testing.T) {
	e := newLMTPEnv(t, options{})
	tests := []struct {
		name  string
		rcpts []string
		want  lmtpResult
	}{
		{"an address of no mailbox", []string{"someone@example.org"}, lmtpResult{"someone@example.org": 550}},
		{"another domain", []string{"desk@example.com"}, lmtpResult{"desk@example.com": 550}},
		{"a served and an unknown one", []string{"nobody@example.org", "Desk@Example.org"},
			lmtpResult{"nobody@example.org": 550, "Desk@Example.org": 250}},
		{"a plus-address of the desk", []string{"desk+anything@example.org"}, lmtpResult{"desk+anything@example.org": 250}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := "rcpt-" + string(rune('a'+i))
			msg := strings.Replace(string(read(t, "new-request.eml")), "new-request-1", id, 1)
			got := send(t, e.addr, "mx@example.net", tt.rcpts, []byte(msg), nil)
			for r, want := range tt.want {
				if got[r] != want {
					t.Errorf("%s answered %d, want %d", r, got[r], want)
				}
			}
		})
	}
	if n := len(e.tickets()); n != 2 {
		t.Errorf("mail opened %d tickets, want 2 (one per message taken)", n)
	}
}

func TestLMTPSizeLimit(t *testing.T) {
	e := newLMTPEnv(t, options{maxSize: "2KB"})
	big := string(read(t, "new-request.eml")) + strings.Repeat("All work and no play makes Jack a dull boy.\n", 100)
	// Announced with SIZE: refused at MAIL FROM, before the data.
	got := send(t, e.addr, "mx@example.net", []string{"desk@example.org"}, []byte(big), &smtp.MailOptions{Size: int64(len(big))})
	if got["desk@example.org"] != 552 {
		t.Errorf("a message announced larger than max_size answered %v, want 552", got)
	}
	// Not announced: refused after the data.
	got = send(t, e.addr, "mx@example.net", []string{"desk@example.org"}, []byte(big), nil)
	if got["desk@example.org"] != 552 {
		t.Errorf("a message larger than max_size answered %v, want 552", got)
	}
	if n := len(e.tickets()); n != 0 {
		t.Errorf("mail opened %d tickets", n)
	}
	if got := e.deliver("new-request.eml"); got != 250 {
		t.Errorf("a small message answered %d, want 250", got)
	}
}

// TestLMTPA30MBMail: over the default max_size of 25 MB a message is
// refused after its data, and the connection takes the next one.
func TestLMTPA30MBMail(t *testing.T) {
	e := newLMTPEnv(t, options{maxSize: "25MB"})
	big := string(read(t, "new-request.eml")) + strings.Repeat(strings.Repeat("x", 76)+"\n", 30<<20/77+1)
	if got := send(t, e.addr, "mx@example.net", []string{"desk@example.org"}, []byte(big), nil); got["desk@example.org"] != 552 {
		t.Fatalf("a 30 MB message answered %v, want 552", got)
	}
	if got := e.deliver("new-request.eml"); got != 250 {
		t.Errorf("the next message answered %d, want 250", got)
	}
	e.only()
}

func TestLMTPOutcomes(t *testing.T) {
	e := newLMTPEnv(t, options{})
	tests := []struct {
		file    string
		code    int
		outcome string
	}{
		{"auto-reply.eml", 250, mailin.OutcomeQuarantine},
		{"list-mail.eml", 250, mailin.OutcomeQuarantine},
		{"bounce.eml", 250, mailin.OutcomeBounce},
		{"malformed.eml", 554, mailin.OutcomeRejected},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			if got := e.deliver(tt.file, "{{OWN_ID}}", "<vg.x@example.org>"); got != tt.code {
				t.Errorf("answered %d, want %d", got, tt.code)
			}
		})
	}
	for _, outcome := range []string{mailin.OutcomeQuarantine, mailin.OutcomeBounce, mailin.OutcomeRejected} {
		want := 0
		for _, tt := range tests {
			if tt.outcome == outcome {
				want++
			}
		}
		if got := len(e.records(outcome)); got != want {
			t.Errorf("%d records %s, want %d", got, outcome, want)
		}
	}
	if n := len(e.tickets()); n != 0 {
		t.Errorf("mail opened %d tickets, want none", n)
	}
}

// TestLMTPStoreFailureIsTemporary: while the disk is full a message that
// cannot be stored is answered 451, so the mail server keeps it; its next
// try after space was freed is filed, once. SQLite may still find room in
// its write-ahead log for a few messages: those are stored and answered
// 250, as they should be.
func TestLMTPStoreFailureIsTemporary(t *testing.T) {
	dir := storetest.SmallDisk(t, "16m")
	e := newLMTPEnv(t, options{dataDir: dir})
	free := storetest.FillDisk(t, dir)
	id := func(i int) string { return fmt.Sprintf("<new-request-full-%d@example.net>", i) }
	stored, refused := 0, ""
	for i := 1; i <= 100 && refused == ""; i++ {
		switch got := e.deliver("new-request.eml", "<new-request-1@example.net>", id(i)); got {
		case 250:
			stored++
		case 451:
			refused = id(i)
		default:
			t.Fatalf("message %d on a full disk answered %d, want 250 or 451", i, got)
		}
	}
	if refused == "" {
		t.Fatal("100 messages were answered 250 on a full disk")
	}
	t.Logf("%d messages stored on the full disk before one was refused", stored)
	free()
	if got := e.deliver("new-request.eml", "<new-request-1@example.net>", refused); got != 250 {
		t.Fatalf("after space was freed answered %d, want 250", got)
	}
	if got := e.deliver("new-request.eml", "<new-request-1@example.net>", refused); got != 250 {
		t.Fatalf("the same message again answered %d, want 250", got)
	}
	if n := len(e.tickets()); n != stored+1 {
		t.Errorf("mail opened %d tickets, want %d (those stored on the full disk and the refused one, once)", n, stored+1)
	}
}

// TestLMTPAnswersOnlyWhatIsRecorded: a ticket stored whose record is not
// (the instance stops between them) is answered 451; the next try finds
// the ticket and does not open another.
func TestLMTPAnswersOnlyWhatIsRecorded(t *testing.T) {
	e := newLMTPEnv(t, options{})
	crash := errors.New("crash")
	l, err := mailin.NewListener(mailin.Config{Store: e.app.Store, Receiver: e.app.Engine, Catalog: e.app.Catalog,
		Threads: e.threads, Logger: testkit.Quiet, Stored: func(string, string) error { return crash }}, "")
	if err != nil {
		t.Fatal(err)
	}
	crashing := serveLMTP(t, l)
	msg := read(t, "new-request.eml")
	if got := send(t, crashing, "mx@example.net", []string{"desk@example.org"}, msg, nil); got["desk@example.org"] != 451 {
		t.Fatalf("answered %v, want 451", got)
	}
	if got := e.deliver("new-request.eml"); got != 250 {
		t.Fatalf("the next try answered %d, want 250", got)
	}
	e.only()
}

// TestLMTPListenerOpensForAnLMTPMailbox runs the app: the listener opens
// at the configured address because a mailbox is delivered over LMTP.
func TestLMTPListenerOpensForAnLMTPMailbox(t *testing.T) {
	a, _ := newApp(t, "lmtp-mailbox.yaml", options{lmtpAddr: "127.0.0.1:0"})
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-ran; err != nil && !errors.Is(err, app.ErrClosed) {
			t.Errorf("run: %v", err)
		}
	})
	wait, stop := context.WithTimeout(context.Background(), 30*time.Second)
	defer stop()
	for a.LMTP.Addr() == nil {
		select {
		case <-wait.Done():
			t.Fatal("the LMTP listener did not open")
		case <-time.After(20 * time.Millisecond):
		}
	}
	got := send(t, a.LMTP.Addr().String(), "mx@example.net", []string{"desk@example.org"}, read(t, "new-request.eml"), nil)
	if got["desk@example.org"] != 250 {
		t.Fatalf("answered %v, want 250", got)
	}
}
