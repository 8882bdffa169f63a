package definition

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Mailbox is an address people write to: vorgang reads its IMAP folder,
// or takes its mail over LMTP from the site's mail server. Each new
// message opens a ticket of Process, or becomes the requester's reply on
// the ticket it answers. The IMAP password is read from an environment
// variable or a file, never from the definition.
type Mailbox struct {
	Meta `yaml:",inline"`
	// Addresses are the addresses the mailbox receives for; mails about
	// its tickets name the first as their Reply-To. Over LMTP they are
	// the recipients the listener takes for this mailbox.
	Addresses []Ref `yaml:"addresses"`
	// Delivery is how mail arrives: "imap" (the default: vorgang reads
	// the IMAP folder) or "lmtp" (the mail server delivers to vorgang's
	// LMTP listener; IMAP is not set then).
	Delivery string `yaml:"delivery"`
	// PlusAddress makes that Reply-To a plus-address naming the ticket
	// (desk+INC-2026-000001.<signature>@…): only for mail systems that
	// deliver plus-addresses to the mailbox.
	PlusAddress bool         `yaml:"plus_address"`
	IMAP        *MailboxIMAP `yaml:"imap"`
	// PollEvery is how often the mailbox is read (default 60s).
	PollEvery Ref `yaml:"poll_every"`
	// MaxSize is the largest message taken (default 25MB); larger ones go
	// to the quarantine folder.
	MaxSize Ref `yaml:"max_size"`
	// Process is opened by a message that answers no ticket.
	Process Ref `yaml:"process"`
	// Team, when set, takes the new tickets instead of the process's team.
	Team    Ref             `yaml:"team"`
	Fields  MailboxFields   `yaml:"fields"`
	Filters []MailboxFilter `yaml:"filters"`
}

// MailboxIMAP is the account the mailbox is read with.
type MailboxIMAP struct {
	Host Ref `yaml:"host"`
	Port int `yaml:"port"`
	// TLS is "implicit" (port 993), "starttls" or "none" (tests and
	// loopback relays only).
	TLS      string  `yaml:"tls"`
	Username Ref     `yaml:"username"`
	Password *Secret `yaml:"password"`
	// AccessToken, instead of Password, signs in with SASL XOAUTH2 (an
	// OAuth 2.0 access token, as Microsoft 365 and Gmail want). It is
	// read at every connection, so a helper may renew the file.
	AccessToken      *Secret `yaml:"access_token"`
	Folder           Ref     `yaml:"folder"`
	ProcessedFolder  Ref     `yaml:"processed_folder"`
	QuarantineFolder Ref     `yaml:"quarantine_folder"`
}

// MailboxFields names the fields of the process's form a new message
// fills: its subject, its text, the sender's address and name, and its
// attachments.
type MailboxFields struct {
	Subject     Ref `yaml:"subject"`
	Body        Ref `yaml:"body"`
	Sender      Ref `yaml:"sender"`
	SenderName  Ref `yaml:"sender_name"`
	Attachments Ref `yaml:"attachments"`
}

// MailboxFilter routes or drops the messages of a sender domain. The first
// filter that matches applies.
type MailboxFilter struct {
	// SenderDomain matches the sender's domain and its subdomains.
	SenderDomain Ref `yaml:"sender_domain"`
	// Process and Team replace the mailbox's for new tickets.
	Process Ref `yaml:"process"`
	Team    Ref `yaml:"team"`
	// Drop files the message as processed without a ticket.
	Drop bool `yaml:"drop"`
}

// Deliveries of a Mailbox.
const (
	DeliveryIMAP = "imap"
	DeliveryLMTP = "lmtp"
)

// LMTP reports whether the mailbox takes its mail over LMTP rather than
// reading it over IMAP.
func (m *Mailbox) LMTP() bool { return m.Delivery == DeliveryLMTP }

// Serves reports whether address is one of the mailbox's, or a
// plus-address of one (desk+anything@example.org): the reply addresses of
// vorgang's mails are such.
func (m *Mailbox) Serves(address string) bool {
	local, domain, ok := strings.Cut(strings.ToLower(strings.TrimSpace(address)), "@")
	if !ok {
		return false
	}
	local, _, _ = strings.Cut(local, "+")
	for _, a := range m.Addresses {
		if strings.EqualFold(a.Value, local+"@"+domain) {
			return true
		}
	}
	return false
}

// Defaults of a Mailbox.
const (
	DefaultMailboxFolder     = "INBOX"
	DefaultMailboxProcessed  = "vorgang-processed"
	DefaultMailboxQuarantine = "vorgang-quarantine"
	DefaultMailboxPollEvery  = 60 * time.Second
	DefaultMailboxMaxSize    = 25 << 20
)

