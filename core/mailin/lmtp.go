package mailin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"

	"vorgang/core/definition"
)

// Listener takes the mail a site's mail server delivers over LMTP (RFC
// 2033) for the mailboxes with `delivery: lmtp`. A recipient no such
// mailbox serves is refused (550); a message is answered 250 only after
// its ticket or comment and its record are stored, and 451 when they
// could not be, so the mail server keeps it and tries again.
type Listener struct {
	filer
	addr string

	mu  sync.Mutex
	srv *smtp.Server
	ln  net.Listener
}

// NewListener returns a Listener that Run opens on addr (host:port).
// Config is the Poller's.
func NewListener(cfg Config, addr string) (*Listener, error) {
	p, err := New(cfg)
	if err != nil {
		return nil, err
	}
	return &Listener{filer: filer{cfg: p.cfg, log: p.cfg.Logger.With(slog.String("component", "lmtp"))}, addr: addr}, nil
}

// lmtpTimeout bounds reading a command or the message from the mail
// server, and writing an answer.
const lmtpTimeout = 5 * time.Minute

// fileTimeout bounds filing one message; the mail server waits for it.
const fileTimeout = 2 * time.Minute

// Run opens the listener as soon as the catalog has a mailbox delivered
// over LMTP (at start or after a reload), serves until ctx ends, and
// closes it. With no address it does nothing. An address it cannot listen
// on is logged and tried again each minute: the mail server keeps its
// mail meanwhile, and the rest of vorgang runs on.
func (l *Listener) Run(ctx context.Context) error {
	if l.addr == "" {
		return nil
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	var retry time.Time
	for {
		if l.wanted() && time.Now().After(retry) {
			ln, err := net.Listen("tcp", l.addr)
			if err == nil {
				return l.serveOpened(ctx, ln)
			}
			l.log.Error("the LMTP listener cannot open; it tries again in a minute", slog.String("addr", l.addr), slog.String("error", err.Error()))
			retry = time.Now().Add(time.Minute)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func (l *Listener) serveOpened(ctx context.Context, ln net.Listener) error {
	if a, ok := ln.Addr().(*net.TCPAddr); ok && !a.IP.IsLoopback() {
		l.log.Warn("the LMTP listener takes mail from beyond this host; LMTP has no authentication, so keep it behind a firewall that lets only the mail server in",
			slog.String("addr", ln.Addr().String()))
	}
	l.log.Info("LMTP listener open", slog.String("addr", ln.Addr().String()))
	return l.Serve(ctx, ln)
}

// wanted reports whether a mailbox of the catalog is delivered over LMTP.
func (l *Listener) wanted() bool {
	for _, mb := range l.cfg.Catalog().Mailboxes() {
		if mb.LMTP() {
			return true
		}
	}
	return false
}

// Addr is the address the listener is open on, or nil.
func (l *Listener) Addr() net.Addr {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ln == nil {
		return nil
	}
	return l.ln.Addr()
}

// Serve takes LMTP connections on ln until ctx ends or Close is called;
// messages are filed under ctx.
func (l *Listener) Serve(ctx context.Context, ln net.Listener) error {
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &lmtpSession{l: l, ctx: ctx}, nil
	}))
	srv.LMTP = true
	srv.Domain = "vorgang"
	srv.ReadTimeout, srv.WriteTimeout = lmtpTimeout, lmtpTimeout
	// One message may be filed for each mailbox; more recipients in one
	// transaction are the mail server's to split.
	srv.MaxRecipients = 50
	srv.ErrorLog = slogErrors{l.log}
	l.mu.Lock()
	l.srv, l.ln = srv, ln
	l.mu.Unlock()
	stop := context.AfterFunc(ctx, func() { _ = srv.Close() })
	defer stop()
	err := srv.Serve(ln)
	if errors.Is(err, smtp.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// Close stops taking connections and closes the open ones.
func (l *Listener) Close() error {
	l.mu.Lock()
	srv := l.srv
	l.mu.Unlock()
	if srv == nil {
		return nil
	}
	if err := srv.Close(); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
		return fmt.Errorf("mailin: close LMTP listener: %w", err)
	}
	return nil
}

// slogErrors passes go-smtp's error log to the logger.
type slogErrors struct{ log *slog.Logger }

func (s slogErrors) Printf(format string, v ...any) {
	s.log.Warn("LMTP", slog.String("error", fmt.Sprintf(format, v...)))
}

func (s slogErrors) Println(v ...any) {
	s.log.Warn("LMTP", slog.String("error", strings.TrimSpace(fmt.Sprintln(v...))))
}

// Answers of the listener.
var (
	replyNoMailbox = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no mailbox of vorgang has this address"}
	replyTooLarge  = &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4}, Message: "message larger than the mailbox takes"}
	replyUnstored  = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "message not stored now, try again later"}
	replyMalformed = &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "message cannot be read"}
	replyRefused   = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "the desk does not take this message"}
)

