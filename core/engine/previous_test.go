package engine_test

import (
	"context"
	"errors"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
)

// previousDesk has a waiting state left by one transition back to where
// the ticket came from (to: $previous), and the ticket may wait from two
// states.
const previousDesk = `apiVersion: vorgang/v1
kind: Process
id: rueckfrage
title: Rückfrage
form: rueckfrage
audience: [staff]
states:
  - {id: new, category: open}
  - {id: in_work, category: open}
  - {id: waiting, category: open, sla: paused}
  - {id: done, category: closed}
transitions:
  - {id: start, from: [new], to: in_work}
  - {id: ask, from: [new, in_work], to: waiting}
  - {id: answered, from: ['*'], to: $previous}
  - {id: finish, from: [in_work], to: done}
---
apiVersion: vorgang/v1
kind: Form
id: rueckfrage
title: Rückfrage
fields:
  - {id: summary, type: text, label: Betreff}
`

// TestTransitionToPrevious: a transition to $previous leads back to the
// state the ticket was in before its current one, read from its history,
// and is neither offered nor run while the ticket has no previous state.
func TestTransitionToPrevious(t *testing.T) {
	ctx := context.Background()
	f := fixtureFor(t, []definition.File{{Path: "rueckfrage.yaml", Data: []byte(previousDesk)}})
	admin := &auth.Principal{User: "root", Admin: true}
	tests := []struct {
		name  string
		steps []string // transitions before 'answered'
		want  string   // the state 'answered' leads to; "" when refused
	}{
		{"waiting from new", []string{"ask"}, "new"},
		{"waiting from in_work", []string{"start", "ask"}, "in_work"},
		{"after a way back and forth, the latest origin", []string{"ask", "answered", "start", "ask"}, "in_work"},
		{"no previous state yet", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk, err := f.eng.Create(ctx, admin, engine.CreateRequest{Process: "rueckfrage", Data: map[string]any{"summary": tt.name}})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.steps {
				if tk, err = f.eng.Transition(ctx, admin, tk.Number, engine.TransitionRequest{Transition: s}); err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}
			offered := false
			for _, tr := range f.eng.Transitions(admin, tk) {
				offered = offered || tr.ID.Value == "answered"
			}
			if offered != (tt.want != "") {
				t.Errorf("answered offered = %v, want %v", offered, tt.want != "")
			}
			got, err := f.eng.Transition(ctx, admin, tk.Number, engine.TransitionRequest{Transition: "answered"})
			if tt.want == "" {
				var fe *fault.Error
				if !errors.As(err, &fe) || fe.Code != engine.ReasonNoPreviousState {
					t.Fatalf("answered without a previous state: %v, want %s", err, engine.ReasonNoPreviousState)
				}
				return
			}
			if err != nil {
				t.Fatalf("answered: %v", err)
			}
			if got.State != tt.want {
				t.Errorf("state after answered = %s, want %s", got.State, tt.want)
			}
		})
	}
}
