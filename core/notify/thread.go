package notify

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"regexp"
	"strings"

	"vorgang/core/definition"
)

// Threads signs the ticket a mail is about into the mail's Message-ID and
// reply address, so that a reply can be put on its ticket: only vorgang
// knows the key, so neither can be made up for another ticket. Mail-in
// reads them back with TicketOfMessageID and TicketOfAddress.
type Threads struct{ key []byte }

// NewThreads derives the signing key from the server secret. Without a
// secret the key is random: replies to mails sent before a restart then
// thread by the ticket number in their subject only.
func NewThreads(secret []byte) *Threads {
	if len(secret) == 0 {
		secret = make([]byte, 32)
		_, _ = rand.Read(secret)
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("vorgang mail threads"))
	return &Threads{key: m.Sum(nil)}
}

// mac signs a ticket number for a use ("mid" or "addr"); 16 hex digits
// (64 bits) are too many to guess in any number of mails.
func (th *Threads) mac(use, number string) string {
	m := hmac.New(sha256.New, th.key)
	m.Write([]byte(use + "\x00" + number))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// ticketNumber is the form of a ticket number in a Message-ID or address.
var ticketNumber = `[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*`

var (
	threadMessageID = regexp.MustCompile(`^<?vg\.(` + ticketNumber + `)\.[0-9a-f]+\.([0-9a-f]{16})@[^>]+>?$`)
	threadAddress   = regexp.MustCompile(`^[^+@]+\+(` + ticketNumber + `)\.([0-9a-fA-F]{16})@`)
)

// MessageID is the Message-ID of the outbox item id about ticket number:
// stable per item, like the one of a mail about no ticket.
func (th *Threads) MessageID(id, number, from string) string {
	if number == "" {
		return messageID(id, from)
	}
	sum := sha256.Sum256([]byte(id))
	return "<vg." + number + "." + hex.EncodeToString(sum[:6]) + "." + th.mac("mid", number) + "@" + domainOf(from) + ">"
}

// TicketOfMessageID returns the ticket a Message-ID of vorgang's names.
func (th *Threads) TicketOfMessageID(id string) (string, bool) {
	m := threadMessageID.FindStringSubmatch(strings.TrimSpace(id))
	if m == nil || !hmac.Equal([]byte(m[2]), []byte(th.mac("mid", m[1]))) {
		return "", false
	}
	return m[1], true
}

// ReplyAddress is base (desk@example.org) with a plus part naming the
// ticket: desk+INC-2026-000001.<mac>@example.org.
func (th *Threads) ReplyAddress(base, number string) string {
	local, domain, ok := strings.Cut(base, "@")
	if !ok || number == "" {
		return base
	}
	// Some mail systems change the case of an address; the signature
	// is over the number in upper case, as numbers are written.
	return local + "+" + number + "." + th.mac("addr", strings.ToUpper(number)) + "@" + domain
}

// TicketOfAddress returns the ticket a reply address of vorgang's names.
func (th *Threads) TicketOfAddress(addr string) (string, bool) {
	m := threadAddress.FindStringSubmatch(strings.TrimSpace(addr))
	if m == nil {
		return "", false
	}
	number := strings.ToUpper(m[1])
	if !hmac.Equal([]byte(strings.ToLower(m[2])), []byte(th.mac("addr", number))) {
		return "", false
	}
	return number, true
}

// replyTo is the address replies to a mail about ticket number of process
// go to: the first address of the first mailbox that opens tickets of it,
// as a signed plus-address when the mailbox says so; "" when no mailbox
// does.
func (th *Threads) replyTo(cat *definition.Catalog, process, number string) string {
	for _, mb := range cat.Mailboxes() {
		opens := mb.Process.Value == process
		for _, f := range mb.Filters {
			opens = opens || f.Process.Value == process
		}
		if !opens || len(mb.Addresses) == 0 {
			continue
		}
		if mb.PlusAddress {
			return th.ReplyAddress(mb.Addresses[0].Value, number)
		}
		return mb.Addresses[0].Value
	}
	return ""
}

func domainOf(from string) string {
	if a, err := mail.ParseAddress(from); err == nil {
		if _, d, ok := strings.Cut(a.Address, "@"); ok {
			return d
		}
	}
	return "vorgang.invalid"
}
