package mailin_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	gomail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/mailin"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

func TestNewMailOpensATicket(t *testing.T) {
	e := newEnv(t, options{})
	e.deliver("new-request.eml")
	r := e.poll()
	if r.Handled[mailin.OutcomeTicket] != 1 {
		t.Fatalf("round = %+v, want one ticket", r)
	}
	tk := e.only()
	want := map[string]any{
		"subject": "Printer in room 204 does not print",
		"email":   "erika@example.net",
		"name":    "Erika Mustermann",
	}
	for k, v := range want {
		if tk.Data[k] != v {
			t.Errorf("data[%s] = %v, want %v", k, tk.Data[k], v)
		}
	}
	body, _ := tk.Data["body"].(string)
	if !strings.Contains(body, "error E-52") || strings.Contains(body, "Phone 0711") {
		t.Errorf("body = %q: want the text without the signature", body)
	}
	if tk.Process != "mail-request" || tk.Team != "mail-desk" || tk.Requester != "citizen" || tk.Tracking == "" {
		t.Errorf("ticket = process %s team %s requester %s tracking %q: want a citizen's request with a tracking link",
			tk.Process, tk.Team, tk.Requester, tk.Tracking)
	}
	e.folders(0, 1, 0)

	// Read again: nothing is waiting, nothing more is opened.
	if r := e.poll(); len(r.Handled) != 0 {
		t.Errorf("second round handled %v", r.Handled)
	}
	e.only()
}

func TestRepliesThreadOntoTheirTicket(t *testing.T) {
	tests := []struct {
		name string
		// thread makes the headers of a reply to ticket number (header
		// lines end in a line break).
		thread func(e *env, number string) (to, subject, headers string)
	}{
		{"by References", func(e *env, number string) (string, string, string) {
			id := e.threads.MessageID("outbox-1", number, "desk@example.org")
			return "desk@example.org", "Re: Your request", "In-Reply-To: " + id + "\nReferences: <other@example.net> " + id + "\n"
		}},
		{"by reply address", func(e *env, number string) (string, string, string) {
			return e.threads.ReplyAddress("desk@example.org", number), "Re: Your request", ""
		}},
		{"by the number in the subject", func(e *env, number string) (string, string, string) {
			return "desk@example.org", "AW: [" + number + "] Printer in room 204", ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, options{})
			e.deliver("new-request.eml")
			e.poll()
			tk := e.only()
			to, subject, headers := tt.thread(e, tk.Number)
			e.deliver("reply.eml", "{{TO}}", to, "{{SUBJECT}}", subject, "{{ID}}", "reply-1", "{{THREAD}}", headers)
			r := e.poll()
			if r.Handled[mailin.OutcomeReply] != 1 {
				t.Fatalf("round = %v, want one reply", r.Handled)
			}
			e.only() // no second ticket
			cs := e.comments(tk.Number)
			if len(cs) != 1 {
				t.Fatalf("ticket has %d comments, want 1", len(cs))
			}
			c := cs[0]
			if c.Type != ticket.EntryCitizenReply || c.Internal {
				t.Errorf("comment is %s (internal %v), want the citizen's public reply", c.Type, c.Internal)
			}
			if c.Text != "It works again after the restart, thank you." {
				t.Errorf("comment text = %q: want the reply without the quoted message", c.Text)
			}
			if c.MessageID != "reply-1@example.net" {
				t.Errorf("comment Message-ID = %q", c.MessageID)
			}
			e.folders(0, 2, 0)
		})
	}
}

