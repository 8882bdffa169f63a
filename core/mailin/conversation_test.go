package mailin_test

import (
	"context"
	"strings"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/engine"
	"vorgang/core/mailin"
	"vorgang/core/ticket"
)

// TestAQuestionReadsLikeAConversation: a staff member's question goes to
// the requester through a real SMTP server with the question itself in
// the text and the ticket number in the subject; the requester answers
// it as a mail program does, keeping the subject only (no References),
// and the answer lands on the ticket, moves it back, and stands in one
// timeline with the question and a later answer on the tracking page.
func TestAQuestionReadsLikeAConversation(t *testing.T) {
	srv := startSMTP(t)
	e := newLMTPEnv(t, options{smtp: srv})
	ctx := context.Background()
	if _, err := e.app.Auth.CreateUser(ctx, auth.NewUser{Name: "hans", Email: "hans@stadt.example", Roles: []string{"it-agent"}, Teams: []string{"mail-desk"}}); err != nil {
		t.Fatal(err)
	}
	hans, err := e.app.Auth.Principal(ctx, "hans")
	if err != nil {
		t.Fatal(err)
	}
	if c := e.deliver("new-request.eml"); c != 250 {
		t.Fatalf("new request answered %d", c)
	}
	tk := e.only()
	if _, err := e.app.Mailer.Round(ctx); err != nil {
		t.Fatal(err)
	}
	sentBefore := len(srv.mails())

	question := "Welche Fehlernummer zeigt der Drucker jetzt an?\nUnd steht er noch in Raum 204?"
	if _, err := e.app.Engine.Transition(ctx, hans, tk.Number, engine.TransitionRequest{Transition: "ask", Comment: question}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Mailer.Round(ctx); err != nil {
		t.Fatal(err)
	}
	mails := srv.mails()[sentBefore:]
	if len(mails) != 1 {
		t.Fatalf("the question sent %d mails, want 1", len(mails))
	}
	sent, err := mailin.Parse(mails[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sent.Subject, tk.Number) || !strings.HasPrefix(sent.Subject, "Rückfrage") {
		t.Errorf("subject %q: want the question and %s", sent.Subject, tk.Number)
	}
	if !strings.Contains(sent.Text, question) {
		t.Errorf("the mail does not quote the question:\n%s", sent.Text)
	}
	if len(sent.Recipients) == 0 || sent.Recipients[0] != "erika@example.net" {
		t.Errorf("the question went to %v", sent.Recipients)
	}

	// Erika answers: "AW: " and the subject, her text above the quote.
	replyTo := "desk@example.org"
	if c := e.deliverTo([]string{replyTo}, "reply.eml", "{{TO}}", replyTo, "{{SUBJECT}}", "AW: "+sent.Subject, "{{ID}}", "answer-q1",
		"{{THREAD}}", "")[replyTo]; c != 250 {
		t.Fatalf("the answer was answered %d", c)
	}
	if r, _ := mailin.Lookup(ctx, e.app.Store, "desk", "answer-q1@example.net"); r == nil || r.Outcome != mailin.OutcomeReply || r.Ticket != tk.Number {
		t.Fatalf("the answer's record = %+v, want a reply on %s", r, tk.Number)
	}
	if now := e.ticket(tk.Number); now.State != "new" {
		t.Errorf("after the answer the ticket is %s, want new (answered by itself)", now.State)
	}
	if _, err := e.app.Engine.CitizenReply(ctx, tk.Tracking, 0, "Nachtrag: E-53 jetzt.", nil, "de"); err != nil {
		t.Fatal(err)
	}

	// One timeline: the question, the answer by mail, the one on the
	// tracking page, in that order.
	hist, err := e.app.Store.History(ctx, e.ticket(tk.Number))
	if err != nil {
		t.Fatal(err)
	}
	var timeline []string
	for _, h := range hist {
		content, err := h.Decode()
		if err != nil {
			t.Fatal(err)
		}
		switch c := content.(type) {
		case ticket.Transitioned:
			if c.Comment != "" {
				timeline = append(timeline, h.Actor+": "+firstLine(c.Comment))
			}
		case ticket.Commented:
			timeline = append(timeline, h.Type+": "+firstLine(c.Text))
		}
	}
	want := []string{"hans: Welche Fehlernummer zeigt der Drucker jetzt an?", ticket.EntryCitizenReply + ": It works again after the restart, thank you.",
		ticket.EntryCitizenReply + ": Nachtrag: E-53 jetzt."}
	if strings.Join(timeline, "\n") != strings.Join(want, "\n") {
		t.Errorf("timeline:\n%s\nwant:\n%s", strings.Join(timeline, "\n"), strings.Join(want, "\n"))
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
