package mailin_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"vorgang/core/internal/dovecottest"
	"vorgang/core/notify"
)

// TestXOAUTH2SignIn reads a mailbox whose account signs in with an access
// token over SASL XOAUTH2, as Microsoft 365 wants: the token is read
// from its file at every connection, so a renewed token is used without
// a restart, and a refused one fails the round with the server's reason
// and files nothing.
func TestXOAUTH2SignIn(t *testing.T) {
	imap := dovecottest.Start(t, dovecottest.Options{XOAUTH2: true})
	tokenFile := filepath.Join(t.TempDir(), "imap-token")
	writeToken := func(token string) {
		t.Helper()
		if err := os.WriteFile(tokenFile, []byte(token+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// dovecot checks the bearer token as the account's password.
	writeToken(dovecottest.Password)
	a, clock := newApp(t, "imap-mailbox.yaml", options{}, "{{PORT}}", strconv.Itoa(imap.Port), "password: {file: {{PASSWORD_FILE}}}",
		"access_token: {file: "+tokenFile+"}")
	e := &env{t: t, imap: imap, app: a, threads: notify.NewThreads(secret), clock: clock}
	if mb := a.Catalog().Mailbox("desk"); mb.IMAP.AccessToken == nil || mb.IMAP.Password != nil {
		t.Fatalf("the mailbox does not sign in with a token: %+v", mb.IMAP)
	}
	e.deliver("new-request.eml")
	e.poll()
	e.only()
	e.folders(0, 1, 0)

	// An expired token: the round fails with the server's answer.
	writeToken("expired-token")
	e.deliver("reply.eml", "{{TO}}", "desk@example.org", "{{SUBJECT}}", "Noch etwas", "{{ID}}", "second", "{{THREAD}}", "")
	_, err := a.MailIn.Poll(context.Background(), "desk")
	if err == nil || !strings.Contains(err.Error(), "XOAUTH2") {
		t.Fatalf("poll with a refused token = %v, want a failed XOAUTH2 sign-in", err)
	}
	if strings.Contains(err.Error(), "expired-token") {
		t.Errorf("the error shows the token: %v", err)
	}
	e.folders(1, 1, 0)

	// The helper renews the file: the next round signs in again.
	writeToken(dovecottest.Password)
	e.poll()
	e.folders(0, 2, 0)
}
