package notify_test

import (
	"strings"
	"testing"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/notify"
)

// noteDesk has a transition that mails by a notify action and a
// notification of the event ticket.transitioned; both templates show the
// same data.
var noteDesk = []definition.File{{Path: "processes/note/note.yaml", Data: []byte(`apiVersion: vorgang/v1
kind: Form
id: note-form
title: Notiz
fields: [{id: summary, type: text, label: Betreff, required: true}]
---
apiVersion: vorgang/v1
kind: Notification
id: note-by-action
title: Per Aktion
event: manual
recipients: [requester]
subject: "Aktion {{.Ticket.Number}}"
body: "Aktion von {{.Actor}} ({{.Event}}): {{.Comment}}"
---
apiVersion: vorgang/v1
kind: Notification
id: note-by-event
title: Per Ereignis
event: ticket.transitioned
processes: [note]
recipients: [requester]
subject: "Ereignis {{.Ticket.Number}}"
body: "Ereignis von {{.Actor}} ({{.Event}}): {{.Comment}}"
---
apiVersion: vorgang/v1
kind: Process
id: note
title: Notiz
form: note-form
audience: [staff]
team: it-1st-level
states: [{id: new, category: open}, {id: done, category: resolved}]
transitions:
  - {id: finish, from: [new], to: done, roles: [it-agent], actions: [{notify: note-by-action}]}
`)}}

// TestNotifyActionTellsTheComment: the mail of a transition's notify
// action renders the comment, the actor and the event as the mail of the
// event ticket.transitioned does.
func TestNotifyActionTellsTheComment(t *testing.T) {
	d := newDeskWith(t, noteDesk)
	srv := newMailServer(t)
	w := d.worker(t, notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.addr, Security: notify.TLSNone}))
	ctx := t.Context()
	anna := d.principal(t, "anna")
	tk, err := d.eng.Create(ctx, anna, engine.CreateRequest{Process: "note", Data: map[string]any{"summary": "Frage"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.eng.Transition(ctx, d.principal(t, "ben"), tk.Number, engine.TransitionRequest{Transition: "finish", Comment: "Hat sich erledigt."}); err != nil {
		t.Fatal(err)
	}
	if err := drain(t, w); err != nil {
		t.Fatal(err)
	}
	bodies := map[string]string{}
	for _, m := range mailsTo(srv.received(), "anna@example.org") {
		text, _ := m.parts(t)
		bodies[strings.Fields(m.Subject)[0]] = strings.TrimSpace(text)
	}
	want := map[string]string{
		"Aktion":   "Aktion von Ben Weber (ticket.transitioned): Hat sich erledigt.",
		"Ereignis": "Ereignis von Ben Weber (ticket.transitioned): Hat sich erledigt.",
	}
	for k, w := range want {
		if !strings.Contains(bodies[k], w) {
			t.Errorf("mail %s: body %q, want it to contain %q", k, bodies[k], w)
		}
	}
}
