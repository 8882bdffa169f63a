package engine_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/internal/testkit"
	"vorgang/core/ticket"
)

// retentionDesk has one process per counting point: the requester's
// details go 30 days after closing, creation or the last change.
const retentionDesk = `apiVersion: vorgang/v1
kind: Process
id: %[1]s
title: Meldung
form: meldung
audience: [citizen]
team: roads
numbering: {prefix: %[2]s}
states:
  - {id: neu, category: open}
  - {id: erledigt, category: closed}
transitions:
  - {id: erledigen, from: [neu], to: erledigt, roles: [road-agent]}
retention:
  - {id: kontakt, after: 30d, from: %[3]s, requester: true}
---
`

const retentionShared = `apiVersion: vorgang/v1
kind: Form
id: meldung
title: Meldung
fields:
  - {id: street, type: text, label: Straße, required: true}
  - {id: email, type: email, label: E-Mail, personal_category: contact}
---
apiVersion: vorgang/v1
kind: Role
id: road-agent
title: Straßenbau
permissions: [ticket.read_team, ticket.work, ticket.comment_internal]
---
apiVersion: vorgang/v1
kind: Team
id: roads
title: Straßenbau
roles: [road-agent]
`

var privacyOfficer = &auth.Principal{User: "dana", Permissions: map[string]bool{engine.PrivacyPermission: true}}