// TestAnsweringVorgangsMail answers the acknowledgement vorgang sent as a
// mail program does: to its Reply-To, with its Message-ID in In-Reply-To
// and References.
func TestAnsweringVorgangsMail(t *testing.T) {
	srv := startSMTP(t)
	e := newEnv(t, options{smtp: srv})
	e.deliver("new-request.eml")
	e.poll()
	tk := e.only()
	if _, err := e.app.Mailer.Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	mails := srv.mails()
	if len(mails) != 1 {
		t.Fatalf("vorgang sent %d mails, want the acknowledgement", len(mails))
	}
	sent, err := gomail.ReadMessage(bytes.NewReader(mails[0]))
	if err != nil {
		t.Fatal(err)
	}
	id, replyTo := sent.Header.Get("Message-ID"), sent.Header.Get("Reply-To")
	if !strings.Contains(id, tk.Number) || !strings.HasPrefix(replyTo, "desk+"+tk.Number+".") {
		t.Fatalf("Message-ID %q, Reply-To %q: want both to name %s", id, replyTo, tk.Number)
	}
	e.deliver("reply.eml", "{{TO}}", replyTo, "{{SUBJECT}}", "Re: We have received your request", "{{ID}}", "answer-1",
		"{{THREAD}}", "In-Reply-To: "+id+"\nReferences: "+id+"\n")
	if r := e.poll(); r.Handled[mailin.OutcomeReply] != 1 {
		t.Fatalf("round = %v, want one reply", r.Handled)
	}
	if cs := e.comments(tk.Number); len(cs) != 1 || cs[0].Type != ticket.EntryCitizenReply {
		t.Errorf("comments = %+v, want the citizen's reply", cs)
	}
	// The reply sets off what a reply on the tracking page does (the
	// desk has a notification of new comments for the team): as many
	// mails go out after each.
	ctx := context.Background()
	sentAfter := func() int {
		t.Helper()
		before := len(srv.mails())
		if _, err := e.app.Mailer.Round(ctx); err != nil {
			t.Fatal(err)
		}
		return len(srv.mails()) - before
	}
	byMail := sentAfter()
	if _, err := e.app.Engine.CitizenReply(ctx, tk.Tracking, 0, "And one more thing.", nil, "en"); err != nil {
		t.Fatal(err)
	}
	if byPage := sentAfter(); byMail != byPage {
		t.Errorf("a reply by mail sent %d mails, one on the tracking page %d", byMail, byPage)
	}
}

func TestForgedThreadsOpenANewTicket(t *testing.T) {
	e := newEnv(t, options{})
	e.deliver("new-request.eml")
	e.poll()
	tk := e.only()
	// A reply address and Message-ID with a signature of another key
	// name the ticket but are not vorgang's: no thread.
	forged := strings.Replace(e.threads.ReplyAddress("desk@example.org", tk.Number), "desk+"+tk.Number+".", "desk+"+tk.Number+".0", 1)
	forged = forged[:strings.Index(forged, "@")-1] + "@example.org"
	e.deliver("reply.eml", "{{TO}}", forged, "{{SUBJECT}}", "Re: Your request", "{{ID}}", "forged-1",
		"{{THREAD}}", "References: <vg."+tk.Number+".abcdef.0123456789abcdef@example.org>\n")
	e.poll()
	if n := len(e.tickets()); n != 2 {
		t.Errorf("mail opened %d tickets, want 2", n)
	}
	if cs := e.comments(tk.Number); len(cs) != 0 {
		t.Errorf("the first ticket got %d comments, want none", len(cs))
	}
}

func TestStrangerReplyingOpensANewTicket(t *testing.T) {
	e := newEnv(t, options{})
	e.deliver("new-request.eml")
	e.poll()
	tk := e.only()
	// Someone else answers with the ticket's number in the subject and
	// its reply address: they may not write on Erika's request.
	e.deliver("reply-outlook.eml", "{{TO}}", e.threads.ReplyAddress("desk@example.org", tk.Number),
		"{{SUBJECT}}", "RE: "+tk.Number, "{{ID}}", "stranger-1", "{{THREAD}}", "")
	if r := e.poll(); r.Handled[mailin.OutcomeTicket] != 1 {
		t.Fatalf("round = %v, want a new ticket", r.Handled)
	}
	ts := e.tickets()
	if len(ts) != 2 {
		t.Fatalf("mail opened %d tickets, want 2", len(ts))
	}
	if ts[0].Number == ts[1].Number {
		t.Fatal("the same ticket twice")
	}
	if cs := e.comments(tk.Number); len(cs) != 0 {
		t.Errorf("Erika's request got %d comments from a stranger", len(cs))
	}
}

func TestStaffReplyIsACommentByThem(t *testing.T) {
	e := newEnv(t, options{})
	ctx := context.Background()
	if _, err := e.app.Auth.CreateUser(ctx, auth.NewUser{Name: "hans", Email: "Hans.Mueller@stadt.example", Roles: []string{"it-agent"}, Teams: []string{"mail-desk"}}); err != nil {
		t.Fatal(err)
	}
	e.deliver("new-request.eml")
	e.poll()
	tk := e.only()
	e.deliver("reply-outlook.eml", "{{TO}}", "desk@example.org", "{{SUBJECT}}", "RE: "+tk.Number, "{{ID}}", "staff-1", "{{THREAD}}", "")
	if r := e.poll(); r.Handled[mailin.OutcomeReply] != 1 {
		t.Fatalf("round = %v, want a reply", r.Handled)
	}
	cs := e.comments(tk.Number)
	if len(cs) != 1 || cs[0].Actor != "hans" || cs[0].Type != ticket.EntryComment || cs[0].Internal {
		t.Fatalf("comments = %+v, want one public comment by hans", cs)
	}
	if cs[0].Text != "Here is the information you asked for." {
		t.Errorf("text = %q: want it without Outlook's quoted message", cs[0].Text)
	}
}

