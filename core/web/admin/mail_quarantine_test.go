package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"vorgang/core/definition"
	"vorgang/core/web/internal/webtest"
)

// mailDesk is a desk with a mailbox, for the quarantine pages.
const mailDesk = `apiVersion: vorgang/v1
kind: Form
id: mail-request
title: {de: Anfrage per E-Mail, en: Request by e-mail}
fields:
  - {id: subject, type: text, label: Betreff, required: true, max_length: 200}
  - {id: body, type: textarea, label: Text}
  - {id: email, type: email, label: E-Mail}
  - {id: files, type: file, label: Anhänge, accept: [application/pdf], max_items: 3}
---
apiVersion: vorgang/v1
kind: Process
id: mail-request
title: {de: Anfrage per E-Mail, en: Request by e-mail}
form: mail-request
audience: [staff]
team: it-1st-level
numbering: {prefix: MAIL, digits: 6}
states:
  - {id: new, category: open, title: Neu}
  - {id: done, category: resolved, title: Erledigt}
transitions:
  - {id: finish, from: [new], to: done, title: Erledigen}
---
apiVersion: vorgang/v1
kind: Mailbox
id: desk
title: Desk
addresses: [desk@example.org]
delivery: lmtp
process: mail-request
fields: {subject: subject, body: body, sender: email, attachments: files}
`

// An automatic reply whose subject, text and attachment name try to
// inject markup: the page shows them as text.
const hostileAutoReply = "From: Hans Abwesend <hans@example.net>\r\n" +
	"To: desk@example.org\r\n" +
	"Subject: =?utf-8?q?Abwesend_<script>alert(1)</script>_=C3=BCberall?=\r\n" +
	"Message-ID: <auto-xss@example.net>\r\n" +
	"Auto-Submitted: auto-replied\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=b1\r\n" +
	"\r\n" +
	"--b1\r\n" +
	"Content-Type: text/html; charset=utf-8\r\n" +
	"\r\n" +
	"<p>Ich bin <b>nicht</b> da.</p><script>alert('x')</script><img src=x onerror=alert(2)>\r\n" +
	"--b1\r\n" +
	"Content-Type: application/pdf; name=\"<img src=x onerror=alert(3)>.pdf\"\r\n" +
	"Content-Disposition: attachment; filename=\"<img src=x onerror=alert(3)>.pdf\"\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"JVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDw+PgplbmRvYmoKdHJhaWxlcgo8PD4+CiUlRU9GCg==\r\n" +
	"--b1--\r\n"

const listMail = "From: news@lists.example\r\n" +
	"To: desk@example.org\r\n" +
	"Subject: Monthly news\r\n" +
	"Message-ID: <news-1@lists.example>\r\n" +
	"Precedence: list\r\n" +
	"\r\n" +
	"News of the month.\r\n"

