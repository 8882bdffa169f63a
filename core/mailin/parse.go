package mailin

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"regexp"
	"strings"

	"github.com/emersion/go-message"
	// Registers the charsets of golang.org/x/text (ISO-8859-*,
	// Windows-125x, …) with go-message's decoder.
	_ "github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"
)

// Message is a parsed e-mail: its headers as threading and loop rules
// need them, its text, its attachments.
type Message struct {
	MessageID  string
	From       string
	FromName   string
	Subject    string
	InReplyTo  []string
	References []string
	// Recipients are the To, Cc and Delivered-To addresses.
	Recipients []string
	// Text is the plain text, from the text/plain part or reduced from
	// HTML when there is none.
	Text  string
	Files []File
	// Auto names why the message is an automatic one (a vacation
	// notice, a list mail) — empty for mail a person wrote.
	Auto string
	// Bounce is true for a delivery status notification.
	Bounce bool
	// Header holds the raw header fields loop rules read.
	header message.Header
}

// File is an attachment.
type File struct {
	Name string
	Data []byte
}

// errMalformed marks a message that cannot be read; it goes to
// quarantine.
var errMalformed = errors.New("malformed message")

// Parse reads a raw RFC 5322 message: multipart bodies, transfer
// encodings, charsets (UTF-8, ISO-8859-1, Windows-1252, …) and RFC 2047
// encoded words in headers.
func Parse(raw []byte) (*Message, error) { return parse(raw, 0) }

// maxForwardDepth bounds messages forwarded inside forwarded messages;
// deeper ones are kept as files.
const maxForwardDepth = 3

func parse(raw []byte, depth int) (*Message, error) {
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) {
		return nil, fmt.Errorf("%w: %v", errMalformed, err)
	}
	h := r.Header
	m := &Message{header: h.Header}
	m.MessageID, _ = h.MessageID()
	if m.MessageID == "" {
		// Without a Message-ID the content identifies the message, so a
		// second reading still finds the first one's ticket.
		sum := sha256.Sum256(raw)
		m.MessageID = hex.EncodeToString(sum[:16]) + "@mailin.invalid"
	}
	if from, err := h.AddressList("From"); err == nil && len(from) > 0 {
		m.From, m.FromName = strings.ToLower(from[0].Address), from[0].Name
	} else if from := h.Get("From"); from != "" {
		// A From the address parser refuses: keep what looks like an
		// address, so the message is still answered or quarantined by
		// sender.
		m.From = strings.ToLower(strings.Trim(addressLike.FindString(from), "<>"))
	}
	if m.Subject, err = h.Subject(); err != nil {
		m.Subject = h.Get("Subject")
	}
	m.InReplyTo, _ = h.MsgIDList("In-Reply-To")
	m.References, _ = h.MsgIDList("References")
	for _, key := range []string{"To", "Cc", "Delivered-To", "X-Original-To"} {
		if list, err := h.AddressList(key); err == nil {
			for _, a := range list {
				m.Recipients = append(m.Recipients, a.Address)
			}
		}
	}
	ctype, _, _ := h.ContentType()
	m.Bounce = ctype == "multipart/report" || isMailerDaemon(m.From)
	m.Auto = autoReason(h.Header)

	var plain, html []string
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil && !message.IsUnknownCharset(err) {
			return nil, fmt.Errorf("%w: %v", errMalformed, err)
		}
		data, rerr := io.ReadAll(p.Body)
		if rerr != nil {
			return nil, fmt.Errorf("%w: part: %v", errMalformed, rerr)
		}
		switch ph := p.Header.(type) {
		case *mail.InlineHeader:
			t, params, _ := ph.ContentType()
			name := params["name"]
			if _, dp, err := ph.ContentDisposition(); err == nil && dp["filename"] != "" {
				name = dp["filename"]
			}
			switch {
			case t == "message/rfc822":
				if text := m.forwarded(data, depth); text != "" {
					plain = append(plain, text)
				}
			case name == "" && t == "text/plain":
				plain = append(plain, string(data))
			case name == "" && t == "text/html":
				html = append(html, string(data))
			default:
				// Other text parts (a meeting request's text/calendar, a
				// vCard) are no text to read: files, kept when the form
				// accepts them.
				m.Files = append(m.Files, File{Name: fileName(name, t), Data: data})
			}
		case *mail.AttachmentHeader:
			name, _ := ph.Filename()
			t, _, _ := ph.ContentType()
			if t == "message/rfc822" {
				if text := m.forwarded(data, depth); text != "" {
					plain = append(plain, text)
				}
				continue
			}
			m.Files = append(m.Files, File{Name: fileName(name, t), Data: data})
		}
	}
	switch {
	case len(plain) > 0:
		m.Text = strings.Join(plain, "\n\n")
	case len(html) > 0:
		m.Text = HTMLText(strings.Join(html, "\n"))
	}
	m.Text = normalizeLines(m.Text)
	return m, nil
}

