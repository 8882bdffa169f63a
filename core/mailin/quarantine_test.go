package mailin_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/mailin"
)

// held lists the quarantine, failing the test on an error.
func (e *env) held() []heldSeen {
	e.t.Helper()
	list, _, err := e.app.Quarantine.Quarantined(context.Background(), "", 100)
	if err != nil {
		e.t.Fatal(err)
	}
	out := make([]heldSeen, len(list))
	for i, m := range list {
		out[i] = heldSeen{ID: m.ID, Subject: m.Subject, From: m.From, Reason: m.Reason, Original: m.Original, Releasable: m.Releasable}
	}
	return out
}

type heldSeen struct {
	ID, Subject, From, Reason string
	Original, Releasable      bool
}

// TestQuarantineReleaseOverLMTP: an automatic reply delivered over LMTP
// has no folder to wait in; its original is kept, and released it opens
// a ticket like new mail. Its record then says so, and the quarantine is
// empty.
func TestQuarantineReleaseOverLMTP(t *testing.T) {
	e := newLMTPEnv(t, options{})
	if c := e.deliver("auto-reply.eml"); c != 250 {
		t.Fatalf("auto-reply answered %d", c)
	}
	e.clock.Advance(time.Minute)
	if c := e.deliver("list-mail.eml"); c != 250 {
		t.Fatalf("list mail answered %d", c)
	}
	held := e.held()
	if len(held) != 2 {
		t.Fatalf("quarantine holds %d messages, want 2", len(held))
	}
	// Newest first.
	if held[1].Subject != "Automatische Antwort: Ihre Anfrage" || held[1].From != "hans@example.net" || !held[1].Original || !held[1].Releasable ||
		!strings.HasPrefix(held[1].Reason, "automatic mail (") {
		t.Fatalf("held auto-reply = %+v", held[1])
	}
	ctx := context.Background()
	m, err := e.app.Quarantine.QuarantinedMessage(ctx, held[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "nicht im Büro") || !hasHeader(m.Header, "Auto-Submitted", "auto-replied") {
		t.Errorf("message shown: text %q, header %v", m.Text, m.Header)
	}

	r, err := e.app.Quarantine.Release(ctx, held[1].ID, "root")
	if err != nil {
		t.Fatal(err)
	}
	if r.Outcome != mailin.OutcomeTicket || r.Ticket == "" {
		t.Fatalf("release = %+v, want a ticket", r)
	}
	if tk := e.only(); tk.Number != r.Ticket {
		t.Errorf("ticket %s, release says %s", tk.Number, r.Ticket)
	}
	rec, err := mailin.Lookup(ctx, e.app.Store, "desk", "auto-1@example.net")
	if err != nil || rec == nil || rec.Outcome != mailin.OutcomeTicket || !strings.Contains(rec.Reason, "root") {
		t.Fatalf("record after release = %+v, %v", rec, err)
	}
	// Delivered again (the mail server retries), it is the ticket's.
	if c := e.deliver("auto-reply.eml"); c != 250 || len(e.tickets()) != 1 {
		t.Errorf("delivered again: %d, %d tickets", c, len(e.tickets()))
	}
	if _, err := e.app.Quarantine.Release(ctx, held[1].ID, "root"); fault.KindOf(err) != fault.NotFound {
		t.Errorf("second release: %v, want not found", err)
	}

	if err := e.app.Quarantine.Discard(ctx, held[0].ID, "root"); err != nil {
		t.Fatal(err)
	}
	if left := e.held(); len(left) != 0 {
		t.Errorf("quarantine after release and discard: %+v", left)
	}
	if d := e.records(mailin.OutcomeDiscarded); len(d) != 1 || !strings.Contains(d[0].Reason, "discarded by root") {
		t.Errorf("discarded records = %+v", d)
	}
}

// TestQuarantineReleaseOverIMAP: quarantined mail read over IMAP is kept
// too and released from the stored original; a message larger than
// max_size was never read, so only its folder holds it and release says
// so; an unreadable one can only be discarded.
func TestQuarantineReleaseOverIMAP(t *testing.T) {
	e := newEnv(t, options{maxSize: "2KB"})
	e.deliver("auto-reply.eml")
	e.deliver("malformed.eml")
	big := string(read(t, "new-request.eml")) + strings.Repeat("All work and no play makes Jack a dull boy.\n", 100)
	e.imap.Append(t, "INBOX", []byte(big))
	e.poll()
	e.folders(0, 0, 3)
	held := e.held()
	if len(held) != 3 {
		t.Fatalf("quarantine holds %d, want 3", len(held))
	}
	ctx := context.Background()
	for _, h := range held {
		switch {
		case strings.HasPrefix(h.Reason, "automatic mail"):
			r, err := e.app.Quarantine.Release(ctx, h.ID, "root")
			if err != nil || r.Outcome != mailin.OutcomeTicket {
				t.Errorf("release of the auto-reply: %+v, %v", r, err)
			}
		case strings.Contains(h.Reason, "larger than max_size"):
			if h.Original || h.Releasable {
				t.Errorf("oversized held = %+v", h)
			}
			_, err := e.app.Quarantine.Release(ctx, h.ID, "root")
			if fe := fault.As(err); fe == nil || fe.Code != "mail_not_kept" {
				t.Errorf("release of the oversized message: %v", err)
			}
		default:
			if !h.Original || h.Releasable {
				t.Errorf("malformed held = %+v", h)
			}
		}
	}
	if n := len(e.tickets()); n != 1 {
		t.Errorf("%d tickets after release, want 1", n)
	}
	if n := len(e.held()); n != 2 {
		t.Errorf("quarantine holds %d after one release, want 2", n)
	}
	// A round after the release files nothing more, and moves the
	// released message's copy out of the quarantine folder; the two
	// still held stay there.
	if r := e.poll(); len(r.Handled) != 0 {
		t.Errorf("round after release = %v", r.Handled)
	}
	e.folders(0, 1, 2)
}

func hasHeader(h []engine.MailHeader, name, value string) bool {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) && f.Value == value {
			return true
		}
	}
	return false
}