func TestReplyToAFinishedTicketOpensANewOne(t *testing.T) {
	e := newEnv(t, options{})
	ctx := context.Background()
	e.deliver("new-request.eml")
	e.poll()
	tk := e.only()
	admin, err := e.app.Auth.CreateUser(ctx, auth.NewUser{Name: "boss", Email: "boss@example.org", Roles: []string{"admin"}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.app.Auth.Principal(ctx, admin.Name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Engine.Transition(ctx, p, tk.Number, engine.TransitionRequest{Transition: "close"}); err != nil {
		t.Fatal(err)
	}
	e.deliver("reply.eml", "{{TO}}", "desk@example.org", "{{SUBJECT}}", "Re: "+tk.Number, "{{ID}}", "late-1", "{{THREAD}}", "")
	e.poll()
	if n := len(e.tickets()); n != 2 {
		t.Errorf("mail opened %d tickets, want 2", n)
	}
}

func TestAttachmentsAreStoredLikeUploads(t *testing.T) {
	e := newEnv(t, options{})
	e.deliver("attachment.eml")
	e.poll()
	tk := e.only()
	files, _ := tk.Data["files"].([]any)
	if len(files) != 1 {
		t.Fatalf("files = %v, want the PNG only (an .exe is not accepted)", tk.Data["files"])
	}
	a, err := e.app.Store.Attachment(context.Background(), files[0].(string))
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "error.png" || a.ContentType != "image/png" {
		t.Errorf("attachment = %s %s, want error.png image/png", a.Name, a.ContentType)
	}
	var buf bytes.Buffer
	if err := e.app.Store.WriteAttachment(context.Background(), a, &buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\x89PNG")) {
		t.Errorf("stored content is not the PNG: % x", buf.Bytes()[:8])
	}
}

func TestCharsetsAndHTML(t *testing.T) {
	tests := []struct {
		file, subject, name string
		body                []string
		notInBody           []string
	}{
		{"windows-1252.eml", "Störung im Büro", "Jürgen König",
			[]string{"Heizung im Büro 3.14 ist ausgefallen – es sind 14 °C.", "Mit freundlichen Grüßen"}, nil},
		{"iso-8859-1.eml", "Straßenlaterne", "Anna Becker", []string{"Die Straßenlaterne vor Haus 5 ist dunkel."}, nil},
		{"html-only.eml", "Network outage", "Web Form",
			[]string{"The network in building B is down.", "Since 9:00 & still down.", "Thanks"},
			[]string{"alert", "stolen", "document.location", "evil.example", "color: red", "<"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			e := newEnv(t, options{})
			e.deliver(tt.file)
			e.poll()
			tk := e.only()
			if tk.Data["subject"] != tt.subject || tk.Data["name"] != tt.name {
				t.Errorf("subject %q name %q, want %q %q", tk.Data["subject"], tk.Data["name"], tt.subject, tt.name)
			}
			body, _ := tk.Data["body"].(string)
			for _, s := range tt.body {
				if !strings.Contains(body, s) {
					t.Errorf("body %q lacks %q", body, s)
				}
			}
			for _, s := range tt.notInBody {
				if strings.Contains(body, s) {
					t.Errorf("body %q holds %q", body, s)
				}
			}
		})
	}
}

func TestLoopRules(t *testing.T) {
	e := newEnv(t, options{})
	e.deliver("new-request.eml")
	e.poll()
	own := e.threads.MessageID("outbox-7", e.only().Number, "desk@example.org")
	e.deliver("auto-reply.eml")
	e.deliver("list-mail.eml")
	e.deliver("bounce.eml", "{{OWN_ID}}", own)
	r := e.poll()
	if r.Handled[mailin.OutcomeQuarantine] != 2 || r.Handled[mailin.OutcomeBounce] != 1 {
		t.Fatalf("round = %v, want two quarantined and one bounce", r.Handled)
	}
	e.only() // no ticket opened
	bounces := e.records(mailin.OutcomeBounce)
	if len(bounces) != 1 || bounces[0].Ticket != e.only().Number {
		t.Errorf("bounces = %+v, want one, about %s", bounces, e.only().Number)
	}
	quarantined := e.records(mailin.OutcomeQuarantine)
	for _, q := range quarantined {
		if !strings.HasPrefix(q.Reason, "automatic mail (") {
			t.Errorf("quarantine reason %q", q.Reason)
		}
	}
	e.folders(0, 2, 2)
}

func TestFiltersRouteAndDrop(t *testing.T) {
	e := newEnv(t, options{})
	msg := string(read(t, "new-request.eml"))
	e.imap.Append(t, "INBOX", []byte(strings.ReplaceAll(strings.ReplaceAll(msg, "erika@example.net", "sales@supplier.example"), "new-request-1", "supplier-1")))
	e.imap.Append(t, "INBOX", []byte(strings.ReplaceAll(strings.ReplaceAll(msg, "erika@example.net", "info@newsletter.example"), "new-request-1", "news-1")))
	r := e.poll()
	if r.Handled[mailin.OutcomeTicket] != 1 || r.Handled[mailin.OutcomeDropped] != 1 {
		t.Fatalf("round = %v, want one ticket and one dropped", r.Handled)
	}
	if tk := e.only(); tk.Team != "purchasing" {
		t.Errorf("team = %s, want purchasing", tk.Team)
	}
	e.folders(0, 2, 0)
}

func TestMalformedAndOversizedGoToQuarantine(t *testing.T) {
	e := newEnv(t, options{maxSize: "2KB"})
	e.deliver("malformed.eml")
	big := string(read(t, "new-request.eml")) + strings.Repeat("All work and no play makes Jack a dull boy.\n", 100)
	e.imap.Append(t, "INBOX", []byte(big))
	r := e.poll()
	if r.Handled[mailin.OutcomeQuarantine] != 2 {
		t.Fatalf("round = %v, want two quarantined", r.Handled)
	}
	if n := len(e.tickets()); n != 0 {
		t.Errorf("mail opened %d tickets", n)
	}
	e.folders(0, 0, 2)
}

func TestCrashBetweenStoreAndMoveFilesOnce(t *testing.T) {
	e := newEnv(t, options{})
	crash := errors.New("crash")
	crashing, err := mailin.New(mailin.Config{Store: e.app.Store, Receiver: e.app.Engine, Catalog: e.app.Catalog,
		Threads: e.threads, Holder: "test-" + t.Name(), Logger: testkit.Quiet,
		Stored: func(string, string) error { return crash }})
	if err != nil {
		t.Fatal(err)
	}
	e.deliver("new-request.eml")
	if _, err := crashing.Poll(context.Background(), "desk"); !errors.Is(err, crash) {
		t.Fatalf("poll = %v, want the crash", err)
	}
	e.folders(1, 0, 0) // stored, not moved
	e.poll()
	tk := e.only()
	e.folders(0, 1, 0)

	// The same for a reply: the comment is stored, the move never comes.
	e.deliver("reply.eml", "{{TO}}", "desk@example.org", "{{SUBJECT}}", "Re: "+tk.Number, "{{ID}}", "reply-crash", "{{THREAD}}", "")
	if _, err := crashing.Poll(context.Background(), "desk"); !errors.Is(err, crash) {
		t.Fatalf("poll = %v, want the crash", err)
	}
	e.poll()
	if cs := e.comments(tk.Number); len(cs) != 1 {
		t.Errorf("ticket has %d comments, want 1", len(cs))
	}
	e.only()
	e.folders(0, 2, 0)
}

func TestTwoPollersFileEachMessageOnce(t *testing.T) {
	e := newEnv(t, options{})
	const n = 6
	msg := string(read(t, "new-request.eml"))
	for i := range n {
		e.imap.Append(t, "INBOX", []byte(strings.Replace(msg, "new-request-1", "parallel-"+string(rune('a'+i)), 1)))
	}
	var pollers []*mailin.Poller
	for _, holder := range []string{"instance-a", "instance-b"} {
		p, err := mailin.New(mailin.Config{Store: e.app.Store, Receiver: e.app.Engine, Catalog: e.app.Catalog,
			Threads: e.threads, Holder: holder, Logger: testkit.Quiet})
		if err != nil {
			t.Fatal(err)
		}
		pollers = append(pollers, p)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(pollers))
	for i, p := range pollers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				if _, err := p.Poll(context.Background(), "desk"); err != nil {
					errs[i] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// Whoever lost the lease reads nothing; the holder reads all.
	if got := len(e.tickets()); got != n {
		t.Errorf("mail opened %d tickets, want %d", got, n)
	}
	e.folders(0, n, 0)
}

func TestServerWithoutMoveFlagsInstead(t *testing.T) {
	e := newEnv(t, options{noMove: true})
	e.deliver("new-request.eml")
	e.poll()
	e.only()
	if got := e.imap.Flagged(t, "INBOX", `\Seen`); got != 1 {
		t.Errorf("%d messages \\Seen in INBOX, want 1", got)
	}
	if got := e.imap.Flagged(t, "INBOX", "$VorgangDone"); got != 1 {
		t.Errorf("%d messages marked done in INBOX, want 1", got)
	}
	if got := e.imap.Count(t, "Processed"); got != 1 {
		t.Errorf("Processed holds %d, want the copy", got)
	}
	if r := e.poll(); len(r.Handled) != 0 {
		t.Errorf("second round handled %v: a flagged message is read again", r.Handled)
	}
	e.only()
}

func TestOldRecordsAreSwept(t *testing.T) {
	e := newEnv(t, options{})
	e.deliver("new-request.eml")
	e.poll()
	ctx := context.Background()
	e.clock.Advance(mailin.RecordsKept - time.Hour)
	if n, err := e.app.MailIn.Sweep(ctx); err != nil || n != 0 {
		t.Fatalf("sweep within the time kept = %d, %v; want nothing deleted", n, err)
	}
	e.clock.Advance(2 * time.Hour)
	if n, err := e.app.MailIn.Sweep(ctx); err != nil || n != 1 {
		t.Fatalf("sweep = %d, %v; want the one record deleted", n, err)
	}
	if rs := e.records(mailin.OutcomeTicket); len(rs) != 0 {
		t.Errorf("records left: %+v", rs)
	}
}

// TestIMAPServerRestartMidRound stops dovecot while a round files its
// messages, and starts it again: the next rounds file every message once
// and move it, none is lost and none opens two tickets.
func TestIMAPServerRestartMidRound(t *testing.T) {
	e := newEnv(t, options{})
	const n = 30
	msg := string(read(t, "new-request.eml"))
	for i := range n {
		e.imap.Append(t, "INBOX", []byte(strings.Replace(msg, "new-request-1", fmt.Sprintf("restart-%d", i), 1)))
	}
	stored := 0
	p, err := mailin.New(mailin.Config{Store: e.app.Store, Receiver: e.app.Engine, Catalog: e.app.Catalog,
		Threads: e.threads, Holder: "test-" + t.Name(), Logger: testkit.Quiet,
		Stored: func(string, string) error {
			if stored++; stored == 10 {
				e.imap.Stop(t)
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Poll(context.Background(), "desk"); err == nil {
		t.Fatal("a round whose server stopped reports no error")
	}
	e.imap.Restart(t)
	for range 3 {
		if _, err := p.Poll(context.Background(), "desk"); err != nil {
			t.Fatalf("poll after the restart: %v", err)
		}
	}
	tickets := e.tickets()
	numbers := map[string]bool{}
	for _, tk := range tickets {
		numbers[tk.Number] = true
	}
	if len(tickets) != n || len(numbers) != n {
		t.Errorf("%d records of %d tickets, want %d of %d", len(tickets), len(numbers), n, n)
	}
	all, err := e.app.Store.FindTickets(context.Background(), store.TicketFilter{Process: "mail-request"})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != n {
		t.Errorf("the store holds %d tickets, want %d", len(all), n)
	}
	e.folders(0, n, 0)
}

// TestA30MBMail: a message larger than the default max_size of 25 MB is
// quarantined without being fetched, and the message after it is filed.
func TestA30MBMail(t *testing.T) {
	e := newEnv(t, options{maxSize: "25MB"})
	big := string(read(t, "new-request.eml")) + strings.Repeat(strings.Repeat("x", 76)+"\n", 30<<20/77+1)
	e.imap.Append(t, "INBOX", []byte(strings.Replace(big, "new-request-1", "huge-1", 1)))
	e.deliver("new-request.eml")
	r := e.poll()
	if r.Handled[mailin.OutcomeQuarantine] != 1 || r.Handled[mailin.OutcomeTicket] != 1 {
		t.Fatalf("round = %v, want the large one quarantined and the other a ticket", r.Handled)
	}
	q := e.records(mailin.OutcomeQuarantine)
	if len(q) != 1 || !strings.Contains(q[0].Reason, "larger than max_size") {
		t.Errorf("quarantine records = %+v", q)
	}
	e.folders(0, 1, 1)
}