// forwarded is the text of a message forwarded as a whole (a
// message/rfc822 part, as mail programs forward "as attachment"): its
// sender, date and subject and its text, as a mail program shows a
// forwarded message inline; its attachments join m's. A forwarded message
// is often the request itself.
func (m *Message) forwarded(raw []byte, depth int) string {
	if depth >= maxForwardDepth {
		m.Files = append(m.Files, File{Name: "forwarded.eml", Data: raw})
		return ""
	}
	inner, err := parse(raw, depth+1)
	if err != nil {
		m.Files = append(m.Files, File{Name: "forwarded.eml", Data: raw})
		return ""
	}
	m.Files = append(m.Files, inner.Files...)
	var b strings.Builder
	b.WriteString("---------- Forwarded message ----------\n")
	from := inner.From
	if inner.FromName != "" {
		from = inner.FromName + " <" + inner.From + ">"
	}
	for _, h := range [][2]string{{"From", from}, {"Date", inner.header.Get("Date")}, {"Subject", inner.Subject}} {
		if h[1] != "" {
			b.WriteString(h[0] + ": " + h[1] + "\n")
		}
	}
	b.WriteString("\n" + inner.Text)
	return b.String()
}

var addressLike = regexp.MustCompile(`<?[^\s<>@]+@[^\s<>@]+>?`)

// fileName is the attachment's name, or one made from its type.
func fileName(name, ctype string) string {
	name = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(name, "/", "_"), "\\", "_"))
	if name != "" {
		return name
	}
	ext := ".bin"
	if exts, _ := mime.ExtensionsByType(ctype); len(exts) > 0 {
		ext = exts[0]
	}
	return "attachment" + ext
}

func isMailerDaemon(from string) bool {
	local, _, _ := strings.Cut(from, "@")
	return local == "mailer-daemon" || local == "postmaster"
}

// autoReason applies the loop rules: RFC 3834's Auto-Submitted, the
// Precedence of lists and bulk mail, Exchange's X-Auto-Response-Suppress,
// which automatic mail carries, and the X-Autoreply of older vacation
// programs.
func autoReason(h message.Header) string {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		return "Auto-Submitted: " + v
	}
	switch v := strings.ToLower(strings.TrimSpace(h.Get("Precedence"))); v {
	case "bulk", "junk", "list":
		return "Precedence: " + v
	}
	if v := h.Get("X-Auto-Response-Suppress"); v != "" {
		return "X-Auto-Response-Suppress: " + v
	}
	// Vacation programs that predate RFC 3834 (Zimbra, vacation(1),
	// webmailers) mark their answers so.
	for _, k := range []string{"X-Autoreply", "X-Autorespond"} {
		if v := strings.TrimSpace(h.Get(k)); v != "" && !strings.EqualFold(v, "no") {
			return k + ": " + v
		}
	}
	return ""
}

// normalizeLines makes line ends \n and drops trailing blanks.
func normalizeLines(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