// Folder is the folder read, INBOX by default.
func (m *Mailbox) Folder() string { return cmp.Or(m.imap().Folder.Value, DefaultMailboxFolder) }

// imap is the IMAP account, empty for a mailbox delivered over LMTP.
func (m *Mailbox) imap() *MailboxIMAP {
	if m.IMAP == nil {
		return &MailboxIMAP{}
	}
	return m.IMAP
}

// ProcessedFolder is where handled messages are moved.
func (m *Mailbox) ProcessedFolder() string {
	return cmp.Or(m.imap().ProcessedFolder.Value, DefaultMailboxProcessed)
}

// QuarantineFolder is where messages go that open no ticket and are not
// handled: automatic replies, malformed or oversized mail.
func (m *Mailbox) QuarantineFolder() string {
	return cmp.Or(m.imap().QuarantineFolder.Value, DefaultMailboxQuarantine)
}

// Interval is the time between two reads of the mailbox.
func (m *Mailbox) Interval() time.Duration {
	if d, err := time.ParseDuration(m.PollEvery.Value); err == nil && d > 0 {
		return d
	}
	return DefaultMailboxPollEvery
}

// Limit is the largest message taken, in bytes.
func (m *Mailbox) Limit() int64 {
	if n := parseByteSize(m.MaxSize.Value); n > 0 {
		return n
	}
	return DefaultMailboxMaxSize
}

// Port is the IMAP port, by default the one of the TLS mode.
func (m *Mailbox) Port() int {
	imap := m.imap()
	if imap.Port > 0 {
		return imap.Port
	}
	if imap.TLS == "implicit" || imap.TLS == "" {
		return 993
	}
	return 143
}

// Route returns the filter that applies to a sender address, or nil.
func (m *Mailbox) Route(sender string) *MailboxFilter {
	_, domain, ok := strings.Cut(strings.ToLower(sender), "@")
	if !ok {
		return nil
	}
	for i := range m.Filters {
		d := strings.ToLower(m.Filters[i].SenderDomain.Value)
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return &m.Filters[i]
		}
	}
	return nil
}

// parseByteSize reads 10MB, 500KB or a number of bytes; 0 when it is none.
func parseByteSize(s string) int64 {
	unit := int64(1)
	switch {
	case strings.HasSuffix(s, "MB"):
		unit, s = 1<<20, strings.TrimSuffix(s, "MB")
	case strings.HasSuffix(s, "KB"):
		unit, s = 1<<10, strings.TrimSuffix(s, "KB")
	}
	var n int64
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil || n <= 0 {
		return 0
	}
	return n * unit
}

// mailboxFieldKinds are the field types each mapping may name.
var mailboxFieldKinds = []struct {
	key   string
	get   func(*MailboxFields) Ref
	types []FieldType
}{
	{"subject", func(f *MailboxFields) Ref { return f.Subject }, []FieldType{FieldText, FieldTextarea}},
	{"body", func(f *MailboxFields) Ref { return f.Body }, []FieldType{FieldTextarea, FieldText}},
	{"sender", func(f *MailboxFields) Ref { return f.Sender }, []FieldType{FieldEmail, FieldText}},
	{"sender_name", func(f *MailboxFields) Ref { return f.SenderName }, []FieldType{FieldText}},
	{"attachments", func(f *MailboxFields) Ref { return f.Attachments }, []FieldType{FieldFile}},
}

