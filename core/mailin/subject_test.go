package mailin_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/engine"
	"vorgang/core/mailin"
)

// TestSubjectRecords: a data subject's export lists every record of mail
// received from their address — the message that opened their ticket and
// their reply — with its sender, subject line and ticket, and nothing of
// another person's mail.
func TestSubjectRecords(t *testing.T) {
	e := newLMTPEnv(t, options{})
	if got := e.deliver("new-request.eml"); got != 250 {
		t.Fatalf("new request answered %d, want 250", got)
	}
	tk := e.only()
	reply := e.threads.ReplyAddress("desk@example.org", tk.Number)
	if res := e.deliverTo([]string{reply}, "reply.eml", "{{TO}}", "desk@example.org", "{{SUBJECT}}", "Re: Your request",
		"{{ID}}", "subject-reply-1", "{{THREAD}}", ""); res[reply] != 250 {
		t.Fatalf("reply answered %v, want 250", res)
	}
	if got := e.deliver("reply.eml", "Erika Mustermann <erika@example.net>", "Max Meier <max@example.com>",
		"{{TO}}", "desk@example.org", "{{SUBJECT}}", "Heating in room 12", "{{ID}}", "subject-other-1", "{{THREAD}}", ""); got != 250 {
		t.Fatalf("another person's mail answered %d, want 250", got)
	}

	officer := &auth.Principal{User: "dana", Permissions: map[string]bool{engine.PrivacyPermission: true}}
	rep, err := e.app.Engine.FindSubject(t.Context(), officer, engine.Subject{Email: "ERIKA@example.net"})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, outcome := range []string{mailin.OutcomeTicket, mailin.OutcomeReply} {
		for _, r := range e.records(outcome) {
			if strings.Contains(r.From, "erika@example.net") {
				want = append(want, r.Key)
			}
		}
	}
	var got []string
	for _, r := range rep.Records {
		if r.Kind != "mail_in" {
			continue
		}
		got = append(got, r.ID)
		if from, _ := r.Fields["from"].(string); !strings.Contains(from, "erika@example.net") || r.Fields["ticket"] != tk.Number {
			t.Errorf("record %s fields = %v, want her address and ticket %s", r.ID, r.Fields, tk.Number)
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if len(want) != 2 || !slices.Equal(got, want) {
		t.Errorf("records in the export = %v, want her two messages %v", got, want)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	for _, other := range []string{"max@example.com", "Max Meier", "Heating in room 12"} {
		if strings.Contains(string(b), other) {
			t.Errorf("the export names another person's mail (%q): %s", other, b)
		}
	}
}

// TestAnonymiseSubjectErasesMailRecords: a data subject's request clears
// the sender and subject line of the records of their mail (the records
// stay, so no message is filed twice) and says in its record which;
// another person's record keeps its sender, and a second search finds no
// record of theirs.
func TestAnonymiseSubjectErasesMailRecords(t *testing.T) {
	e := newLMTPEnv(t, options{})
	if got := e.deliver("new-request.eml"); got != 250 {
		t.Fatalf("new request answered %d, want 250", got)
	}
	if got := e.deliver("reply.eml", "Erika Mustermann <erika@example.net>", "Max Meier <max@example.com>",
		"{{TO}}", "desk@example.org", "{{SUBJECT}}", "Heating in room 12", "{{ID}}", "subject-other-1", "{{THREAD}}", ""); got != 250 {
		t.Fatalf("another person's mail answered %d, want 250", got)
	}
	var hers, his string
	for _, r := range e.records(mailin.OutcomeTicket) {
		if strings.Contains(r.From, "erika@example.net") {
			hers = r.Key
		} else {
			his = r.Key
		}
	}
	if hers == "" || his == "" {
		t.Fatalf("records %+v, want one of each sender", e.records(mailin.OutcomeTicket))
	}
	officer := &auth.Principal{User: "dana", Permissions: map[string]bool{engine.PrivacyPermission: true}}
	subject := engine.Subject{Email: "erika@example.net"}
	rec, err := e.app.Engine.AnonymiseSubject(t.Context(), officer, subject)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Records) != 1 || rec.Records[0].Kind != "mail_in" || rec.Records[0].ID != hers ||
		!slices.Equal(rec.Records[0].Fields, []string{"from", "subject"}) {
		t.Errorf("the request's record lists %+v, want her record's sender and subject line", rec.Records)
	}
	for _, r := range e.records(mailin.OutcomeTicket) {
		switch r.Key {
		case hers:
			if r.From != "" || r.Subject != "" || r.MessageID == "" {
				t.Errorf("her record %+v, want the sender and subject line cleared and the Message-ID kept", r)
			}
		case his:
			if !strings.Contains(r.From, "max@example.com") || r.Subject != "Heating in room 12" {
				t.Errorf("his record %+v, want it as it was", r)
			}
		}
	}
	again, err := e.app.Engine.FindSubject(t.Context(), officer, subject)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Records) > 0 {
		t.Errorf("after the request the search finds %+v, want no record", again.Records)
	}
}
