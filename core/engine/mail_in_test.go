package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/ticket"
)

// mailDesk is a process opened by mail and its mailbox; the password file
// is written per test.
const mailDesk = `apiVersion: vorgang/v1
kind: Form
id: mail-request
title: Anfrage
fields:
  - {id: subject, type: text, label: Betreff, required: true, max_length: 20}
  - {id: body, type: textarea, label: Text}
  - {id: email, type: email, label: E-Mail}
---
apiVersion: vorgang/v1
kind: Process
id: mail-request
title: Anfrage
form: mail-request
audience: [staff]
team: it-1st-level
numbering: {prefix: MAIL, digits: 6}
states:
  - {id: new, category: open, title: Neu}
  - {id: closed, category: closed, title: Geschlossen}
transitions:
  - {id: close, from: [new], to: closed, title: Schließen}
---
apiVersion: vorgang/v1
kind: Mailbox
id: desk
title: Desk
addresses: [desk@example.org]
imap: {host: imap.example.org, username: desk, password: {file: PASSWORD}}
process: mail-request
fields: {subject: subject, body: body, sender: email}
filters:
  - {sender_domain: newsletter.example, drop: true}
`

func mailFixture(t *testing.T) fixture {
	t.Helper()
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	files := append(testkit.DeskFiles(t), definition.File{Path: "mail.yaml", Data: []byte(strings.Replace(mailDesk, "PASSWORD", pw, 1))})
	return fixtureFor(t, files)
}

func TestReceiveMail(t *testing.T) {
	ctx := context.Background()
	f := mailFixture(t)
	receive := func(m engine.IncomingMail) *engine.MailReceipt {
		t.Helper()
		m.Mailbox = "desk"
		r, err := f.eng.ReceiveMail(ctx, &m)
		if err != nil {
			t.Fatalf("ReceiveMail(%s): %v", m.MessageID, err)
		}
		return r
	}
	first := engine.IncomingMail{MessageID: "m1@example.net", From: "erika@example.net", Subject: "A subject longer than twenty characters", Text: "Help", Body: "Help\n> quoted"}
	r := receive(first)
	if r.Ticket == "" || r.Reply {
		t.Fatalf("receipt = %+v, want a new ticket", r)
	}
	tk, err := f.store.Ticket(ctx, r.Ticket)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Data["subject"] != "A subject longer tha" || tk.Data["body"] != "Help\n> quoted" || tk.Data["email"] != "erika@example.net" {
		t.Errorf("data = %v: want the subject cut to the field's max_length, the body as a request", tk.Data)
	}
	if tk.Requester != "citizen" || tk.Tracking == "" {
		t.Errorf("requester %q tracking %q: want a citizen with a tracking token", tk.Requester, tk.Tracking)
	}

	t.Run("the same message again opens nothing", func(t *testing.T) {
		if again := receive(first); again.Ticket != r.Ticket || again.Reply {
			t.Errorf("receipt = %+v, want %s again", again, r.Ticket)
		}
	})

	reply := engine.IncomingMail{MessageID: "m2@example.net", From: "Erika@Example.net", Subject: "Re", Text: strings.Repeat("x", 20001), Threads: []string{"NOPE-1", r.Ticket}}
	t.Run("the requester's reply is their comment, once", func(t *testing.T) {
		for range 2 {
			if got := receive(reply); !got.Reply || got.Ticket != r.Ticket {
				t.Fatalf("receipt = %+v, want a reply on %s", got, r.Ticket)
			}
		}
		comments := mailComments(t, f, r.Ticket)
		if len(comments) != 1 {
			t.Fatalf("%d comments, want 1", len(comments))
		}
		if c := comments[0]; !c.Citizen || c.MessageID != "m2@example.net" || len([]rune(c.Text)) != 20000 {
			t.Errorf("comment = citizen %v id %q length %d: want the citizen's reply cut to 20000", c.Citizen, c.MessageID, len([]rune(c.Text)))
		}
	})

	t.Run("a stranger naming the ticket opens a new one", func(t *testing.T) {
		got := receive(engine.IncomingMail{MessageID: "m3@example.net", From: "mallory@example.net", Subject: "Re", Text: "hi", Threads: []string{r.Ticket}})
		if got.Reply || got.Ticket == r.Ticket || got.Ticket == "" {
			t.Errorf("receipt = %+v, want a new ticket", got)
		}
	})

	t.Run("a filter drops", func(t *testing.T) {
		if got := receive(engine.IncomingMail{MessageID: "m4@example.net", From: "news@mail.newsletter.example", Subject: "News", Text: "x"}); !got.Dropped || got.Ticket != "" {
			t.Errorf("receipt = %+v, want dropped", got)
		}
	})

	t.Run("an unknown mailbox is an error", func(t *testing.T) {
		if _, err := f.eng.ReceiveMail(ctx, &engine.IncomingMail{Mailbox: "nope", MessageID: "x", From: "a@b.c"}); err == nil {
			t.Error("no error")
		}
	})
}

func mailComments(t *testing.T, f fixture, number string) []ticket.Commented {
	t.Helper()
	tk, err := f.store.Ticket(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	hist, err := f.store.History(context.Background(), tk)
	if err != nil {
		t.Fatal(err)
	}
	var out []ticket.Commented
	for _, h := range hist {
		if c, err := h.Decode(); err == nil {
			if cm, ok := c.(ticket.Commented); ok {
				out = append(out, cm)
			}
		}
	}
	return out
}

func TestSniffType(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"png", "\x89PNG\r\n\x1a\nrest", "image/png"},
		{"jpeg", "\xff\xd8\xff\xe0rest", "image/jpeg"},
		{"pdf", "%PDF-1.7\n", "application/pdf"},
		{"text", "Grüße\nline two\t", "text/plain"},
		{"text cut inside a character", strings.Repeat("a", 511) + "ü", "text/plain"},
		{"binary", "MZ\x90\x00\x03", "application/octet-stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := engine.SniffType([]byte(tt.data)); got != tt.want {
				t.Errorf("SniffType = %q, want %q", got, tt.want)
			}
		})
	}
}