// checkMailbox checks what the schema cannot: the processes and teams it
// names, that its field mapping fits the form of every process a message
// may open, and that its password can be read.
func (b *builder) checkMailbox(m *Mailbox, r reporter) {
	switch {
	case m.LMTP() && m.IMAP != nil:
		r.errorf(m.ID.Pos, "field_option", "mailbox '%s': delivery lmtp takes no imap account; the mail server delivers to vorgang's LMTP listener", m.ID.Value)
	case (m.Delivery == "" || m.Delivery == DeliveryIMAP) && m.IMAP == nil:
		r.errorf(m.ID.Pos, "missing_key", "mailbox '%s': imap is required unless delivery is lmtp", m.ID.Value)
	}
	if m.LMTP() || m.IMAP == nil {
		b.checkMailboxRules(m, r)
		return
	}
	switch {
	case m.IMAP.Password != nil && m.IMAP.AccessToken != nil:
		r.errorf(m.IMAP.AccessToken.pos(), "field_option", "mailbox '%s': imap takes a password or an access_token, not both", m.ID.Value)
	case m.IMAP.Password == nil && m.IMAP.AccessToken == nil:
		r.errorf(m.ID.Pos, "missing_key", "mailbox '%s': imap needs a password or an access_token", m.ID.Value)
	}
	for _, sec := range []struct {
		key string
		s   *Secret
	}{{"password", m.IMAP.Password}, {"access_token", m.IMAP.AccessToken}} {
		if sec.s == nil {
			continue
		}
		if _, err := sec.s.Read(); err != nil {
			r.errorf(sec.s.pos(), "missing_secret", "mailbox '%s': imap.%s: %v", m.ID.Value, sec.key, err)
		}
	}
	if m.PollEvery.Value != "" {
		if d, err := time.ParseDuration(m.PollEvery.Value); err != nil || d < time.Second {
			r.errorf(m.PollEvery.Pos, "invalid_value", "mailbox '%s': poll_every '%s' is not a duration of at least 1s", m.ID.Value, m.PollEvery.Value)
		}
	}
	folders := map[string]Ref{}
	for _, f := range []Ref{{Value: m.Folder(), Pos: m.IMAP.Folder.Pos}, {Value: m.ProcessedFolder(), Pos: m.IMAP.ProcessedFolder.Pos}, {Value: m.QuarantineFolder(), Pos: m.IMAP.QuarantineFolder.Pos}} {
		if _, dup := folders[f.Value]; dup {
			pos := f.Pos
			if pos.Line == 0 {
				pos = m.ID.Pos
			}
			r.errorf(pos, "invalid_value", "mailbox '%s': folder '%s' is named twice; the folder read, the processed and the quarantine folder must differ", m.ID.Value, f.Value)
		}
		folders[f.Value] = f
	}
	b.checkMailboxRules(m, r)
}

// checkMailboxRules checks what both deliveries share: the sender field,
// the processes and teams, the field mapping.
func (b *builder) checkMailboxRules(m *Mailbox, r reporter) {
	if m.Fields.Sender.IsZero() {
		// The citizen's address is on record only in the form: without it
		// their replies cannot be told from a stranger's.
		r.warnf(m.ID.Pos, "no_sender_field", "mailbox '%s': fields.sender is not set, so a citizen's reply by mail cannot be matched to their request and opens a new one", m.ID.Value)
	}
	b.ref(r, "Team", m.Team)
	processes := []Ref{m.Process}
	b.ref(r, "Process", m.Process)
	for _, f := range m.Filters {
		b.ref(r, "Team", f.Team)
		if !f.Process.IsZero() {
			b.ref(r, "Process", f.Process)
			processes = append(processes, f.Process)
		}
		if f.Drop && (!f.Process.IsZero() || !f.Team.IsZero()) {
			r.errorf(f.SenderDomain.Pos, "field_option", "mailbox '%s': a filter that drops names no process or team", m.ID.Value)
		}
	}
	seen := map[string]bool{}
	for _, pr := range processes {
		if seen[pr.Value] {
			continue
		}
		seen[pr.Value] = true
		p := b.cat.processes[pr.Value]
		if p == nil {
			continue
		}
		f := b.cat.forms[p.Form.Value]
		if f == nil {
			continue
		}
		b.checkMailboxFields(m, pr.Value, f, r)
	}
}

// checkMailboxFields checks the mapping against the form of process: every
// mapped field exists and is of a type that holds its value, and no
// required field is left that a message cannot fill.
func (b *builder) checkMailboxFields(m *Mailbox, process string, f *Form, r reporter) {
	mapped := map[string]bool{}
	for _, k := range mailboxFieldKinds {
		ref := k.get(&m.Fields)
		if ref.IsZero() {
			continue
		}
		mapped[ref.Value] = true
		fd := f.Field(ref.Value)
		if fd == nil {
			r.errorf(ref.Pos, "unknown_reference", "mailbox '%s': fields.%s: form '%s' of process '%s' has no field '%s'", m.ID.Value, k.key, f.ID.Value, process, ref.Value)
			continue
		}
		if !slices.Contains(k.types, fd.Type) {
			r.errorf(ref.Pos, "field_option", "mailbox '%s': fields.%s: field '%s' of form '%s' is of type %s; it must be %s", m.ID.Value, k.key, ref.Value, f.ID.Value, fd.Type, joinTypes(k.types))
		}
	}
	for _, fd := range f.AllFields() {
		if !fd.Required || mapped[fd.ID.Value] || fd.Default != nil || fd.Type == FieldComputed || fd.Type == FieldGroup {
			continue
		}
		r.errorf(m.ID.Pos, "unmapped_required", "mailbox '%s': field '%s' of form '%s' (process '%s') is required, but fields maps nothing onto it; a message could never open a ticket", m.ID.Value, fd.ID.Value, f.ID.Value, process)
	}
}

func joinTypes(ts []FieldType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, " or ")
}
