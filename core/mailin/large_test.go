package mailin_test

import (
	"context"
	"encoding/base64"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"vorgang/core/internal/testkit"
	"vorgang/core/mailin"
)

// largeMessage is a request with a PDF of size bytes attached, under
// Message-ID id.
func largeMessage(id string, size int) []byte {
	pdf := make([]byte, size)
	copy(pdf, "%PDF-1.4\n")
	for i := 9; i < size; i++ {
		pdf[i] = byte('a' + i%26)
	}
	enc := base64.StdEncoding.EncodeToString(pdf)
	var b strings.Builder
	b.WriteString("From: Erika Mustermann <erika@example.net>\r\nTo: desk@example.org\r\nSubject: Plan of the building\r\n")
	b.WriteString("Message-ID: <" + id + ">\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n")
	b.WriteString("--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe plan is attached.\r\n")
	b.WriteString("--b1\r\nContent-Type: application/pdf; name=plan.pdf\r\nContent-Disposition: attachment; filename=plan.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--b1--\r\n")
	return []byte(b.String())
}

// TestALargeAttachmentDoesNotHoldUpOthersIMAP: a message with a 10 MB
// attachment that waits first in the INBOX is filed after the small
// messages of its round, which are filed and moved before it is even
// fetched; it still becomes its ticket with the file.
func TestALargeAttachmentDoesNotHoldUpOthersIMAP(t *testing.T) {
	e := newEnv(t, options{maxSize: "25MB"})
	e.imap.Append(t, "INBOX", largeMessage("large-1@example.net", 10<<20))
	for i := range 3 {
		e.imap.Append(t, "INBOX", benchMessage(t, i))
	}
	var order []string
	var processedBeforeLarge int
	p, err := mailin.New(mailin.Config{Store: e.app.Store, Receiver: e.app.Engine, Catalog: e.app.Catalog,
		Threads: e.threads, Holder: "test-" + t.Name(), Logger: testkit.Quiet,
		Stored: func(_ string, id string) error {
			order = append(order, id)
			if id == "large-1@example.net" {
				processedBeforeLarge = e.imap.Count(t, "Processed")
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.Poll(context.Background(), "desk")
	if err != nil || r.Handled[mailin.OutcomeTicket] != 4 {
		t.Fatalf("round = %+v, %v; want four tickets", r, err)
	}
	if len(order) != 4 || order[3] != "large-1@example.net" {
		t.Errorf("filed in the order %v, want the large message last", order)
	}
	if processedBeforeLarge != 3 {
		t.Errorf("%d messages were moved before the large one was filed, want 3", processedBeforeLarge)
	}
	rec, _ := mailin.Lookup(context.Background(), e.app.Store, "desk", "large-1@example.net")
	if rec == nil {
		t.Fatal("the large message has no record")
	}
	if tk := e.ticket(rec.Ticket); len(tk.Data["files"].([]any)) != 1 {
		t.Errorf("the large message's ticket holds %v, want its file", tk.Data["files"])
	}
	e.folders(0, 4, 0)
}

// TestALargeAttachmentDoesNotHoldUpOthersLMTP: while the mail server is
// still sending a message with a 10 MB attachment on one connection,
// messages on another connection are filed and answered; the large one
// is filed when it has arrived.
func TestALargeAttachmentDoesNotHoldUpOthersLMTP(t *testing.T) {
	e := newLMTPEnv(t, options{maxSize: "25MB"})
	conn, err := net.Dial("tcp", e.addr)
	if err != nil {
		t.Fatal(err)
	}
	slow := smtp.NewClientLMTP(conn)
	defer slow.Close()
	if err := slow.Hello("mx.example.org"); err != nil {
		t.Fatal(err)
	}
	if err := slow.Mail("mx@example.net", nil); err != nil {
		t.Fatal(err)
	}
	if err := slow.Rcpt("desk@example.org", nil); err != nil {
		t.Fatal(err)
	}
	w, err := slow.Data()
	if err != nil {
		t.Fatal(err)
	}
	large := largeMessage("large-2@example.net", 10<<20)
	half := len(large) / 2
	if _, err := w.Write(large[:half]); err != nil {
		t.Fatal(err)
	}

	// Half of it sent: three messages over a second connection.
	for i := range 3 {
		if got := send(t, e.addr, "mx@example.net", []string{"desk@example.org"}, benchMessage(t, i), nil); got["desk@example.org"] != 250 {
			t.Fatalf("message %d beside the large one answered %v", i, got)
		}
	}
	if n := len(e.records(mailin.OutcomeTicket)); n != 3 {
		t.Fatalf("%d tickets while the large message arrives, want 3", n)
	}

	if _, err := w.Write(large[half:]); err != nil {
		t.Fatal(err)
	}
	if _, err := w.CloseWithLMTPResponse(); err != nil {
		t.Fatalf("the large message: %v", err)
	}
	rec, _ := mailin.Lookup(context.Background(), e.app.Store, "desk", "large-2@example.net")
	if rec == nil || rec.Outcome != mailin.OutcomeTicket {
		t.Fatalf("the large message's record = %+v", rec)
	}
	if tk := e.ticket(rec.Ticket); len(tk.Data["files"].([]any)) != 1 {
		t.Errorf("the large message's ticket holds %v, want its file", tk.Data["files"])
	}
}

// TestFilingLongerThanTheIMAPTimeout: filing a chunk may take longer than
// the IMAP command timeout (a large message on a loaded machine); the
// connection stays open through the pause, and the messages are moved in
// the same round.
func TestFilingLongerThanTheIMAPTimeout(t *testing.T) {
	e := newEnv(t, options{})
	for i := range 2 {
		e.imap.Append(t, "INBOX", benchMessage(t, i))
	}
	p, err := mailin.New(mailin.Config{Store: e.app.Store, Receiver: e.app.Engine, Catalog: e.app.Catalog,
		Threads: e.threads, Holder: "test-" + t.Name(), Logger: testkit.Quiet, IMAPTimeout: time.Second,
		Stored: func(string, string) error {
			time.Sleep(1500 * time.Millisecond) // filing that outlasts the timeout
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.Poll(context.Background(), "desk")
	if err != nil || r.Handled[mailin.OutcomeTicket] != 2 {
		t.Fatalf("round = %+v, %v; want both filed and moved", r, err)
	}
	e.folders(0, 2, 0)
}
