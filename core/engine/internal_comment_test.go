package engine_test

import (
	"errors"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// A transition's comment can be kept among staff: the requester sees the
// transition without the comment, mails carry no comment, and only holders
// of ticket.comment_internal may write one.
func TestInternalTransitionComment(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	tk, err := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.Transition(ctx, ben, tk.Number, engine.TransitionRequest{Transition: "start"}); err != nil {
		t.Fatal(err)
	}
	// A requester may not keep a comment among staff.
	if _, err := f.eng.Transition(ctx, ben, tk.Number, engine.TransitionRequest{Transition: "ask_requester", Comment: "Welcher Raum?"}); err != nil {
		t.Fatal(err)
	}
	_, err = f.eng.Transition(ctx, anna, tk.Number, engine.TransitionRequest{Transition: "reply", Comment: "geheim", InternalComment: true})
	if !errors.Is(err, fault.Forbidden) {
		t.Errorf("a requester's internal comment: %v, want forbidden", err)
	}
	const note = "Vermutlich Kabelbruch, Ersatz ist bestellt"
	// cancel tells nobody by mail (ask_requester mails the question, so
	// its comment is the requester's to read).
	if _, err := f.eng.Transition(ctx, ben, tk.Number, engine.TransitionRequest{Transition: "cancel", Comment: note, InternalComment: true}); err != nil {
		t.Fatal(err)
	}
	commentOf := func(hist []ticket.HistoryEntry) (string, bool) {
		for _, h := range hist {
			if h.Type == engine.EntryTransition && h.Data["transition"] == "cancel" {
				c, _ := h.Data["comment"].(string)
				return c, true
			}
		}
		return "", false
	}
	_, staffView, err := f.eng.History(ctx, ben, tk.Number)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := commentOf(staffView); !ok || c != note {
		t.Errorf("staff see %q (%v), want the comment", c, ok)
	}
	_, own, err := f.eng.History(ctx, anna, tk.Number)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := commentOf(own); !ok || c != "" {
		t.Errorf("the requester sees the transition %v with comment %q; want the transition without it", ok, c)
	}
	stored, _ := f.store.Ticket(ctx, tk.Number)
	full, _ := f.store.History(ctx, stored)
	if p := engine.VerifyHistory(stored, full); len(p) != 0 {
		t.Errorf("history chain: %v", p)
	}

}

const askDesk = `apiVersion: vorgang/v1
kind: Process
id: anfrage
title: Anfrage
form: anfrage
audience: [staff]
states:
  - {id: neu, category: open}
  - {id: rueckfrage, category: open}
transitions:
  - {id: nachfragen, from: [neu, rueckfrage], to: rueckfrage, roles: [sachbearbeitung]}
---
apiVersion: vorgang/v1
kind: Form
id: anfrage
title: Anfrage
fields:
  - {id: summary, type: text, label: Betreff, required: true}
---
apiVersion: vorgang/v1
kind: Role
id: sachbearbeitung
title: Sachbearbeitung
permissions: [ticket.read_all, ticket.work, ticket.comment_internal]
---
apiVersion: vorgang/v1
kind: Notification
id: anfrage-rueckfrage
title: Rückfrage
event: ticket.transitioned
recipients: [requester]
subject: "Rückfrage zu {{.Ticket.Number}}"
body: "{{.Comment}}"
`

// The mail about a transition carries a public comment, never an internal
// one.
func TestInternalTransitionCommentStaysOutOfMails(t *testing.T) {
	t.Parallel()
	f := fixtureFor(t, []definition.File{{Path: "anfrage.yaml", Data: []byte(askDesk)}})
	ctx := t.Context()
	clerk := &auth.Principal{User: "sina", Roles: []string{"sachbearbeitung"},
		Permissions: map[string]bool{"ticket.read_all": true, "ticket.work": true, "ticket.comment_internal": true}}
	tk, err := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "anfrage", Data: map[string]any{"summary": "Frage"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		text     string
		internal bool
	}{{"Bitte Unterlagen nachreichen", false}, {"Akte liegt bei Herrn K.", true}} {
		if _, err := f.eng.Transition(ctx, clerk, tk.Number, engine.TransitionRequest{Transition: "nachfragen", Comment: c.text, InternalComment: c.internal}); err != nil {
			t.Fatal(err)
		}
	}
	cur, err := f.store.DB().Collection(store.OutboxCollection).Find(ctx, bson.M{"kind": engine.EffectNotify})
	if err != nil {
		t.Fatal(err)
	}
	var items []store.OutboxItem
	if err := cur.All(ctx, &items); err != nil {
		t.Fatal(err)
	}
	var comments []any
	for _, it := range items {
		if it.Payload["target"] != "anfrage-rueckfrage" {
			continue
		}
		raw, err := bson.Marshal(bson.M{"spec": it.Payload["spec"]})
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Spec struct {
				Comment any `bson:"comment"`
			} `bson:"spec"`
		}
		if err := bson.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		comments = append(comments, doc.Spec.Comment)
	}
	if len(comments) != 2 || !slices.Contains(comments, any("Bitte Unterlagen nachreichen")) || slices.Contains(comments, any("Akte liegt bei Herrn K.")) {
		t.Errorf("comments queued for mails: %v; want the public one only (and two mails)", comments)
	}
}

// A transition whose comment is the message to the requester (it asks for
// a comment and tells the requester) refuses to keep the comment among
// staff: the citizen would get "we have a question" without the question.
// Transitions that do not tell the requester keep allowing it.
func TestInternalCommentRefusedWhenItIsTheMessage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	bea := &auth.Principal{User: "bea", Roles: []string{"case-worker"}, Teams: []string{"citizen-office"},
		Permissions: map[string]bool{"ticket.read_team": true, "ticket.work": true, "ticket.assign": true, "ticket.comment_internal": true}}
	tk, err := f.eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-request", Data: map[string]any{
		"summary": "Laute Musik", "category": "other", "description": "Jede Nacht bis 3 Uhr.", "email": "n@example.org", "privacy_consent": true}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.Transition(ctx, bea, tk.Number, engine.TransitionRequest{Transition: "accept"}); err != nil {
		t.Fatal(err)
	}
	before, _ := f.store.Ticket(ctx, tk.Number)
	_, err = f.eng.Transition(ctx, bea, tk.Number, engine.TransitionRequest{Transition: "ask_citizen", Comment: "Welche Gaststätte?", InternalComment: true})
	var verr *fault.Error
	if !errors.As(err, &verr) || len(verr.Fields) != 1 || verr.Fields[0].Field != "comment" || verr.Fields[0].Code != "internal_not_allowed" {
		t.Fatalf("internal question to the citizen: %v, want a validation error comment/internal_not_allowed", err)
	}
	if after, _ := f.store.Ticket(ctx, tk.Number); after.Version != before.Version {
		t.Errorf("the refused transition changed the ticket")
	}
	if _, err := f.eng.Transition(ctx, bea, tk.Number, engine.TransitionRequest{Transition: "ask_citizen", Comment: "Welche Gaststätte?"}); err != nil {
		t.Fatalf("public question: %v", err)
	}
	if _, err := f.eng.Transition(ctx, bea, tk.Number, engine.TransitionRequest{Transition: "citizen_replied", Comment: "Telefonisch: Zum Hirsch", InternalComment: true}); err != nil {
		t.Errorf("internal comment on a transition that tells nobody: %v", err)
	}
}
