package notify_test

import (
	"strings"
	"testing"

	"vorgang/core/definition"
	"vorgang/core/notify"
)

func TestRender(t *testing.T) {
	n := &definition.Notification{
		Meta:    definition.Meta{ID: definition.Ref{Value: "ack"}},
		Subject: definition.Label{De: "Meldung {{.Ticket.Number}}\nBcc: x@example.org", En: "Report {{.Ticket.Number}}"},
		Body:    definition.Label{De: "Hallo {{.Requester.Name}},\n\n„{{.Ticket.Title}}\" ({{.Ticket.Data.room}}{{.Ticket.Data.missing}})\n{{.Ticket.URL}}"},
	}
	d := notify.Data{
		Requester: notify.Person{Name: "Anna"},
		Ticket: notify.TicketData{Number: "INC-2026-000001", Title: `<script>alert("x")</script>`,
			URL: "https://vorgang.example.org/tickets/INC-2026-000001", Data: map[string]any{"room": "204", "missing": ""}},
	}
	tests := []struct {
		lang, subject string
		text, html    []string
	}{
		{"de", "Meldung INC-2026-000001 Bcc: x@example.org",
			[]string{"Hallo Anna,\n\n", `„<script>alert("x")</script>" (204)`},
			[]string{`<html lang="de">`, "&lt;script&gt;", `<a href="https://vorgang.example.org/tickets/INC-2026-000001">`, "<p>Hallo Anna,</p>"}},
		{"en", "Report INC-2026-000001",
			[]string{"Hallo Anna"}, // no English body: German
			[]string{`<html lang="en">`}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			m, err := notify.Render(n, tt.lang, d)
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != tt.subject {
				t.Errorf("subject %q, want %q", m.Subject, tt.subject)
			}
			for _, want := range tt.text {
				if !strings.Contains(m.Text, want) {
					t.Errorf("text lacks %q:\n%s", want, m.Text)
				}
			}
			for _, want := range tt.html {
				if !strings.Contains(m.HTML, want) {
					t.Errorf("HTML lacks %q:\n%s", want, m.HTML)
				}
			}
			if strings.Contains(m.HTML, "<script>") {
				t.Errorf("ticket data reached the HTML unescaped:\n%s", m.HTML)
			}
		})
	}
}

func TestParseSMTPURL(t *testing.T) {
	tests := []struct {
		url     string
		want    notify.SMTPConfig
		wantErr bool
	}{
		{"smtp://mail.example.org", notify.SMTPConfig{Addr: "mail.example.org:587", Security: notify.TLSStartTLS}, false},
		{"smtp://user:p%40ss@mail.example.org:2525", notify.SMTPConfig{Addr: "mail.example.org:2525", Security: notify.TLSStartTLS, Username: "user", Password: "p@ss"}, false},
		{"smtps://user:pw@mail.example.org", notify.SMTPConfig{Addr: "mail.example.org:465", Security: notify.TLSImplicit, Username: "user", Password: "pw"}, false},
		{"smtp://localhost:25?tls=none&helo=desk.example.org", notify.SMTPConfig{Addr: "localhost:25", Security: notify.TLSNone, Helo: "desk.example.org"}, false},
		{"smtp://user:pw@127.0.0.1:25?tls=none", notify.SMTPConfig{Addr: "127.0.0.1:25", Security: notify.TLSNone, Username: "user", Password: "pw"}, false},
		{"smtp://user:pw@mail.example.org:25?tls=none", notify.SMTPConfig{}, true},
		{"smtps://mail.example.org?tls=none", notify.SMTPConfig{}, true},
		{"smtp://mail.example.org?tls=maybe", notify.SMTPConfig{}, true},
		{"http://mail.example.org", notify.SMTPConfig{}, true},
		{"smtp://", notify.SMTPConfig{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := notify.ParseSMTPURL(tt.url)
			if (err != nil) != tt.wantErr || got.Addr != tt.want.Addr || got.Security != tt.want.Security ||
				got.Username != tt.want.Username || got.Password != tt.want.Password || got.Helo != tt.want.Helo {
				t.Fatalf("ParseSMTPURL = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}
