package mailin_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"vorgang/core/mailin"
)

// running runs p until the test ends.
func running(t *testing.T, p *mailin.Poller) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); p.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// waitFor waits until cond holds; the deadline only keeps a broken run
// from hanging.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestIdleFilesNewMailAtOnce: the mailbox is read once an hour, yet a
// message that arrives is filed at once, as the server says so over IDLE.
func TestIdleFilesNewMailAtOnce(t *testing.T) {
	e := newEnv(t, options{pollEvery: "1h"})
	e.deliver("new-request.eml")
	running(t, e.app.MailIn)
	waitFor(t, "the first round", func() bool { return len(e.records(mailin.OutcomeTicket)) == 1 })
	e.deliver("reply.eml", "{{TO}}", "desk@example.org", "{{SUBJECT}}", "Another request", "{{ID}}", "idle-1", "{{THREAD}}", "")
	waitFor(t, "the message that came while idling", func() bool {
		return len(e.records(mailin.OutcomeTicket))+len(e.records(mailin.OutcomeReply)) == 2
	})
	e.folders(0, 2, 0)
}

// logBuffer keeps log lines for a test.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestWithoutIdleTheMailboxIsPolled: a server without IDLE is read every
// poll_every, and the log says so.
func TestWithoutIdleTheMailboxIsPolled(t *testing.T) {
	e := newEnv(t, options{noIdle: true})
	var logs logBuffer
	p, err := mailin.New(mailin.Config{Store: e.app.Store, Receiver: e.app.Engine, Catalog: e.app.Catalog,
		Threads: e.threads, Holder: "test-" + t.Name(), Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	e.deliver("new-request.eml")
	running(t, p)
	waitFor(t, "the first round", func() bool { return len(e.records(mailin.OutcomeTicket)) == 1 })
	waitFor(t, "the log of a server without IDLE", func() bool { return strings.Contains(logs.String(), "offers no IDLE") })
	e.deliver("reply.eml", "{{TO}}", "desk@example.org", "{{SUBJECT}}", "Another request", "{{ID}}", "poll-1", "{{THREAD}}", "")
	waitFor(t, "the next round", func() bool {
		return len(e.records(mailin.OutcomeTicket))+len(e.records(mailin.OutcomeReply)) == 2
	})
}
