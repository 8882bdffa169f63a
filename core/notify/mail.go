package notify

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// Mail is one message to one recipient, as queued in the outbox.
type Mail struct {
	// ID is the outbox id; the Message-ID is derived from it.
	ID string
	// From is the sender, set at delivery from the configuration then
	// (mails queued by earlier versions may hold the one of their time,
	// which delivery ignores).
	From    string
	To      string
	ToName  string
	Lang    string
	Subject string
	Text    string
	HTML    string
	// Ticket and Notification say what the mail is about, for the admin
	// lists.
	Ticket       string
	Notification string
	// MessageID and ReplyTo are set at delivery (see Threads): a reply
	// names the ticket through either. Without MessageID one is derived
	// from ID.
	MessageID string
	ReplyTo   string
}

// messageID is stable per outbox item: a repeated delivery carries the
// same Message-ID, so receivers can recognise it.
func messageID(id, from string) string {
	sum := sha256.Sum256([]byte(id))
	return "<" + hex.EncodeToString(sum[:12]) + "@" + domainOf(from) + ">"
}

// Compose renders m as an RFC 5322 message: plain text and HTML as
// multipart/alternative, quoted-printable, UTF-8 headers encoded.
func Compose(m *Mail, date time.Time) ([]byte, error) {
	var b bytes.Buffer
	to := (&mail.Address{Name: m.ToName, Address: m.To}).String()
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return nil, fmt.Errorf("notify: sender %q: %w", m.From, err)
	}
	boundary, err := newBoundary()
	if err != nil {
		return nil, err
	}
	msgID := m.MessageID
	if msgID == "" {
		msgID = messageID(m.ID, m.From)
	}
	headers := []struct{ k, v string }{
		{"From", from.String()},
		{"To", to},
		{"Subject", mime.QEncoding.Encode("utf-8", m.Subject)},
		{"Date", date.Format(time.RFC1123Z)},
		{"Message-ID", msgID},
		{"MIME-Version", "1.0"},
		{"Content-Language", m.Lang},
		// RFC 3834: no vacation replies to automatic mail.
		{"Auto-Submitted", "auto-generated"},
		{"Content-Type", `multipart/alternative; boundary="` + boundary + `"`},
	}
	if m.ReplyTo != "" {
		headers = append(headers[:2], append([]struct{ k, v string }{{"Reply-To", m.ReplyTo}}, headers[2:]...)...)
	}
	for _, h := range headers {
		fmt.Fprintf(&b, "%s: %s\r\n", h.k, h.v)
	}
	b.WriteString("\r\n")
	w := multipart.NewWriter(&b)
	if err := w.SetBoundary(boundary); err != nil {
		return nil, err
	}
	for _, part := range []struct{ ctype, body string }{{"text/plain; charset=utf-8", m.Text}, {"text/html; charset=utf-8", m.HTML}} {
		pw, err := w.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.ctype},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(pw)
		if _, err := qp.Write([]byte(crlf(part.body))); err != nil {
			return nil, err
		}
		if err := qp.Close(); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

func newBoundary() (string, error) {
	var r [12]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", fmt.Errorf("notify: boundary: %w", err)
	}
	return "vorgang-" + hex.EncodeToString(r[:]), nil
}