// retentionFixture is an engine over the shipped desks and the retention
// desk, with a settable clock.
func retentionFixture(t *testing.T) (fixture, *testkit.Clock) {
	t.Helper()
	files := testkit.DeskFiles(t)
	files = append(files, definition.File{Path: "processes/retention.yaml", Data: []byte(
		fmt.Sprintf(retentionDesk, "nach-abschluss", "RA", "closed") +
			fmt.Sprintf(retentionDesk, "nach-eingang", "RB", "created") +
			fmt.Sprintf(retentionDesk, "nach-aktivitaet", "RC", "last_activity") + retentionShared)})
	cat := testkit.Compile(t, files)
	clk := testkit.NewClock(clock)
	st := openStore(t)
	eng, err := engine.New(engine.Deps{Store: st, Catalog: func() *definition.Catalog { return cat }, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{eng: eng, store: st}, clk
}

// TestRetention: each rule applies once its period has passed from its
// counting point, not before; legal hold keeps a ticket; a dry run lists
// without changing; a second run finds nothing to do.
func TestRetention(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	tests := []struct {
		name    string
		process string
		data    map[string]any
		close   bool
		// touch: days after the create that a comment is added.
		touch   int
		hold    bool
		elapsed time.Duration
		want    bool
	}{
		{"closed 31 days ago", "nach-abschluss", nil, true, 0, false, 31 * day, true},
		{"closed 29 days ago", "nach-abschluss", nil, true, 0, false, 29 * day, false},
		{"open for a year, counted from closing", "nach-abschluss", nil, false, 0, false, 365 * day, false},
		{"created 31 days ago, still open", "nach-eingang", nil, false, 0, false, 31 * day, true},
		{"created 29 days ago", "nach-eingang", nil, false, 0, false, 29 * day, false},
		{"last change 31 days ago", "nach-aktivitaet", nil, false, 0, false, 31 * day, true},
		{"a change 10 days in restarts the period", "nach-aktivitaet", nil, false, 10, false, 31 * day, false},
		{"legal hold", "nach-eingang", nil, false, 0, true, 400 * day, false},
		{"citizen desk: closed seven months ago", "citizen-request", nil, true, 0, false, 214 * day, true},
		{"citizen desk: closed five months ago", "citizen-request", nil, true, 0, false, 150 * day, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, clk := retentionFixture(t)
			ctx := t.Context()
			data := map[string]any{"street": "Markt 1", "email": "erika@example.org"}
			if tc.process == "citizen-request" {
				data = map[string]any{"summary": "Laute Musik", "category": "other", "description": "Jede Nacht.",
					"email": "erika@example.org", "privacy_consent": true}
			}
			tk, err := f.eng.Create(ctx, nil, engine.CreateRequest{Process: tc.process, Data: data})
			if err != nil {
				t.Fatal(err)
			}
			start := clk.Now()
			if tc.touch > 0 {
				clk.Advance(time.Duration(tc.touch) * day)
				if _, err := f.eng.CitizenReply(ctx, tk.Tracking, 0, "Noch da.", nil, "de"); err != nil {
					t.Fatal(err)
				}
			}
			if tc.close {
				steps := []string{"erledigen"}
				actor := roadAgent
				if tc.process == "citizen-request" {
					steps, actor = []string{"accept", "answer", "close"}, caseWorker
				}
				for _, s := range steps {
					req := engine.TransitionRequest{Transition: s}
					if s == "answer" {
						req.Comment = "Erledigt."
					}
					if _, err := f.eng.Transition(ctx, actor, tk.Number, req); err != nil {
						t.Fatalf("%s: %v", s, err)
					}
				}
			}
			if tc.hold {
				if _, err := f.eng.SetLegalHold(ctx, privacyOfficer, tk.Number, true, "Klage anhängig"); err != nil {
					t.Fatal(err)
				}
			}
			clk.Set(start.Add(tc.elapsed))

			dry, err := f.eng.EnforceRetention(ctx, engine.RetentionRun{DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(dry.Actions) > 0; got != tc.want {
				t.Fatalf("dry run lists %+v, want due %v", dry.Actions, tc.want)
			}
			if tc.hold && dry.Held != 1 {
				t.Errorf("dry run counts %d held tickets, want 1", dry.Held)
			}
			before := storedText(t, f.store, tk.Number)
			if !strings.Contains(before, "erika@example.org") {
				t.Fatal("the dry run removed the address")
			}

			rep, err := f.eng.EnforceRetention(ctx, engine.RetentionRun{})
			if err != nil || rep.Failed > 0 {
				t.Fatalf("run: %+v, %v", rep, err)
			}
			gone := !strings.Contains(storedText(t, f.store, tk.Number), "erika@example.org")
			if gone != tc.want {
				t.Fatalf("address removed %v, want %v", gone, tc.want)
			}
			if p := auditProblems(t, f.store, tk.Number); len(p) > 0 {
				t.Fatalf("audit: %v", p)
			}
			again, err := f.eng.EnforceRetention(ctx, engine.RetentionRun{})
			if err != nil || len(again.Actions) > 0 {
				t.Fatalf("second run: %+v, %v; want nothing due", again.Actions, err)
			}
			if tc.want {
				after, _ := f.store.Ticket(ctx, tk.Number)
				if !slices.Contains(after.Retained, "kontakt") && !slices.Contains(after.Retained, "requester") {
					t.Errorf("retained %v, want the rule recorded", after.Retained)
				}
			}
		})
	}
}

// TestLegalHold: only holders of the privacy permission put a ticket on
// hold, with a reason; a held ticket cannot be anonymised.
func TestLegalHold(t *testing.T) {
	t.Parallel()
	f, _ := retentionFixture(t)
	ctx := t.Context()
	tk, err := f.eng.Create(ctx, nil, engine.CreateRequest{Process: "nach-eingang", Data: map[string]any{"street": "Markt 1", "email": "e@example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		actor  *auth.Principal
		reason string
		want   error
	}{
		{"staff without the permission", roadAgent, "Klage", fault.Forbidden},
		{"a citizen", nil, "Klage", fault.Forbidden},
		{"without a reason", privacyOfficer, "", fault.Invalid},
		{"the privacy officer", privacyOfficer, "Klage anhängig", nil},
	} {
		if _, err := f.eng.SetLegalHold(ctx, tc.actor, tk.Number, true, tc.reason); !errors.Is(err, tc.want) && !(tc.want == nil && err == nil) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if _, err := f.eng.Anonymise(ctx, tk.Number, engine.Anonymisation{Reason: ticket.ReasonRequest, Requester: true}); !errors.Is(err, fault.NotAllowedNow) {
		t.Fatalf("anonymising a held ticket: %v, want not allowed now", err)
	}
	if _, err := f.eng.SetLegalHold(ctx, privacyOfficer, tk.Number, false, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.Anonymise(ctx, tk.Number, engine.Anonymisation{Reason: ticket.ReasonRequest, Requester: true}); err != nil {
		t.Fatalf("after the hold ended: %v", err)
	}
}
