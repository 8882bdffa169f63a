package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Security modes of an SMTP connection.
const (
	// TLSStartTLS upgrades a plain connection with STARTTLS and refuses a
	// server that does not offer it (smtp://, port 587 by default).
	TLSStartTLS = "starttls"
	// TLSImplicit speaks TLS from the start (smtps://, port 465).
	TLSImplicit = "tls"
	// TLSNone sends in the clear, for a relay on the same host
	// (smtp://host:25?tls=none). Credentials are refused in this mode
	// except to a loopback address.
	TLSNone = "none"
)

// SMTPConfig says how to reach the mail server.
type SMTPConfig struct {
	// Addr is host:port.
	Addr string
	// Security is TLSStartTLS, TLSImplicit or TLSNone.
	Security string
	// Username and Password, if set, log in (PLAIN, else LOGIN).
	Username, Password string
	// Helo is the name given in EHLO. Default: "localhost".
	Helo string
	// TLS is the TLS configuration; nil verifies the server against the
	// system's roots for the host of Addr.
	TLS *tls.Config
	// Timeout bounds connecting and each command. Default: 30 s.
	Timeout time.Duration
}

// ParseSMTPURL reads --smtp-url: smtp://user:password@host:587 (STARTTLS),
// smtps://user:password@host:465 (TLS), smtp://host:25?tls=none (a local
// relay, no TLS). A "helo" parameter sets the EHLO name.
func ParseSMTPURL(raw string) (SMTPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return SMTPConfig{}, fmt.Errorf("smtp url: %w", err)
	}
	var c SMTPConfig
	port := ""
	switch u.Scheme {
	case "smtp":
		c.Security, port = TLSStartTLS, "587"
	case "smtps":
		c.Security, port = TLSImplicit, "465"
	default:
		return SMTPConfig{}, fmt.Errorf("smtp url: scheme %q: want smtp or smtps", u.Scheme)
	}
	if u.Hostname() == "" {
		return SMTPConfig{}, errors.New("smtp url: no host")
	}
	if u.Port() != "" {
		port = u.Port()
	}
	c.Addr = net.JoinHostPort(u.Hostname(), port)
	q := u.Query()
	switch mode := q.Get("tls"); mode {
	case "":
	case TLSNone, TLSStartTLS:
		if u.Scheme == "smtps" {
			return SMTPConfig{}, fmt.Errorf("smtp url: smtps always uses TLS; tls=%s contradicts it", mode)
		}
		c.Security = mode
	default:
		return SMTPConfig{}, fmt.Errorf("smtp url: tls=%q: want starttls or none", mode)
	}
	c.Helo = q.Get("helo")
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	if c.Username != "" && c.Security == TLSNone && !loopback(u.Hostname()) {
		return SMTPConfig{}, errors.New("smtp url: refusing to send a password without TLS to another host")
	}
	return c, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Redacted is the configuration for logs, without the password.
func (c SMTPConfig) Redacted() string {
	user := ""
	if c.Username != "" {
		user = c.Username + "@"
	}
	return fmt.Sprintf("%s%s (%s)", user, c.Addr, c.Security)
}

// SMTPSender delivers mails to one SMTP server, a connection per batch.
type SMTPSender struct {
	cfg SMTPConfig
}

// NewSMTPSender returns a sender for the server.
func NewSMTPSender(cfg SMTPConfig) *SMTPSender {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Helo == "" {
		cfg.Helo = "localhost"
	}
	return &SMTPSender{cfg: cfg}
}

// PermanentError is a delivery the server refused for good (a 5xx reply,
// such as an unknown recipient): retrying would not help.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// session is an open connection to the server.
type session struct {
	c *smtp.Client
}

// Open connects, secures the connection and logs in.
func (s *SMTPSender) Open(ctx context.Context) (Conn, error) {
	cfg := s.cfg
	host, _, _ := net.SplitHostPort(cfg.Addr)
	tlsCfg := cfg.TLS
	if tlsCfg == nil {
		tlsCfg = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	d := net.Dialer{Timeout: cfg.Timeout}
	conn, err := d.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("smtp: connect to %s: %w", cfg.Addr, err)
	}
	// The deadline bounds the greeting and TLS handshake; commands after
	// it have the client's own timeouts.
	_ = conn.SetDeadline(time.Now().Add(cfg.Timeout))
	var c *smtp.Client
	switch cfg.Security {
	case TLSImplicit:
		c = smtp.NewClient(tls.Client(conn, tlsCfg))
	case TLSStartTLS:
		if c, err = smtp.NewClientStartTLS(conn, tlsCfg); err != nil {
			_ = conn.Close()
			return nil, fmt.Errorf("smtp: STARTTLS with %s (for a local relay without TLS use ?tls=none): %w", cfg.Addr, err)
		}
	default:
		c = smtp.NewClient(conn)
	}
	_ = conn.SetDeadline(time.Time{})
	c.CommandTimeout, c.SubmissionTimeout = cfg.Timeout, cfg.Timeout
	fail := func(step string, err error) (Conn, error) {
		_ = c.Close()
		return nil, fmt.Errorf("smtp: %s with %s: %w", step, cfg.Addr, err)
	}
	if err := c.Hello(cfg.Helo); err != nil {
		return fail("greeting", err)
	}
	if cfg.Username != "" {
		var auth sasl.Client
		switch {
		case c.SupportsAuth(sasl.Plain):
			auth = sasl.NewPlainClient("", cfg.Username, cfg.Password)
		case c.SupportsAuth(sasl.Login):
			auth = sasl.NewLoginClient(cfg.Username, cfg.Password)
		default:
			return fail("login", errors.New("the server offers neither PLAIN nor LOGIN"))
		}
		if err := c.Auth(auth); err != nil {
			return fail("login", err)
		}
	}
	return &session{c: c}, nil
}

// Send delivers one message. A refused sender is a *ConfigError, a
// recipient or message refused for good a *PermanentError; after both the
// session can send the next mail. After any other error it should be
// closed.
func (s *session) Send(from, to string, msg []byte) error {
	var opts *smtp.MailOptions
	if !isASCII(from) || !isASCII(to) {
		opts = &smtp.MailOptions{UTF8: true}
	}
	var se *smtp.SMTPError
	if err := s.c.Mail(from, opts); err != nil {
		if errors.As(err, &se) {
			_ = s.c.Reset()
			return &ConfigError{Err: fmt.Errorf("smtp: the server refuses the sender %s (check --mail-from): %w", from, err)}
		}
		return fmt.Errorf("smtp: send to %s: %w", to, err)
	}
	err := s.c.Rcpt(to, nil)
	if err == nil {
		var w io.WriteCloser
		if w, err = s.c.Data(); err == nil {
			if _, err = w.Write(msg); err == nil {
				err = w.Close()
			}
		}
	}
	if errors.As(err, &se) && se.Code >= 500 {
		_ = s.c.Reset()
		return &PermanentError{Err: fmt.Errorf("smtp: %s refused: %w", to, err)}
	}
	if err != nil {
		return fmt.Errorf("smtp: send to %s: %w", to, err)
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Close ends the session politely.
func (s *session) Close() error {
	if err := s.c.Quit(); err != nil {
		_ = s.c.Close()
		return err
	}
	return nil
}
