package engine_test

import (
	"errors"
	"sync"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/ticket"
)

var caseWorker = &auth.Principal{User: "bea", Roles: []string{"case-worker"}, Teams: []string{"citizen-office"},
	Permissions: map[string]bool{"ticket.read_team": true, "ticket.work": true, "ticket.assign": true, "ticket.comment_internal": true}}

// closedRequest opens a citizen request and, when close is set, takes it
// through to closed.
func closedRequest(t *testing.T, f fixture, close bool) *ticket.Ticket {
	t.Helper()
	ctx := t.Context()
	tk, err := f.eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-request", Data: map[string]any{
		"summary": "Laute Musik", "category": "other", "description": "Jede Nacht bis 3 Uhr.", "email": "n@example.org", "privacy_consent": true}})
	if err != nil {
		t.Fatal(err)
	}
	if !close {
		return tk
	}
	for _, step := range []engine.TransitionRequest{{Transition: "accept"}, {Transition: "answer", Comment: "Wir kümmern uns."}, {Transition: "close"}} {
		if _, err := f.eng.Transition(ctx, caseWorker, tk.Number, step); err != nil {
			t.Fatalf("%s: %v", step.Transition, err)
		}
	}
	return tk
}

// TestFollowUp: the survey of the citizen desk is made from the tracking
// link of a closed request only, once, with the request's number filled in
// by the engine; it is never opened directly.
func TestFollowUp(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	open := closedRequest(t, f, false)
	closed := closedRequest(t, f, true)
	rating := map[string]any{"rating": "5", "remarks": "Schnell und freundlich."}

	if _, err := f.eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-survey", Data: map[string]any{"reference": closed.Number, "rating": "1"}}); !errors.Is(err, fault.Forbidden) {
		t.Errorf("opening the survey directly: %v, want fault.Forbidden", err)
	}
	if offers, err := f.eng.FollowUps(ctx, open.Tracking); err != nil || len(offers) != 0 {
		t.Errorf("offers of an open request: %v, %v; want none", offers, err)
	}
	if _, err := f.eng.FollowUp(ctx, open.Tracking, "citizen-survey", rating, "de"); !errors.Is(err, fault.NotAllowedNow) {
		t.Errorf("survey of an open request: %v, want fault.NotAllowedNow", err)
	}
	for _, token := range []string{"AAAAAAAAAAAAAAAAAAAAAAAAAA", closed.Number, ""} {
		if _, err := f.eng.FollowUp(ctx, token, "citizen-survey", rating, "de"); !errors.Is(err, fault.NotFound) {
			t.Errorf("survey with token %q: %v, want fault.NotFound", token, err)
		}
	}
	if _, err := f.eng.FollowUp(ctx, closed.Tracking, "citizen-request", rating, "de"); !errors.Is(err, fault.NotFound) {
		t.Errorf("a process that is no follow-up: %v, want fault.NotFound", err)
	}
	var verr *fault.Error
	if _, err := f.eng.FollowUp(ctx, closed.Tracking, "citizen-survey", map[string]any{"rating": "5", "reference": "BA-2026-000042"}, "de"); !errors.As(err, &verr) || len(verr.Fields) == 0 || verr.Fields[0].Field != "reference" {
		t.Errorf("a survey naming another request: %v, want a validation error of reference", err)
	}

	offers, err := f.eng.FollowUps(ctx, closed.Tracking)
	if err != nil || len(offers) != 1 || offers[0].Process.ID.Value != "citizen-survey" || offers[0].Done {
		t.Fatalf("offers of the closed request: %+v, %v", offers, err)
	}
	survey, err := f.eng.FollowUp(ctx, closed.Tracking, "citizen-survey", rating, "de")
	if err != nil {
		t.Fatal(err)
	}
	if survey.Process != "citizen-survey" || survey.Data["reference"] != closed.Number || survey.Requester != "citizen" {
		t.Errorf("survey %+v", survey)
	}
	if _, err := f.eng.FollowUp(ctx, closed.Tracking, "citizen-survey", map[string]any{"rating": "1"}, "de"); !errors.Is(err, engine.ErrAlreadyDone) {
		t.Errorf("a second survey: %v, want ErrAlreadyDone", err)
	}
	if offers, _ := f.eng.FollowUps(ctx, closed.Tracking); len(offers) != 1 || !offers[0].Done {
		t.Errorf("offers after the survey: %+v, want it done", offers)
	}
}

// TestFollowUpRace: surveys sent at the same moment make one ticket.
func TestFollowUpRace(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	closed := closedRequest(t, f, true)
	var mu sync.Mutex
	numbers := map[string]bool{}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			tk, err := f.eng.FollowUp(t.Context(), closed.Tracking, "citizen-survey", map[string]any{"rating": "4"}, "de")
			switch {
			case err == nil:
				mu.Lock()
				numbers[tk.Number] = true
				mu.Unlock()
			case errors.Is(err, engine.ErrAlreadyDone), errors.Is(err, fault.InProgress):
			default:
				t.Errorf("FollowUp: %v", err)
			}
		})
	}
	wg.Wait()
	if len(numbers) != 1 {
		t.Errorf("surveys made: %v, want exactly one", numbers)
	}
}
