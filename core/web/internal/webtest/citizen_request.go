package webtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"vorgang/core/engine"
	"vorgang/core/ticket"
)

// StreetlightRequest is the data of a citizen request (a broken street
// light) of the citizen test desk.
var StreetlightRequest = map[string]any{"summary": "Laterne defekt", "category": "streetlight",
	"description": "Die Laterne vor Hausnummer 7 ist dunkel.", "email": "a@example.org", "privacy_consent": true}

// APICreate posts a create to the API with the bearer token ("" for an
// anonymous caller) and returns the page.
func APICreate(b *Browser, token, process string, data map[string]any) Page {
	b.T.Helper()
	body, _ := json.Marshal(map[string]any{"process": process, "data": data})
	req, _ := http.NewRequest(http.MethodPost, b.Env.Base+"/api/v1/tickets", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return b.Do(req)
}

// CitizenRequestIn opens a citizen request (routed to the roads office)
// and, when closed is set, takes it to closed.
func CitizenRequestIn(t *testing.T, env *UIEnv, closed bool) *ticket.Ticket {
	t.Helper()
	ctx := t.Context()
	tk, err := env.Eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-request", Data: StreetlightRequest})
	if err != nil {
		t.Fatal(err)
	}
	if closed {
		root, _ := env.Authn.Principal(ctx, "root")
		for _, step := range []engine.TransitionRequest{{Transition: "accept"}, {Transition: "answer", Comment: "Repariert."}, {Transition: "close"}} {
			if _, err := env.Eng.Transition(ctx, root, tk.Number, step); err != nil {
				t.Fatalf("%s: %v", step.Transition, err)
			}
		}
	}
	return tk
}

// CitizenForm opens the damage report form and returns the fields every
// post needs.
func CitizenForm(t *testing.T, b *Browser) url.Values {
	t.Helper()
	p := b.Get("/portal/new/citizen-report")
	if p.Status != http.StatusOK {
		t.Fatalf("form: %d", p.Status)
	}
	return url.Values{"_csrf": {Hidden(t, p.Body, "_csrf")}, "_token": {Hidden(t, p.Body, "_token")},
		"category": {"pothole"}, "summary": {"Tiefes Loch"}, "spots[0][street]": {"Markt 1"}, "email": {"erika@example.org"}, "consent": {"on"}}
}
