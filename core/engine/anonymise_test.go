package engine_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"vorgang/core/definition"
	"vorgang/core/internal/testkit"

	"vorgang/core/engine"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// personalRequest opens a citizen request with personal values in its
// form, a citizen reply and a staff answer, and closes it.
func personalRequest(t *testing.T, f fixture) *ticket.Ticket {
	t.Helper()
	ctx := t.Context()
	tk, err := f.eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-request", Data: map[string]any{
		"summary": "Laute Musik", "category": "other", "description": "Jede Nacht bis 3 Uhr im Haus von Familie Brandt.",
		"contact_name": "Erika Mustermann", "email": "erika@example.org", "privacy_consent": true}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.CitizenReply(ctx, tk.Tracking, 0, "Meine Telefonnummer ist 0351 123456.", nil, "de"); err != nil {
		t.Fatal(err)
	}
	for _, step := range []engine.TransitionRequest{{Transition: "accept"}, {Transition: "answer", Comment: "Wir kümmern uns."}, {Transition: "close"}} {
		if _, err := f.eng.Transition(ctx, caseWorker, tk.Number, step); err != nil {
			t.Fatalf("%s: %v", step.Transition, err)
		}
	}
	tk, err = f.store.Ticket(ctx, tk.Number)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// auditProblems runs the audit of one ticket and returns its problems.
func auditProblems(t *testing.T, st *store.Store, number string) []engine.VerifyProblem {
	t.Helper()
	var out []engine.VerifyProblem
	if _, err := engine.Audit(t.Context(), st, []string{number}, func(_ string, p []engine.VerifyProblem) { out = p }); err != nil {
		t.Fatal(err)
	}
	return out
}

// storedText is everything stored of the ticket and its history, as text.
func storedText(t *testing.T, st *store.Store, number string) string {
	t.Helper()
	tk, err := st.Ticket(t.Context(), number)
	if err != nil {
		t.Fatal(err)
	}
	hist, err := st.History(t.Context(), tk)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%+v %+v", *tk, hist)
}

var requesterGone = engine.Anonymisation{Reason: ticket.ReasonRequest, Request: "DSR-1", Requester: true}

// TestAnonymiseKeepsChainVerifiable: the requester's address, name, reply
// and tracking link are gone from the ticket and its history, what is
// not personal stays, the anonymisation is recorded, and the history
// still verifies. A second run changes nothing and records nothing.
func TestAnonymiseKeepsChainVerifiable(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	tk := personalRequest(t, f)
	if p := auditProblems(t, f.store, tk.Number); len(p) > 0 {
		t.Fatalf("before: %v", p)
	}
	res, err := f.eng.Anonymise(ctx, tk.Number, requesterGone)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Recorded || res.Removed == 0 {
		t.Fatalf("result %+v, want removals recorded", res)
	}
	if p := auditProblems(t, f.store, tk.Number); len(p) > 0 {
		t.Fatalf("after anonymisation: %v", p)
	}
	text := storedText(t, f.store, tk.Number)
	for _, gone := range []string{"erika@example.org", "Erika Mustermann", "0351 123456", tk.Tracking} {
		if strings.Contains(text, gone) {
			t.Errorf("%q is still stored", gone)
		}
	}
	for _, kept := range []string{"Laute Musik", "Wir kümmern uns.", "bea"} {
		if !strings.Contains(text, kept) {
			t.Errorf("%q is gone, but it is not the requester's", kept)
		}
	}
	after, err := f.store.Ticket(ctx, tk.Number)
	if err != nil {
		t.Fatal(err)
	}
	hist, err := f.store.History(ctx, after)
	if err != nil {
		t.Fatal(err)
	}
	last, err := hist[len(hist)-1].Decode()
	if err != nil {
		t.Fatal(err)
	}
	a, ok := last.(ticket.Anonymised)
	if !ok || a.Request != "DSR-1" || len(a.Removed) != res.Removed {
		t.Fatalf("last entry %#v, want the record of %d removals", last, res.Removed)
	}
	again, err := f.eng.Anonymise(ctx, tk.Number, requesterGone)
	if err != nil || again.Recorded || again.Removed != 0 {
		t.Fatalf("second run: %+v, %v; want nothing to do", again, err)
	}
	if v, _ := f.store.Ticket(ctx, tk.Number); v.Version != after.Version {
		t.Errorf("second run changed the ticket to version %d", v.Version)
	}
}

