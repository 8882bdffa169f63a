package webtest

import (
	"testing"

	"vorgang/core/engine"
	"vorgang/core/ticket"
)

// HeadsetOrder is the data of a small procurement order: a team lead
// approves it.
var HeadsetOrder = map[string]any{
	"summary": "Headsets für das Bürgerbüro", "purpose": "Telefonberatung ohne Störgeräusche.", "cost_centre": "KST-4711",
	"items": []any{map[string]any{"article": "Headset USB", "quantity": 6, "unit_price": 89.9}}}

// Submitted opens a ticket of the process with data as anna and asks for
// its approval: it waits for the approver.
func (e *UIEnv) Submitted(t testing.TB, process string, data map[string]any) *ticket.Ticket {
	t.Helper()
	ctx := t.Context()
	anna, err := e.Authn.Principal(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	tk, err := e.Eng.Create(ctx, anna, engine.CreateRequest{Process: process, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if tk, err = e.Eng.Transition(ctx, anna, tk.Number, engine.TransitionRequest{Transition: "submit"}); err != nil {
		t.Fatal(err)
	}
	return tk
}
