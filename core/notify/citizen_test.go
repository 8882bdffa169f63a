package notify_test

import (
	"strings"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/notify"
)

const streetDesk = `apiVersion: vorgang/v1
kind: Process
id: strasse
title: Straßenschaden
form: strasse
audience: [citizen]
team: it-1st-level
states:
  - {id: neu, category: open}
  - {id: erledigt, category: closed}
transitions:
  - {id: erledigen, from: [neu], to: erledigt, roles: [it-agent]}
---
apiVersion: vorgang/v1
kind: Form
id: strasse
title: Straßenschaden
fields:
  - {id: summary, type: text, label: "Was ist kaputt?", required: true}
  - {id: email, type: email, label: E-Mail, required: true}
---
apiVersion: vorgang/v1
kind: Notification
id: strasse-eingang
title: Eingangsbestätigung
event: ticket.created
processes: [strasse]
recipients: [requester, team]
subject: {de: "Ihr Anliegen {{.Ticket.Number}}", en: "Your request {{.Ticket.Number}}"}
body: {de: "Verfolgen Sie es hier: {{.Ticket.URL}}", en: "Follow it here: {{.Ticket.URL}}"}
`

// A citizen's mail links the request's secret tracking page; the team's
// mail about the same request links the staff page, never the secret.
func TestCitizenMailCarriesTheTrackingLink(t *testing.T) {
	d := newDeskWith(t, []definition.File{{Path: "processes/strasse.yaml", Data: []byte(streetDesk)}})
	srv := newMailServer(t)
	w := d.worker(t, notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.addr, Security: notify.TLSNone}))
	tk, err := d.eng.Create(t.Context(), nil, engine.CreateRequest{Process: "strasse",
		Data: map[string]any{"summary": "Schlagloch vor Hausnummer 3", "email": "buerger@example.net"}})
	if err != nil {
		t.Fatal(err)
	}
	if tk.Tracking == "" {
		t.Fatal("a citizen's request has no tracking token")
	}
	if err := drain(t, w); err != nil {
		t.Fatal(err)
	}
	citizen := mailsTo(srv.received(), "buerger@example.net")
	team := mailsTo(srv.received(), "servicedesk@example.org")
	if len(citizen) != 1 || len(team) != 1 {
		t.Fatalf("mails to the citizen %d, to the team %d; want one each", len(citizen), len(team))
	}
	text, _ := citizen[0].parts(t)
	if !strings.Contains(text, "https://vorgang.example.org/portal/track/"+tk.Tracking) {
		t.Errorf("citizen's mail without the tracking link:\n%s", text)
	}
	text, _ = team[0].parts(t)
	if strings.Contains(text, tk.Tracking) || !strings.Contains(text, "https://vorgang.example.org/app/tickets/"+tk.Number) {
		t.Errorf("team's mail:\n%s", text)
	}
}

// A user's mails come in the user's language.
func TestMailInTheUsersLanguage(t *testing.T) {
	d := newDesk(t)
	if _, err := d.authn.CreateUser(t.Context(), auth.NewUser{Name: "emma", DisplayName: "Emma Evans", Email: "emma@example.org", Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	srv := newMailServer(t)
	w := d.worker(t, notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.addr, Security: notify.TLSNone}))
	emma := d.create(t, "emma")
	anna := d.create(t, "anna")
	if err := drain(t, w); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ to, subject string }{
		{"emma@example.org", "Your incident " + emma.Number + " has been received"},
		{"anna@example.org", "Ihre Störungsmeldung " + anna.Number + " ist eingegangen"},
	} {
		got := mailsTo(srv.received(), tt.to)
		if len(got) != 1 || got[0].Subject != tt.subject {
			t.Errorf("mails to %s: %+v, want the subject %q", tt.to, got, tt.subject)
		}
	}
}

// A citizen's reply is a comment: a ticket.commented notification for
// requester and team reaches the team, never the citizen who wrote it;
// ticket.requester_replied tells the team too. Before replies raised no
// event at all, so nobody learned of them.
func TestCitizenReplyTellsTheTeamNotTheCitizen(t *testing.T) {
	const replies = `
---
apiVersion: vorgang/v1
kind: Notification
id: strasse-kommentar
title: Neuer Kommentar
event: ticket.commented
processes: [strasse]
recipients: [requester, team]
subject: {de: "Kommentar zu {{.Ticket.Number}}", en: "Comment on {{.Ticket.Number}}"}
body: {de: "{{.Comment}}", en: "{{.Comment}}"}
---
apiVersion: vorgang/v1
kind: Notification
id: strasse-antwort
title: Antwort
event: ticket.requester_replied
processes: [strasse]
recipients: [requester, team]
subject: {de: "Antwort zu {{.Ticket.Number}}", en: "Reply on {{.Ticket.Number}}"}
body: {de: "{{.Comment}}", en: "{{.Comment}}"}
`
	d := newDeskWith(t, []definition.File{{Path: "processes/strasse.yaml", Data: []byte(streetDesk + replies)}})
	srv := newMailServer(t)
	w := d.worker(t, notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.addr, Security: notify.TLSNone}))
	tk, err := d.eng.Create(t.Context(), nil, engine.CreateRequest{Process: "strasse",
		Data: map[string]any{"summary": "Schlagloch vor Hausnummer 3", "email": "buerger@example.net"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := drain(t, w); err != nil {
		t.Fatal(err)
	}
	before := len(srv.received())
	if _, err := d.eng.CitizenReply(t.Context(), tk.Tracking, 0, "Das Loch ist inzwischen größer.", nil, "de"); err != nil {
		t.Fatal(err)
	}
	if err := drain(t, w); err != nil {
		t.Fatal(err)
	}
	got := srv.received()[before:]
	if n := len(mailsTo(got, "buerger@example.net")); n != 0 {
		t.Errorf("the citizen got %d mails about their own reply; want none", n)
	}
	team := mailsTo(got, "servicedesk@example.org")
	if len(team) != 2 {
		t.Fatalf("mails to the team: %d; want two (commented, requester_replied)", len(team))
	}
	for _, m := range team {
		if text, _ := m.parts(t); !strings.Contains(text, "inzwischen größer") {
			t.Errorf("team's mail without the reply:\n%s", text)
		}
	}
}
