package scenario

import (
	"context"
	"fmt"
	"mime"
	"net/mail"
	"sort"
	"strings"
	"time"
)

// mailIn files the step's message at its mailbox as a delivery would; the
// ticket it opens or answers becomes the step's ticket, named when the
// step says so.
func (r *runner) mailIn(ctx context.Context, st *Step, number *string) error {
	m := st.MailIn
	cat := r.w.catalog()
	mailbox := m.Mailbox
	if mailbox == "" {
		mbs := cat.Mailboxes()
		if len(mbs) != 1 {
			return errSetup{fmt.Errorf("the desk has %d mailboxes: name one with 'mailbox'", len(mbs))}
		}
		mailbox = mbs[0].ID.Value
	}
	mb := cat.Mailbox(mailbox)
	if mb == nil {
		return errSetup{fmt.Errorf("no mailbox '%s'", mailbox)}
	}
	to := m.To
	if to == "" && len(mb.Addresses) > 0 {
		to = mb.Addresses[0].Value
	}
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return errSetup{fmt.Errorf("from '%s': %v", m.From, err)}
	}
	r.mails++
	var b strings.Builder
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", from.String())
	header("To", to)
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", r.w.clock.Now().Format(time.RFC1123Z))
	header("Message-ID", fmt.Sprintf("<scenario-%d@mail.example>", r.mails))
	if m.ReplyTo != "" {
		answered := r.resolve(m.ReplyTo)
		if _, err := r.storeTicket(ctx, answered); err != nil {
			return errSetup{fmt.Errorf("reply_to %s: %v", m.ReplyTo, err)}
		}
		id := r.w.threads.MessageID(fmt.Sprintf("scenario-%d", r.mails), answered, to)
		header("In-Reply-To", id)
		header("References", id)
	}
	keys := make([]string, 0, len(m.Headers))
	for k := range m.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		header(k, m.Headers[k])
	}
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "8bit")
	b.WriteString("\r\n")
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n"))

	rec, err := r.w.app.MailIn.File(ctx, mailbox, []byte(b.String()))
	if err != nil {
		return err
	}
	if m.Outcome != "" && rec.Outcome != m.Outcome {
		why := ""
		if rec.Reason != "" {
			why = " (" + rec.Reason + ")"
		}
		return errSetup{fmt.Errorf("the mail became %s%s, want %s", rec.Outcome, why, m.Outcome)}
	}
	if rec.Ticket != "" {
		*number = rec.Ticket
		r.last = rec.Ticket
		if st.Name != "" {
			r.names[st.Name] = rec.Ticket
		}
	} else if st.Name != "" {
		return errSetup{fmt.Errorf("the mail became %s, no ticket to name %s", rec.Outcome, st.Name)}
	}
	return nil
}
