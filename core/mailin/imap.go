package mailin

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"

	"vorgang/core/definition"
)

// doneKeyword marks a message handled on a server without MOVE: it stays
// in the folder read, \Seen and with this keyword, and is not read again.
const doneKeyword = "$VorgangDone"

// conn is one IMAP session on a mailbox's folder.
type conn struct {
	c       *client.Client
	move    bool
	timeout time.Duration
}

// dialTimeout bounds connecting and each command unless
// Config.IMAPTimeout says otherwise.
const dialTimeout = 30 * time.Second

// open connects and logs in as the mailbox's account, creates the
// processed and quarantine folders when missing, and selects the folder
// read. The server's unsolicited answers (new mail while idling) go to
// updates when it is set; it must be read.
func open(mb *definition.Mailbox, updates chan client.Update, timeout time.Duration) (*conn, error) {
	if mb.IMAP == nil {
		return nil, fmt.Errorf("mailbox %s is delivered over LMTP, it has no IMAP account", mb.ID.Value)
	}
	var err error
	addr := net.JoinHostPort(mb.IMAP.Host.Value, strconv.Itoa(mb.Port()))
	tlsConf := &tls.Config{ServerName: mb.IMAP.Host.Value, MinVersion: tls.VersionTLS12}
	dialer := &net.Dialer{Timeout: timeout}
	var c *client.Client
	switch mb.IMAP.TLS {
	case "none":
		c, err = client.DialWithDialer(dialer, addr)
	case "starttls":
		c, err = client.DialWithDialer(dialer, addr)
		if err == nil {
			if err = c.StartTLS(tlsConf); err != nil {
				_ = c.Logout()
			}
		}
	default:
		c, err = client.DialWithDialerTLS(dialer, addr, tlsConf)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", addr, err)
	}
	c.Timeout = timeout
	if updates != nil {
		c.Updates = updates
	}
	cn := &conn{c: c, timeout: timeout}
	if err := signIn(c, mb.IMAP); err != nil {
		cn.close()
		return nil, err
	}
	if cn.move, err = c.Support("MOVE"); err != nil {
		cn.close()
		return nil, fmt.Errorf("capabilities: %w", err)
	}
	for _, f := range []string{mb.ProcessedFolder(), mb.QuarantineFolder()} {
		if err := cn.ensure(f); err != nil {
			cn.close()
			return nil, err
		}
	}
	if _, err := c.Select(mb.Folder(), false); err != nil {
		cn.close()
		return nil, fmt.Errorf("select %s: %w", mb.Folder(), err)
	}
	return cn, nil
}

func (cn *conn) close() { _ = cn.c.Logout() }

// rest clears the connection's deadline before a pause between commands
// (filing a fetched chunk, which may take long on a loaded machine):
// go-imap sets a deadline when a command starts and leaves it in force
// after the command ends, so a pause longer than the timeout closed the
// connection under the round. A NOOP without a timeout clears it; the
// next command sets its own.
func (cn *conn) rest() error {
	cn.c.Timeout = 0
	err := cn.c.Noop()
	cn.c.Timeout = cn.timeout
	if err != nil {
		return fmt.Errorf("noop: %w", err)
	}
	return nil
}

// signIn logs in with the account's password, or with its access token
// over SASL XOAUTH2. The secret is read now, so a token file a helper
// renews is read afresh by every connection.
func signIn(c *client.Client, acct *definition.MailboxIMAP) error {
	user := acct.Username.Value
	if acct.AccessToken != nil {
		token, err := acct.AccessToken.Read()
		if err != nil {
			return fmt.Errorf("access token: %w", err)
		}
		x := &xoauth2{user: user, token: strings.TrimSpace(token)}
		if err := c.Authenticate(x); err != nil {
			if x.refusal != "" {
				return fmt.Errorf("sign in as %s with XOAUTH2: %w (the server says %s)", user, err, x.refusal)
			}
			return fmt.Errorf("sign in as %s with XOAUTH2: %w", user, err)
		}
		return nil
	}
	password, err := acct.Password.Read()
	if err != nil {
		return fmt.Errorf("password: %w", err)
	}
	if err := c.Login(user, password); err != nil {
		return fmt.Errorf("login as %s: %w", user, err)
	}
	return nil
}

