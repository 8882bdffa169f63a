package notify_test

import (
	"crypto/tls"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"vorgang/core/notify"
)

// loginConfig reaches srv with STARTTLS, trusting pool, and logs in with
// password.
func loginConfig(srv *mailServer, pool *x509.CertPool, password string) notify.SMTPConfig {
	return notify.SMTPConfig{Addr: srv.addr, Security: notify.TLSStartTLS, Username: "vorgang", Password: password,
		TLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}}
}

// TestMailsWaitForAWorkingConfiguration: a mail that cannot go out for a
// reason of the configuration (none yet, a wrong password, a sender the
// server refuses) waits in the outbox however often it is tried, and goes
// out, from the sender configured at delivery, once the configuration
// works.
func TestMailsWaitForAWorkingConfiguration(t *testing.T) {
	const sender = "IT-Servicedesk <servicedesk@example.org>"
	serverTLS, pool := selfSigned(t)
	tests := []struct {
		name string
		// broken is the worker of the first rounds, given the server.
		broken func(d *desk, srv *mailServer) *notify.Worker
		// fixed is the worker once the configuration is right.
		fixed func(d *desk, srv *mailServer) *notify.Worker
	}{
		{"queued before a mail server was configured",
			func(d *desk, _ *mailServer) *notify.Worker { return d.workerWith(t, nil, "") },
			func(d *desk, srv *mailServer) *notify.Worker {
				return d.workerWith(t, notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.addr, Security: notify.TLSNone}), sender)
			}},
		{"a wrong password",
			func(d *desk, srv *mailServer) *notify.Worker {
				return d.workerWith(t, notify.NewSMTPSender(loginConfig(srv, pool, "falsch")), sender)
			},
			func(d *desk, srv *mailServer) *notify.Worker {
				return d.workerWith(t, notify.NewSMTPSender(loginConfig(srv, pool, "geheim")), sender)
			}},
		{"a sender address the server refuses",
			func(d *desk, srv *mailServer) *notify.Worker {
				srv.refuseFrom["noreply@example.com"] = true
				return d.workerWith(t, notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.addr, Security: notify.TLSNone}), "noreply@example.com")
			},
			func(d *desk, srv *mailServer) *notify.Worker {
				return d.workerWith(t, notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.addr, Security: notify.TLSNone}), sender)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDesk(t)
			srv := newMailServer(t)
			if strings.Contains(tt.name, "password") {
				srv.stop()
				srv.tls, srv.user, srv.pass = serverTLS, "vorgang", "geheim"
				srv.restart()
			}
			d.create(t, "anna")
			d.create(t, "anna")
			broken := tt.broken(d, srv)
			for range 10 { // twice MaxAttempts
				_ = drain(t, broken)
				d.clk.Advance(2 * time.Hour)
			}
			if f, _, err := notify.Failed(t.Context(), d.st, "", 10); err != nil || len(f) != 0 {
				t.Fatalf("mails failed for good: %+v, %v", f, err)
			}
			if q, _, err := notify.Queued(t.Context(), d.st, "", 10); err != nil || len(q) != 2 {
				t.Fatalf("queued: %d mails, %v; want 2", len(q), err)
			}
			if got := len(srv.received()); got != 0 {
				t.Fatalf("%d mails delivered with the broken configuration", got)
			}

			d.clk.Advance(2 * time.Hour)
			if err := drain(t, tt.fixed(d, srv)); err != nil {
				t.Fatal(err)
			}
			got := srv.received()
			if len(got) != 2 {
				t.Fatalf("%d mails delivered once the configuration works, want 2", len(got))
			}
			for _, m := range got {
				if m.From != "servicedesk@example.org" || !strings.Contains(string(m.Raw), "From: \"IT-Servicedesk\" <servicedesk@example.org>") {
					t.Errorf("mail from %q, header:\n%.300s", m.From, m.Raw)
				}
			}
		})
	}
}