// lmtpSession is one connection's transaction: the mailboxes its
// recipients are for.
type lmtpSession struct {
	l   *Listener
	ctx context.Context
	// rcpts are the recipients in the order given, each with its mailbox.
	rcpts []lmtpRcpt
}

type lmtpRcpt struct {
	to string
	mb *definition.Mailbox
}

func (s *lmtpSession) Reset()        { s.rcpts = nil }
func (s *lmtpSession) Logout() error { return nil }

// Mail refuses a message its SIZE says is larger than any mailbox takes.
func (s *lmtpSession) Mail(_ string, opts *smtp.MailOptions) error {
	s.rcpts = nil
	if opts != nil && opts.Size > 0 && opts.Size > s.largest() {
		return replyTooLarge
	}
	return nil
}

// largest is the largest max_size of the mailboxes delivered over LMTP.
func (s *lmtpSession) largest() int64 {
	var n int64
	for _, mb := range s.l.cfg.Catalog().Mailboxes() {
		if mb.LMTP() {
			n = max(n, mb.Limit())
		}
	}
	return n
}

// Rcpt takes a recipient that a mailbox delivered over LMTP serves: one of
// its addresses, or a plus-address of one.
func (s *lmtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	for _, mb := range s.l.cfg.Catalog().Mailboxes() {
		if mb.LMTP() && mb.Serves(to) {
			s.rcpts = append(s.rcpts, lmtpRcpt{to: to, mb: mb})
			return nil
		}
	}
	s.l.log.Info("LMTP recipient refused: no mailbox", slog.String("to", to))
	return replyNoMailbox
}

// Data is not called over LMTP (LMTPData is); it files for every
// recipient and answers with the first failure.
func (s *lmtpSession) Data(r io.Reader) error {
	var first error
	for _, err := range s.deliver(r) {
		if err != nil && first == nil {
			first = err
		}
	}
	return first
}

// LMTPData files the message once for each mailbox among the recipients,
// and answers each recipient with its mailbox's result.
func (s *lmtpSession) LMTPData(r io.Reader, status smtp.StatusCollector) error {
	results := s.deliver(r)
	for i, rc := range s.rcpts {
		status.SetStatus(rc.to, results[i])
	}
	return nil
}

// deliver reads the message (no more than the largest max_size of its
// mailboxes) and files it; the result of each recipient, in order.
func (s *lmtpSession) deliver(r io.Reader) []error {
	out := make([]error, len(s.rcpts))
	var limit int64
	for _, rc := range s.rcpts {
		limit = max(limit, rc.mb.Limit())
	}
	raw, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		for i := range out {
			out[i] = replyUnstored
		}
		return out
	}
	// One filing per mailbox, with the recipients it was sent to: a
	// plus-address among them names the ticket a reply is for.
	byMailbox := map[string][]string{}
	for _, rc := range s.rcpts {
		byMailbox[rc.mb.ID.Value] = append(byMailbox[rc.mb.ID.Value], rc.to)
	}
	done := map[string]error{}
	for i, rc := range s.rcpts {
		id := rc.mb.ID.Value
		if err, ok := done[id]; ok {
			out[i] = err
			continue
		}
		done[id] = s.file(rc.mb, raw, byMailbox[id])
		out[i] = done[id]
	}
	return out
}

// file files raw for mailbox mb and turns the outcome into the answer to
// the mail server.
func (s *lmtpSession) file(mb *definition.Mailbox, raw []byte, envelope []string) error {
	log := s.l.log.With(slog.String("mailbox", mb.ID.Value))
	if int64(len(raw)) > mb.Limit() {
		log.Warn("LMTP message refused: larger than max_size", slog.Int64("max_size", mb.Limit()))
		return replyTooLarge
	}
	ctx, cancel := context.WithTimeout(s.ctx, fileTimeout)
	defer cancel()
	r, err := s.l.file(ctx, mb, raw, envelope)
	if err != nil {
		log.Warn("LMTP message not stored; the mail server tries again", slog.String("error", err.Error()))
		return replyUnstored
	}
	attrs := []any{slog.String("outcome", r.Outcome)}
	for k, v := range map[string]string{"message_id": r.MessageID, "ticket": r.Ticket, "reason": r.Reason} {
		if v != "" {
			attrs = append(attrs, slog.String(k, v))
		}
	}
	switch {
	case r.Outcome == OutcomeRejected && strings.HasPrefix(r.Reason, errMalformed.Error()):
		log.Warn("LMTP message refused", attrs...)
		return replyMalformed
	case r.Outcome == OutcomeRejected:
		log.Warn("LMTP message refused", attrs...)
		return replyRefused
	case r.Outcome == OutcomeQuarantine:
		log.Warn("mail quarantined", attrs...)
	default:
		log.Info("mail filed", attrs...)
	}
	return nil
}