// TestTamperAfterAnonymisation: after values were removed, the audit
// still finds every other change of the history.
func TestTamperAfterAnonymisation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tamper func(t *testing.T, hist []ticket.HistoryEntry) []ticket.HistoryEntry
		want   string
	}{
		{"a value that is not sealed changed", func(t *testing.T, h []ticket.HistoryEntry) []ticket.HistoryEntry {
			h[0].Data["state"] = "closed"
			return h[:1]
		}, "does not match its hash"},
		{"a sealed value that was kept changed", func(t *testing.T, h []ticket.HistoryEntry) []ticket.HistoryEntry {
			h[0].Data["data"].(map[string]any)["summary"] = "Ruhestörung"
			return h[:1]
		}, "does not match its hash"},
		{"a removed value put back", func(t *testing.T, h []ticket.HistoryEntry) []ticket.HistoryEntry {
			h[0].Data["data"].(map[string]any)["email"] = "erika@example.org"
			return h[:1]
		}, "present again"},
		{"the digest of a removed value changed", func(t *testing.T, h []ticket.HistoryEntry) []ticket.HistoryEntry {
			h[0].Redacted["data/data/email"] = strings.Repeat("0", 64)
			return h[:1]
		}, "does not match its hash"},
		{"a value removed without a record", func(t *testing.T, h []ticket.HistoryEntry) []ticket.HistoryEntry {
			if done, err := engine.RedactForTest(&h[0], "data/data/summary"); err != nil || !done {
				t.Fatalf("redact: %v %v", done, err)
			}
			return h[:1]
		}, "without an anonymisation entry"},
		{"the record of a removal changed", func(t *testing.T, h []ticket.HistoryEntry) []ticket.HistoryEntry {
			last := &h[len(h)-1]
			last.Data["removed"] = last.Data["removed"].([]any)[1:]
			return h[len(h)-1:]
		}, "does not match its hash"},
		{"the salt of a kept value dropped", func(t *testing.T, h []ticket.HistoryEntry) []ticket.HistoryEntry {
			delete(h[0].Salts, "data/data/summary")
			return h[:1]
		}, "does not match its hash"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			ctx := t.Context()
			tk := personalRequest(t, f)
			if _, err := f.eng.Anonymise(ctx, tk.Number, requesterGone); err != nil {
				t.Fatal(err)
			}
			tk, err := f.store.Ticket(ctx, tk.Number)
			if err != nil {
				t.Fatal(err)
			}
			hist, err := f.store.History(ctx, tk)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.store.RewriteHistory(ctx, tk.Number, tc.tamper(t, hist)); err != nil {
				t.Fatal(err)
			}
			problems := auditProblems(t, f.store, tk.Number)
			if !strings.Contains(fmt.Sprint(problems), tc.want) {
				t.Fatalf("problems %v, want one saying %q", problems, tc.want)
			}
		})
	}
}

// TestAnonymiseFields removes listed fields only: the requester and
// other values stay.
func TestAnonymiseFields(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	tk := personalRequest(t, f)
	res, err := f.eng.Anonymise(ctx, tk.Number, engine.Anonymisation{Reason: ticket.ReasonRetention, Rule: "r", Fields: []string{"description"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Removed != 1 || fmt.Sprint(res.Fields) != "[data.description]" {
		t.Fatalf("result %+v, want the description removed from the create and the ticket", res)
	}
	if p := auditProblems(t, f.store, tk.Number); len(p) > 0 {
		t.Fatal(p)
	}
	text := storedText(t, f.store, tk.Number)
	if strings.Contains(text, "Familie Brandt") || !strings.Contains(text, "erika@example.org") {
		t.Errorf("stored after removing the description: %s", text)
	}
}

// TestAnonymiseLegacyHistoryNeedsSealing: history written before values
// were sealed cannot lose values without breaking its chain; the engine
// refuses and says so.
func TestAnonymiseLegacyHistoryNeedsSealing(t *testing.T) {
	t.Parallel()
	st := openLegacyStore(t)
	numbers, err := st.TicketNumbers(t.Context(), "", 500)
	if err != nil {
		t.Fatal(err)
	}
	f := fixtureOver(t, st)
	refused := 0
	for _, n := range numbers {
		_, err := f.eng.Anonymise(t.Context(), n, engine.Anonymisation{Reason: ticket.ReasonRequest, Requester: true, Attachments: true})
		if errors.Is(err, engine.ErrUnsealed) {
			refused++
		} else if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
	}
	if refused == 0 {
		t.Fatal("no legacy ticket was refused")
	}
	if _, err := engine.Audit(t.Context(), st, nil, func(n string, p []engine.VerifyProblem) { t.Errorf("%s: %v", n, p) }); err != nil {
		t.Fatal(err)
	}
}

// fixtureOver is an engine over the shipped desks and the given store.
func fixtureOver(t *testing.T, st *store.Store) fixture {
	t.Helper()
	cat := testkit.Desks(t)
	eng, err := engine.New(engine.Deps{Store: st, Catalog: func() *definition.Catalog { return cat }, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{eng: eng, store: st}
}