// quarantineEnv is the app with the mail desk and two quarantined
// messages.
func quarantineEnv(t *testing.T) *webtest.UIEnv {
	t.Helper()
	env := webtest.NewUIEnv(t, webtest.UIOptions{Files: []definition.File{{Path: "mail/desk.yaml", Data: []byte(mailDesk)}}})
	for _, raw := range []string{hostileAutoReply, listMail} {
		if err := env.FileMail(context.Background(), "desk", []byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	return env
}

var quarantineLink = regexp.MustCompile(`href="(/admin/mail-quarantine/[0-9a-f-]+)">([^<]*)</a>`)

// links are the messages the list links to, by subject as shown.
func links(t *testing.T, body string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range quarantineLink.FindAllStringSubmatch(body, -1) {
		out[webtest.HTMLUnescape(m[2])] = m[1]
	}
	return out
}

// TestMailQuarantinePages: an administrator lists the quarantine, reads
// a message (its markup shown as text, its attachment only named),
// releases it into a ticket and discards the other, with plain form
// posts; a post without the CSRF token changes nothing.
func TestMailQuarantinePages(t *testing.T) {
	env := quarantineEnv(t)
	root := env.Browser(t)
	root.Login("root")
	list := root.Get("/admin/mail-quarantine")
	if list.Status != http.StatusOK {
		t.Fatalf("list: %d", list.Status)
	}
	if strings.Contains(list.Body, "<script>alert") {
		t.Fatal("the list carries the subject's markup")
	}
	ls := links(t, list.Body)
	auto, news := ls["Abwesend <script>alert(1)</script> überall"], ls["Monthly news"]
	if auto == "" || news == "" || !strings.Contains(list.Body, "automatic mail (Auto-Submitted: auto-replied)") || !strings.Contains(list.Body, "hans@example.net") {
		t.Fatalf("list lacks the messages or their reasons: %v\n%s", ls, list.Body)
	}

	page := root.Get(auto)
	if page.Status != http.StatusOK {
		t.Fatalf("message page: %d", page.Status)
	}
	for _, bad := range []string{"<script>", "<img", "onerror=alert(2)>"} {
		if strings.Contains(page.Body, bad) {
			t.Errorf("the message page carries %q", bad)
		}
	}
	for _, want := range []string{"Ich bin nicht da.", "&lt;img src=x onerror=alert(3)&gt;.pdf", "application/pdf", "Auto-Submitted", "auto-xss@example.net"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the message page lacks %q", want)
		}
	}
	csrf := webtest.Hidden(t, page.Body, "_csrf")

	if p := root.Post(auto+"/release", url.Values{}); p.Status != http.StatusForbidden {
		t.Errorf("release without the CSRF token: %d", p.Status)
	}
	p := root.Post(auto+"/release", url.Values{"_csrf": {csrf}})
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/admin/mail-quarantine?") {
		t.Fatalf("release: %d %s\n%s", p.Status, p.Location, p.Body)
	}
	after := root.Get(p.Location)
	number := regexp.MustCompile(`Ticket (MAIL-[0-9-]+[0-9])`).FindStringSubmatch(after.Body)
	if number == nil {
		t.Fatalf("no notice naming the ticket:\n%s", after.Body)
	}
	tk, err := env.St.Ticket(t.Context(), number[1])
	if err != nil || tk.Data["email"] != "hans@example.net" {
		t.Fatalf("released ticket %s: %+v, %v", number[1], tk, err)
	}
	if _, ok := links(t, after.Body)["Abwesend <script>alert(1)</script> überall"]; ok {
		t.Error("the released message is still listed")
	}
	if p := root.Get(auto); p.Status != http.StatusNotFound {
		t.Errorf("the released message's page: %d", p.Status)
	}

	if p := root.Post(news+"/discard", url.Values{"_csrf": {csrf}}); p.Status != http.StatusSeeOther {
		t.Fatalf("discard: %d\n%s", p.Status, p.Body)
	}
	if empty := root.Get("/admin/mail-quarantine?lang=en"); !strings.Contains(empty.Body, "No messages in quarantine.") {
		t.Errorf("the quarantine is not empty:\n%s", empty.Body)
	}
}

// TestMailQuarantineAuthorization: only administrators see or decide on
// the quarantine; staff get 403, and a visitor is sent to sign in.
func TestMailQuarantineAuthorization(t *testing.T) {
	env := quarantineEnv(t)
	root := env.Browser(t)
	root.Login("root")
	msg := links(t, root.Get("/admin/mail-quarantine").Body)["Monthly news"]
	csrf := webtest.Hidden(t, root.Get(msg).Body, "_csrf")
	type call struct{ method, path string }
	calls := []call{{"GET", "/admin/mail-quarantine"}, {"GET", msg}, {"POST", msg + "/release"}, {"POST", msg + "/discard"}}
	for _, tc := range []struct {
		who          string // "" is a visitor
		read, decide int
	}{
		{"", http.StatusSeeOther, http.StatusUnauthorized},
		{"anna", http.StatusForbidden, http.StatusForbidden},
		{"ben", http.StatusForbidden, http.StatusForbidden},
		{"lea", http.StatusForbidden, http.StatusForbidden},
	} {
		t.Run("as "+tc.who, func(t *testing.T) {
			b := env.Browser(t)
			form := url.Values{}
			if tc.who != "" {
				b.Login(tc.who)
				form.Set("_csrf", webtest.Hidden(t, b.Get("/app/account").Body, "_csrf"))
			}
			for _, c := range calls {
				p, want := b.Get(c.path), tc.read
				if c.method == "POST" {
					p, want = b.Post(c.path, form), tc.decide
				}
				if p.Status != want {
					t.Errorf("%s %s: %d, want %d", c.method, c.path, p.Status, want)
				}
			}
		})
	}
	// Nothing above changed the quarantine: the administrator still
	// releases the message.
	if p := root.Post(msg+"/release", url.Values{"_csrf": {csrf}}); p.Status != http.StatusSeeOther {
		t.Errorf("root's release after the refused ones: %d\n%s", p.Status, p.Body)
	}
}