// ensure creates folder unless it exists.
func (cn *conn) ensure(folder string) error {
	ch := make(chan *imap.MailboxInfo, 4)
	done := make(chan error, 1)
	go func() { done <- cn.c.List("", folder, ch) }()
	found := false
	for range ch {
		found = true
	}
	if err := <-done; err != nil {
		return fmt.Errorf("list %s: %w", folder, err)
	}
	if found {
		return nil
	}
	if err := cn.c.Create(folder); err != nil {
		return fmt.Errorf("create folder %s: %w", folder, err)
	}
	return nil
}

// pending is a message waiting in the folder read.
type pending struct {
	uid  uint32
	size uint32
}

// waiting lists the messages not yet handled, oldest first, with their
// sizes.
func (cn *conn) waiting() ([]pending, error) {
	crit := imap.NewSearchCriteria()
	crit.WithoutFlags = []string{imap.DeletedFlag, doneKeyword}
	uids, err := cn.c.UidSearch(crit)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if len(uids) == 0 {
		return nil, nil
	}
	set := new(imap.SeqSet)
	set.AddNum(uids...)
	ch := make(chan *imap.Message, 16)
	done := make(chan error, 1)
	go func() { done <- cn.c.UidFetch(set, []imap.FetchItem{imap.FetchUid, imap.FetchRFC822Size}, ch) }()
	var out []pending
	for m := range ch {
		out = append(out, pending{uid: m.Uid, size: m.Size})
	}
	if err := <-done; err != nil {
		return nil, fmt.Errorf("fetch sizes: %w", err)
	}
	return out, nil
}

// fetch reads whole messages without marking them \Seen, by UID.
func (cn *conn) fetch(uids ...uint32) (map[uint32][]byte, error) {
	set := new(imap.SeqSet)
	set.AddNum(uids...)
	section := &imap.BodySectionName{Peek: true}
	ch := make(chan *imap.Message, len(uids))
	done := make(chan error, 1)
	go func() {
		done <- cn.c.UidFetch(set, []imap.FetchItem{imap.FetchUid, section.FetchItem()}, ch)
	}()
	out := make(map[uint32][]byte, len(uids))
	var rerr error
	for m := range ch {
		if body := m.GetBody(section); body != nil {
			raw, err := io.ReadAll(body)
			if err != nil && rerr == nil {
				rerr = fmt.Errorf("fetch %d: %w", m.Uid, err)
			}
			out[m.Uid] = raw
		}
	}
	if err := <-done; err != nil {
		return nil, fmt.Errorf("fetch %v: %w", uids, err)
	}
	if rerr != nil {
		return nil, rerr
	}
	return out, nil
}

// file moves messages to folder; without MOVE it copies them there and
// marks the originals \Seen and done, deleting nothing.
func (cn *conn) file(folder string, uids ...uint32) error {
	set := new(imap.SeqSet)
	set.AddNum(uids...)
	if cn.move {
		if err := cn.c.UidMove(set, folder); err != nil {
			return fmt.Errorf("move %v to %s: %w", uids, folder, err)
		}
		return nil
	}
	if err := cn.c.UidCopy(set, folder); err != nil {
		return fmt.Errorf("copy %v to %s: %w", uids, folder, err)
	}
	flags := []any{imap.SeenFlag, doneKeyword}
	if err := cn.c.UidStore(set, imap.FormatFlagsOp(imap.AddFlags, true), flags, nil); err != nil {
		return fmt.Errorf("flag %v as done: %w", uids, err)
	}
	return nil
}

// moveByMessageID moves the messages with the Message-IDs of left from
// folder from to folder to, calling done for each one moved or not found
// there. It leaves folder from selected.
func (cn *conn) moveByMessageID(from, to string, left []leftMail, done func(leftMail)) error {
	if _, err := cn.c.Select(from, false); err != nil {
		return fmt.Errorf("select %s: %w", from, err)
	}
	var errs []error
	for _, l := range left {
		crit := imap.NewSearchCriteria()
		crit.Header.Add("Message-ID", "<"+l.MessageID+">")
		crit.WithoutFlags = []string{imap.DeletedFlag, doneKeyword}
		uids, err := cn.c.UidSearch(crit)
		if err != nil {
			errs = append(errs, fmt.Errorf("search %s: %w", l.MessageID, err))
			continue
		}
		if len(uids) > 0 {
			if err := cn.file(to, uids...); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		done(l)
	}
	return errors.Join(errs...)
}
