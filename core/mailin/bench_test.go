package mailin_test

// The ingest benchmarks file N messages into tickets on the embedded
// store, read from a real dovecot over IMAP or delivered over LMTP:
//
//	go test ./core/mailin -run '^$' -bench Ingest -benchtime 1x [-mailin.messages 500]
//
// docs/benchmarks.md records the figures.

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"vorgang/core/internal/testkit"
	"vorgang/core/mailin"
)

var benchMessages = flag.Int("mailin.messages", 500, "messages filed per run of BenchmarkIngest*")

// benchMessage is the i-th message of a run: a request of its own
// sender, every tenth with a screenshot attached.
func benchMessage(tb testing.TB, i int) []byte {
	tb.Helper()
	name := "new-request.eml"
	if i%10 == 9 {
		name = "attachment.eml"
	}
	msg := string(read(tb, name))
	msg = strings.NewReplacer("new-request-1@", fmt.Sprintf("bench-%d@", i), "attachment-1@", fmt.Sprintf("bench-%d@", i),
		"erika@example.net", fmt.Sprintf("citizen%d@example.net", i)).Replace(msg)
	return bytes.ReplaceAll([]byte(strings.ReplaceAll(msg, "\r\n", "\n")), []byte("\n"), []byte("\r\n"))
}

// BenchmarkIngestIMAP files what waits in the INBOX, round after round
// (at most 100 messages a round), until it is empty.
func BenchmarkIngestIMAP(b *testing.B) {
	n := *benchMessages
	for range b.N {
		b.StopTimer()
		e := newEnv(b, options{})
		for i := range n {
			e.imap.Append(b, "INBOX", benchMessage(b, i))
		}
		ctx := context.Background()
		b.StartTimer()
		start := time.Now()
		filed := 0
		for filed < n {
			r, err := e.app.MailIn.Poll(ctx, "desk")
			if err != nil {
				b.Fatal(err)
			}
			got := r.Handled[mailin.OutcomeTicket]
			if got == 0 {
				b.Fatalf("a round filed nothing after %d of %d", filed, n)
			}
			filed += got
		}
		elapsed := time.Since(start)
		b.StopTimer()
		b.ReportMetric(float64(n)/elapsed.Seconds(), "msgs/s")
		e.folders(0, n, 0)
	}
}

// BenchmarkIngestLMTP delivers the messages over LMTP: one after
// another over one connection, and over four connections at once, as a
// mail server with cached connections does (Postfix opens up to 20 to a
// destination).
func BenchmarkIngestLMTP(b *testing.B) {
	for _, conns := range []int{1, 4} {
		b.Run(fmt.Sprintf("connections=%d", conns), func(b *testing.B) {
			n := *benchMessages
			for range b.N {
				b.StopTimer()
				e := newLMTPEnv(b, options{})
				clients := make([]*smtp.Client, conns)
				for i := range clients {
					conn, err := net.Dial("tcp", e.addr)
					if err != nil {
						b.Fatal(err)
					}
					clients[i] = smtp.NewClientLMTP(conn)
					if err := clients[i].Hello("mx.example.org"); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				start := time.Now()
				var wg sync.WaitGroup
				errs := make([]error, conns)
				for k, c := range clients {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := k; i < n; i += conns {
							if err := deliverOne(c, benchMessage(b, i)); err != nil {
								errs[k] = err
								return
							}
						}
					}()
				}
				wg.Wait()
				elapsed := time.Since(start)
				b.StopTimer()
				if err := errors.Join(errs...); err != nil {
					b.Fatal(err)
				}
				for _, c := range clients {
					_ = c.Quit()
				}
				b.ReportMetric(float64(n)/elapsed.Seconds(), "msgs/s")
				if got := len(e.records(mailin.OutcomeTicket)); got != n {
					b.Fatalf("%d tickets, want %d", got, n)
				}
			}
		})
	}
}

// deliverOne sends one message to the desk over an open LMTP client.
func deliverOne(c *smtp.Client, msg []byte) error {
	if err := c.Mail("mx@example.net", nil); err != nil {
		return err
	}
	if err := c.Rcpt("desk@example.org", nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	_, err = w.CloseWithLMTPResponse()
	return err
}

// BenchmarkLargeAttachmentIMAP times how long the small messages of a
// round wait when a message with a 10 MB attachment is first in the
// INBOX, against the same round without it: until the last small one is
// stored (small-s) and until the round ends (round-s).
func BenchmarkLargeAttachmentIMAP(b *testing.B) {
	const small = 50
	for _, withLarge := range []bool{false, true} {
		b.Run(fmt.Sprintf("10MB=%v", withLarge), func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				e := newEnv(b, options{maxSize: "25MB"})
				if withLarge {
					e.imap.Append(b, "INBOX", largeMessage("large-1@example.net", 10<<20))
				}
				for i := range small {
					e.imap.Append(b, "INBOX", benchMessage(b, i))
				}
				var lastSmall time.Time
				smallStored := 0
				p, err := mailin.New(mailin.Config{Store: e.app.Store, Receiver: e.app.Engine, Catalog: e.app.Catalog,
					Threads: e.threads, Holder: "bench", Logger: testkit.Quiet,
					Stored: func(_ string, id string) error {
						if id != "large-1@example.net" {
							if smallStored++; smallStored == small {
								lastSmall = time.Now()
							}
						}
						return nil
					}})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				if _, err := p.Poll(context.Background(), "desk"); err != nil {
					b.Fatal(err)
				}
				end := time.Now()
				b.StopTimer()
				if smallStored != small {
					b.Fatalf("%d small messages stored, want %d", smallStored, small)
				}
				b.ReportMetric(lastSmall.Sub(start).Seconds(), "small-s")
				b.ReportMetric(end.Sub(start).Seconds(), "round-s")
			}
		})
	}
}
