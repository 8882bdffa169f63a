package scenario_test

import (
	"strings"
	"testing"

	"vorgang/core/definition"
	"vorgang/core/scenario"
)

// mailDesk is a desk with a mailbox: a citizen's mail opens a request,
// and the team is told of comments.
var mailDesk = []definition.File{{Path: "processes/post/post.yaml", Data: []byte(`apiVersion: vorgang/v1
kind: Form
id: post
title: Post
fields:
  - {id: subject, type: text, label: Betreff, required: true}
  - {id: body, type: textarea, label: Text}
  - {id: email, type: email, label: E-Mail}
  - {id: name, type: text, label: Name}
---
apiVersion: vorgang/v1
kind: Role
id: post-agent
title: Sachbearbeitung
permissions: [ticket.read_team, ticket.work]
---
apiVersion: vorgang/v1
kind: Team
id: post-team
title: Poststelle
email: post-team@example.org
roles: [post-agent]
---
apiVersion: vorgang/v1
kind: Process
id: post
title: Post
form: post
audience: [staff]
team: post-team
numbering: {prefix: POST, digits: 3}
states:
  - {id: new, category: open}
  - {id: waiting, category: open}
  - {id: done, category: resolved}
transitions:
  - {id: ask, from: [new], to: waiting}
  - {id: finish, from: [new, waiting], to: done}
---
apiVersion: vorgang/v1
kind: Notification
id: post-received
title: Eingang
event: ticket.created
processes: [post]
recipients: [requester]
subject: "[{{.Ticket.Number}}] Eingang"
body: "Wir haben Ihre Nachricht erhalten."
---
apiVersion: vorgang/v1
kind: Mailbox
id: poststelle
title: Poststelle
addresses: [post@stadt.example]
delivery: lmtp
process: post
fields: {subject: subject, body: body, sender: email, sender_name: name}
filters:
  - {sender_domain: werbung.example, drop: true}
`)}}

func TestMailInSteps(t *testing.T) {
	cat := compile(t, mailDesk)
	const head = "users:\n  - {name: paula, teams: [post-team], email: paula@stadt.example}\nscenarios:\n  - name: mail\n    clock: 2026-11-23T08:00:00+01:00\n    steps:\n"
	tests := []struct {
		name  string
		steps string
		want  []string
	}{
		{"a mail opens a ticket, and the reply lands on it", `      - mail_in:
          from: Jürgen König <juergen@example.net>
          subject: Laterne defekt
          body: |
            Die Laterne vor Haus 5 ist aus.
            --
            Jürgen König
          outcome: ticket
        name: laterne
        expect:
          state: new
          team: post-team
          fields: {subject: Laterne defekt, email: juergen@example.net, name: Jürgen König, body: Die Laterne vor Haus 5 ist aus.}
          mails: [{to: juergen@example.net, notification: post-received, contains: Eingang}]
      - as: paula
        run: ask
      - mail_in:
          from: juergen@example.net
          subject: "Re: Rückfrage"
          reply_to: laterne
          body: |
            Es ist die zweite Laterne von links.

            Am 23.11.2026 um 09:00 schrieb Poststelle <post@stadt.example>:
            > Welche Laterne?
          outcome: reply
        expect:
          comments: [{text: Es ist die zweite Laterne von links., internal: false, by: citizen}]
`, nil},
		{"automatic and dropped mail open no ticket", `      - mail_in:
          from: abwesend@example.net
          subject: Abwesend
          body: Ich bin nicht da.
          headers: {Auto-Submitted: auto-replied}
          outcome: quarantine
      - mail_in: {from: news@werbung.example, subject: Angebot, body: Kaufen!, outcome: dropped}
`, nil},
		{"a mail that becomes something else fails the step", `      - mail_in:
          from: abwesend@example.net
          subject: Abwesend
          body: Ich bin nicht da.
          headers: {Precedence: bulk}
          outcome: ticket
`, []string{"mini_test.yaml:7:9: step 1 (mail from abwesend@example.net arrives): the mail became quarantine (automatic mail (Precedence: bulk)), want ticket"}},
		{"a reply of a stranger opens a ticket of its own", `      - mail_in: {from: a@example.net, subject: Frage, body: "Wie lange noch?"}
        name: first
      - mail_in: {from: b@example.net, subject: "Re: Frage", body: "Ich auch.", reply_to: first, outcome: ticket}
`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runAndCompare(t, cat, head+tt.steps, tt.want)
		})
	}
}

func TestMailInParseErrors(t *testing.T) {
	const head = "scenarios:\n  - name: x\n    clock: 2026-11-23T08:00:00+01:00\n    steps:\n"
	tests := []struct{ name, file, want string }{
		{"no sender", head + "      - mail_in: {subject: s, body: b}\n", "f_test.yaml:5:18: 'mail_in' needs 'from'"},
		{"unknown key", head + "      - mail_in: {from: a@b.example, subjct: s}\n", "unknown key 'subjct' (did you mean 'subject'?)"},
		{"bad outcome", head + "      - mail_in: {from: a@b.example, outcome: ticked}\n", "mail_in outcome 'ticked' is not one of ticket, reply"},
		{"sent as someone", head + "      - {as: a, mail_in: {from: a@b.example}}\n", "a mail is sent by its 'from', not 'as'"},
		{"two actions", head + "      - {as: a, open: p, mail_in: {from: a@b.example}}\n", "a step does one thing; this one has open and mail_in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scenario.Parse("f_test.yaml", []byte(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
