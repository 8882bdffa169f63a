package mailin

import (
	"context"
	"log/slog"
	"time"

	"github.com/emersion/go-imap/client"

	"vorgang/core/definition"
)

// idleRestart is how long one IDLE command lasts before it is renewed:
// servers may log out a client idle for 30 minutes (RFC 2177).
const idleRestart = 20 * time.Minute

// idlers are the IDLE watches of the mailboxes this instance reads. A
// watch only wakes the next round (rounds still run every poll_every,
// so a lost watch or a server without IDLE costs time, never mail), and
// only the instance that held the mailbox's lease in its last round
// watches it, so several instances keep one IDLE connection per mailbox.
type idlers struct {
	p       *Poller
	wake    chan string
	running map[string]*idler
}

type idler struct {
	mb     *definition.Mailbox
	cancel context.CancelFunc
	done   chan struct{}
}

func newIdlers(p *Poller) *idlers {
	return &idlers{p: p, wake: make(chan string, 16), running: map[string]*idler{}}
}

// follow starts watching mb when this instance reads it and does not
// watch it yet (or watches an older definition of it), and stops when
// another instance reads it.
func (is *idlers) follow(ctx context.Context, mb *definition.Mailbox, held bool) {
	id := mb.ID.Value
	cur := is.running[id]
	if cur != nil && (!held || cur.mb != mb) {
		cur.stop()
		delete(is.running, id)
		cur = nil
	}
	if !held || cur != nil {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	w := &idler{mb: mb, cancel: cancel, done: make(chan struct{})}
	is.running[id] = w
	go func() {
		defer close(w.done)
		is.p.watch(ctx, mb, is.wake)
	}()
}

// keepOnly stops the watches of mailboxes no longer in the catalog.
func (is *idlers) keepOnly(mailboxes []*definition.Mailbox) {
	current := map[*definition.Mailbox]bool{}
	for _, mb := range mailboxes {
		current[mb] = true
	}
	for id, w := range is.running {
		if !current[w.mb] {
			w.stop()
			delete(is.running, id)
		}
	}
}

func (is *idlers) stopAll() {
	for id, w := range is.running {
		w.stop()
		delete(is.running, id)
	}
}

func (w *idler) stop() {
	w.cancel()
	<-w.done
}

// watch keeps a connection of its own on mb's folder in IDLE and sends
// the mailbox's id to wake when new mail arrives, until ctx ends. A
// server without IDLE is left to the rounds. A broken connection is
// opened again after the mailbox's interval.
func (p *Poller) watch(ctx context.Context, mb *definition.Mailbox, wake chan<- string) {
	log := p.log.With(slog.String("mailbox", mb.ID.Value))
	for ctx.Err() == nil {
		supported, err := p.idleOnce(ctx, mb, wake)
		if !supported {
			log.Info("the IMAP server offers no IDLE; the mailbox is read every poll_every", slog.Duration("poll_every", mb.Interval()))
			return
		}
		if err != nil && ctx.Err() == nil {
			log.Warn("watching the mailbox with IDLE failed; it is read every poll_every meanwhile", slog.String("error", err.Error()))
		}
		select {
		case <-ctx.Done():
		case <-time.After(mb.Interval()):
		}
	}
}

// idleOnce opens a connection and idles on it until ctx ends or the
// connection fails; supported is false when the server lacks IDLE.
func (p *Poller) idleOnce(ctx context.Context, mb *definition.Mailbox, wake chan<- string) (supported bool, err error) {
	updates := make(chan client.Update, 64)
	cn, err := open(mb, updates, p.cfg.IMAPTimeout)
	if err != nil {
		return true, err
	}
	defer func() {
		// Logging out may bring updates (BYE): read them meanwhile.
		quit := make(chan struct{})
		go func() {
			for {
				select {
				case <-updates:
				case <-quit:
					return
				}
			}
		}()
		cn.c.Timeout = cn.timeout
		cn.close()
		close(quit)
	}()
	if ok, err := cn.c.Support("IDLE"); err != nil || !ok {
		return ok || err != nil, err
	}
	stop := make(chan struct{})
	done := make(chan error, 1)
	// The client's own timeout would end IDLE after a while of silence;
	// IDLE is renewed every idleRestart instead.
	cn.c.Timeout = 0
	go func() { done <- cn.c.Idle(stop, &client.IdleOptions{LogoutTimeout: idleRestart}) }()
	// Mail that came between the last round and this watch sent no
	// update: one round now takes it.
	select {
	case wake <- mb.ID.Value:
	default:
	}
	for {
		select {
		case <-ctx.Done():
			close(stop)
			<-done
			return true, nil
		case err := <-done:
			return true, err
		case u := <-updates:
			// EXISTS (a new message) comes as a mailbox update; expunges
			// (our own moves) and flag changes wake nobody.
			if _, ok := u.(*client.MailboxUpdate); ok {
				select {
				case wake <- mb.ID.Value:
				default: // a wake is pending already
				}
			}
		}
	}
}
