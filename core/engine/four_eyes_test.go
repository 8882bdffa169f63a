package engine_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/ticket"
)

// requestDesk: a request is checked by a clerk (a guard on two fields),
// then approved by two team leads, or by the requester's manager (and
// then a team lead); the requester may withdraw it. "eilantrag" is the same process with the
// administrators' emergency override declared.
const requestDesk = `apiVersion: vorgang/v1
kind: Process
id: antrag
title: Antrag
form: antrag
audience: [staff]
states:
  - {id: neu, category: open}
  - {id: geprueft, category: open}
  - {id: genehmigt, category: open}
  - {id: erledigt, category: closed}
  - {id: abgelehnt, category: cancelled}
  - {id: zurueckgezogen, category: cancelled}
transitions:
  - id: pruefen
    from: [neu]
    to: geprueft
    roles: [sachbearbeitung]
    guard: {all: [{field: betrag, gt: 0}, {field: kostenstelle, empty: false}]}
  - id: vorlegen
    from: [geprueft]
    to: genehmigt
    roles: [requester]
    approval: {role: teamleitung, count: 2, reject_to: abgelehnt}
  - id: chef
    from: [neu]
    to: genehmigt
    roles: [requester]
    approval: {role: manager, reject_to: abgelehnt}
  - id: beide
    from: [neu]
    to: genehmigt
    roles: [requester]
    approval: {amount_field: betrag, chain: [{roles: [manager, teamleitung]}]}
  - {id: zurueckziehen, from: [neu, geprueft], to: zurueckgezogen, roles: [requester]}
  - {id: erledigen, from: [genehmigt], to: erledigt, roles: [sachbearbeitung]}
---
apiVersion: vorgang/v1
kind: Form
id: antrag
title: Antrag
fields:
  - {id: gegenstand, type: text, label: Gegenstand, required: true}
  - {id: betrag, type: number, label: Betrag}
  - {id: kostenstelle, type: text, label: Kostenstelle}
---
{apiVersion: vorgang/v1, kind: Role, id: teamleitung, title: Teamleitung}
---
{apiVersion: vorgang/v1, kind: Role, id: sachbearbeitung, title: Sachbearbeitung}
`

// requestDeskFiles: the desk, and the same process as "eilantrag" with
// admin_override.
func requestDeskFiles() []definition.File {
	override := strings.Replace(strings.SplitN(requestDesk, "---", 2)[0], "id: antrag\n", "id: eilantrag\nadmin_override: true\n", 1)
	return []definition.File{{Path: "antrag.yaml", Data: []byte(requestDesk)}, {Path: "eilantrag.yaml", Data: []byte(override)}}
}

var (
	readAll  = map[string]bool{"ticket.read_all": true}
	clerk    = &auth.Principal{User: "sara", Roles: []string{"sachbearbeitung"}, Permissions: readAll}
	lead1    = &auth.Principal{User: "lena", Roles: []string{"teamleitung"}, Permissions: readAll}
	root     = &auth.Principal{User: "root", Roles: []string{"admin"}, Admin: true}
	bossRoot = &auth.Principal{User: "rita", Roles: []string{"admin", "teamleitung"}, Admin: true}
	dora     = &auth.Principal{User: "dora"}
	hans     = &auth.Principal{User: "hans"} // dora's manager, nothing else
)

func requestFixture(t *testing.T) fixture {
	t.Helper()
	return fixtureWith(t, requestDeskFiles(), directory{"dora": "hans", "rita": "hans", "root": "", "emil": "", "hans": ""})
}

// submitted opens a request of process as requester, has the clerk check
// it and the requester ask for approval; it waits for two team leads.
func submitted(t *testing.T, f fixture, process string, requester *auth.Principal) *ticket.Ticket {
	t.Helper()
	ctx := t.Context()
	tk, err := f.eng.Create(ctx, requester, engine.CreateRequest{Process: process, Data: map[string]any{"gegenstand": "Beamer", "betrag": 800, "kostenstelle": "KST-1"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.Transition(ctx, clerk, tk.Number, engine.TransitionRequest{Transition: "pruefen"}); err != nil {
		t.Fatal(err)
	}
	tk, err = f.eng.Transition(ctx, requester, tk.Number, engine.TransitionRequest{Transition: "vorlegen"})
	if err != nil {
		t.Fatal(err)
	}
	if engine.PendingApproval(tk) == nil {
		t.Fatal("no approval pending after vorlegen")
	}
	return tk
}

// wantRefusal checks that err is a refusal of the kind with the code and
// (a subset of) params.
func wantRefusal(t *testing.T, err error, kind error, code string, params map[string]any) {
	t.Helper()
	r := engine.AsRefusal(err)
	if r == nil || !errors.Is(err, kind) || r.Code != code {
		t.Fatalf("err = %v, want a refusal %s of kind %v", err, code, kind)
	}
	for k, v := range params {
		if !reflect.DeepEqual(r.Params[k], v) {
			t.Errorf("param %s = %#v, want %#v (all: %v)", k, r.Params[k], v, r.Params)
		}
	}
}

// TestApprovalStepsAreDecidedOnlyByThoseNamed: an administrator is no
// approver, and nobody — administrator or holder of the step's role —
// decides a step of their own request. Where a process declares
// admin_override, an administrator may decide in the approvers' place,
// only with a reason, and the history marks the override.
func TestApprovalStepsAreDecidedOnlyByThoseNamed(t *testing.T) {
	t.Parallel()
	f := requestFixture(t)
	ctx := t.Context()
	tests := []struct {
		name      string
		process   string
		requester *auth.Principal
		decider   *auth.Principal
		reason    string
		code      string // refusal expected; "" = decided
		override  bool
	}{
		{"admin without the role", "antrag", dora, root, "eilt", engine.ReasonRoleRequired, false},
		{"admin holding the role, own request", "antrag", bossRoot, bossRoot, "", engine.ReasonSelfApproval, false},
		{"role holder", "antrag", dora, lead1, "", "", false},
		{"override declared, admin, no reason", "eilantrag", dora, root, "", "reason", false},
		{"override declared, admin with a reason", "eilantrag", dora, root, "Teamleitungen im Urlaub, Frist läuft ab", "", true},
		{"override declared, own request", "eilantrag", bossRoot, bossRoot, "Notfall", engine.ReasonSelfApproval, false},
		{"override declared, role holder decides as such", "eilantrag", dora, lead1, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := submitted(t, f, tt.process, tt.requester)
			out, err := f.eng.Decide(ctx, tt.decider, tk.Number, 0, true, tt.reason, "de")
			switch tt.code {
			case "":
				if err != nil {
					t.Fatalf("decide: %v", err)
				}
			case "reason":
				var verr *fault.Error
				if !errors.As(err, &verr) || len(verr.Fields) == 0 || verr.Fields[0].Field != "reason" || verr.Fields[0].Code != "required" {
					t.Fatalf("an override without a reason: %v", err)
				}
				return
			default:
				wantRefusal(t, err, fault.Forbidden, tt.code, nil)
				after, _ := f.store.Ticket(ctx, tk.Number)
				if after.Version != tk.Version {
					t.Errorf("a refused decision changed the ticket (version %d → %d)", tk.Version, after.Version)
				}
				return
			}
			if p := engine.PendingApproval(out); p == nil || len(p.Approvers) != 1 || p.Approvers[0] != tt.decider.User {
				t.Fatalf("pending after the decision: %+v", p)
			}
			_, hist, err := f.eng.History(ctx, root, tk.Number)
			if err != nil {
				t.Fatal(err)
			}
			last := hist[len(hist)-1]
			if got, _ := last.Data["override"].(bool); last.Type != engine.EntryApproved || got != tt.override {
				t.Errorf("history entry %s %v, want override %v", last.Type, last.Data, tt.override)
			}
			if tt.override && last.Data["comment"] != tt.reason {
				t.Errorf("the override's reason is not recorded: %v", last.Data)
			}
		})
	}

	t.Run("a manager step is the manager's, not an admin's", func(t *testing.T) {
		tk, _ := f.eng.Create(ctx, dora, engine.CreateRequest{Process: "antrag", Data: map[string]any{"gegenstand": "Laptop"}})
		if _, err := f.eng.Transition(ctx, dora, tk.Number, engine.TransitionRequest{Transition: "chef"}); err != nil {
			t.Fatal(err)
		}
		_, err := f.eng.Decide(ctx, root, tk.Number, 0, false, "nein", "de")
		wantRefusal(t, err, fault.Forbidden, engine.ReasonRoleRequired, map[string]any{"roles": []string{engine.ManagerRole}})
		if right := f.eng.Decision(root, mustTicket(t, f, tk.Number)); right.May {
			t.Errorf("the page would offer the admin the decision: %+v", right)
		}
	})
}

func mustTicket(t *testing.T, f fixture, number string) *ticket.Ticket {
	t.Helper()
	tk, err := f.store.Ticket(t.Context(), number)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// TestRefusalReasons: every refusal names its reason and parameters, and
// Options gives the same reasons for the steps the actor cannot take.
func TestRefusalReasons(t *testing.T) {
	t.Parallel()
	f := requestFixture(t)
	ctx := t.Context()
	open := func(t *testing.T, requester *auth.Principal, data map[string]any) *ticket.Ticket {
		tk, err := f.eng.Create(ctx, requester, engine.CreateRequest{Process: "antrag", Data: data})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	full := map[string]any{"gegenstand": "Beamer", "betrag": 800, "kostenstelle": "KST-1"}
	run := func(actor *auth.Principal, number, tr string) error {
		_, err := f.eng.Transition(ctx, actor, number, engine.TransitionRequest{Transition: tr})
		return err
	}
	tests := []struct {
		name   string
		do     func(t *testing.T) error
		kind   error
		code   string
		params map[string]any
	}{
		{"role", func(t *testing.T) error { return run(dora, open(t, dora, full).Number, "pruefen") },
			fault.Forbidden, engine.ReasonRoleRequired, map[string]any{"roles": []string{"sachbearbeitung"}}},
		{"state", func(t *testing.T) error { return run(dora, open(t, dora, full).Number, "vorlegen") },
			fault.NotAllowedNow, engine.ReasonStateMismatch, map[string]any{"state": "neu", "from": []string{"geprueft"}}},
		{"guard", func(t *testing.T) error {
			return run(clerk, open(t, dora, map[string]any{"gegenstand": "Beamer", "betrag": 800}).Number, "pruefen")
		}, fault.NotAllowedNow, engine.ReasonGuardFailed, map[string]any{"field": "kostenstelle"}},
		{"guard, first failing field", func(t *testing.T) error {
			return run(clerk, open(t, dora, map[string]any{"gegenstand": "Beamer", "betrag": 0}).Number, "pruefen")
		}, fault.NotAllowedNow, engine.ReasonGuardFailed, map[string]any{"field": "betrag"}},
		{"approval pending", func(t *testing.T) error { return run(dora, submitted(t, f, "antrag", dora).Number, "vorlegen") },
			fault.NotAllowedNow, engine.ReasonApprovalPending, map[string]any{"step": "teamleitung", "transition": "vorlegen"}},
		{"no manager", func(t *testing.T) error { return run(root, open(t, root, full).Number, "chef") },
			fault.NotAllowedNow, engine.ReasonNoManager, map[string]any{"requester": "root"}},
		{"no approval pending", func(t *testing.T) error {
			_, err := f.eng.Decide(ctx, lead1, open(t, dora, full).Number, 0, true, "", "de")
			return err
		}, fault.NotAllowedNow, engine.ReasonNoApprovalPending, nil},
		{"self approval", func(t *testing.T) error {
			_, err := f.eng.Decide(ctx, dora, submitted(t, f, "antrag", dora).Number, 0, true, "", "de")
			return err
		}, fault.Forbidden, engine.ReasonSelfApproval, nil},
		{"approved an earlier step", func(t *testing.T) error {
			tk := submitted(t, f, "antrag", dora)
			if _, err := f.eng.Decide(ctx, lead1, tk.Number, 0, true, "", "de"); err != nil {
				t.Fatal(err)
			}
			_, err := f.eng.Decide(ctx, lead1, tk.Number, 0, true, "", "de")
			return err
		}, fault.Forbidden, engine.ReasonAlreadyApproved, map[string]any{"step": "teamleitung"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantRefusal(t, tt.do(t), tt.kind, tt.code, tt.params)
		})
	}

	t.Run("options say the same", func(t *testing.T) {
		tk := open(t, dora, map[string]any{"gegenstand": "Beamer", "betrag": 800})
		runnable, blocked := f.eng.Options(ctx, dora, tk)
		var ids []string
		for _, tr := range runnable {
			ids = append(ids, tr.ID.Value)
		}
		if strings.Join(ids, ",") != "chef,beide,zurueckziehen" {
			t.Errorf("runnable = %v", ids)
		}
		why := map[string]string{}
		for _, b := range blocked {
			why[b.Transition.ID.Value] = b.Refusal.Code
		}
		if !reflect.DeepEqual(why, map[string]string{"pruefen": engine.ReasonRoleRequired, "vorlegen": engine.ReasonStateMismatch, "erledigen": engine.ReasonRoleRequired}) {
			t.Errorf("blocked = %v", why)
		}
		_, blocked = f.eng.Options(ctx, clerk, tk)
		for _, b := range blocked {
			if b.Transition.ID.Value == "pruefen" && (b.Refusal.Code != engine.ReasonGuardFailed || b.Refusal.Param("field") != "kostenstelle") {
				t.Errorf("the clerk's pruefen: %v", b.Refusal)
			}
		}
		_, blocked = f.eng.Options(ctx, root, open(t, root, full))
		for _, b := range blocked {
			if b.Transition.ID.Value == "chef" && b.Refusal.Code != engine.ReasonNoManager {
				t.Errorf("chef without a manager: %v", b.Refusal)
			}
		}
	})
}

// TestDeciderKeepsSeeingTheTicket: the manager who decided keeps read
// access after the approval is done — after a rejection, and after later
// steps decided by others.
func TestDeciderKeepsSeeingTheTicket(t *testing.T) {
	t.Parallel()
	f := requestFixture(t)
	ctx := t.Context()
	tests := []struct {
		name, transition string
		approve          bool
		after            []*auth.Principal // who decides the later steps
	}{
		{"approved", "chef", true, nil},
		{"rejected", "chef", false, nil},
		{"approved, then a team lead", "beide", true, []*auth.Principal{lead1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk, _ := f.eng.Create(ctx, dora, engine.CreateRequest{Process: "antrag", Data: map[string]any{"gegenstand": "Laptop", "betrag": 900}})
			if _, err := f.eng.Transition(ctx, dora, tk.Number, engine.TransitionRequest{Transition: tt.transition}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.eng.Decide(ctx, hans, tk.Number, 0, tt.approve, "geprüft", "de"); err != nil {
				t.Fatal(err)
			}
			for _, p := range tt.after {
				if _, err := f.eng.Decide(ctx, p, tk.Number, 0, true, "", "de"); err != nil {
					t.Fatal(err)
				}
			}
			if _, _, err := f.eng.History(ctx, hans, tk.Number); err != nil {
				t.Fatalf("the manager lost sight of the ticket after deciding: %v", err)
			}
			if _, err := f.eng.Ticket(ctx, &auth.Principal{User: "emil"}, tk.Number); !errors.Is(err, fault.NotFound) {
				t.Errorf("someone else sees the ticket: %v", err)
			}
		})
	}
}

// TestEndingWithdrawsThePendingApproval: ending a ticket while its
// approval is pending records in the history that it was withdrawn.
func TestEndingWithdrawsThePendingApproval(t *testing.T) {
	t.Parallel()
	f := requestFixture(t)
	ctx := t.Context()
	tk := submitted(t, f, "antrag", dora)
	if _, err := f.eng.Decide(ctx, lead1, tk.Number, 0, true, "", "de"); err != nil {
		t.Fatal(err)
	}
	tk, err := f.eng.Transition(ctx, dora, tk.Number, engine.TransitionRequest{Transition: "zurueckziehen"})
	if err != nil {
		t.Fatal(err)
	}
	if tk.State != "zurueckgezogen" || engine.PendingApproval(tk) != nil {
		t.Fatalf("after withdrawing: state %s, pending %+v", tk.State, engine.PendingApproval(tk))
	}
	_, hist, _ := f.eng.History(ctx, dora, tk.Number)
	last := hist[len(hist)-1]
	content, err := last.Decode()
	tr, ok := content.(ticket.Transitioned)
	if err != nil || !ok || tr.ApprovalWithdrawn == nil {
		t.Fatalf("last entry %s %v: no withdrawn approval (%v)", last.Type, last.Data, err)
	}
	if w := tr.ApprovalWithdrawn; w.Transition != "vorlegen" || fmt.Sprint(w.Steps) != "[teamleitung teamleitung]" || fmt.Sprint(w.Approvers) != "[lena]" {
		t.Errorf("withdrawn approval = %+v", w)
	}
	if p := engine.VerifyHistory(tk, hist); len(p) != 0 {
		t.Fatal(p)
	}
}

// TestConcurrentApprovalsWithoutVersion: approvals sent at the same time
// without a version are all taken, each on the version before it; with a
// version, the losers get a conflict.
func TestConcurrentApprovalsWithoutVersion(t *testing.T) {
	t.Parallel()
	const n = 6
	desk := strings.Replace(requestDesk, "count: 2", fmt.Sprintf("count: %d", n), 1)
	f := fixtureWith(t, []definition.File{{Path: "antrag.yaml", Data: []byte(desk)}}, directory{"dora": "hans"})
	ctx := t.Context()
	leads := make([]*auth.Principal, n)
	for i := range leads {
		leads[i] = &auth.Principal{User: fmt.Sprintf("lead%d", i), Roles: []string{"teamleitung"}, Permissions: readAll}
	}
	decideAll := func(version int64, number string) []error {
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i, l := range leads {
			wg.Go(func() { _, errs[i] = f.eng.Decide(ctx, l, number, version, true, "", "de") })
		}
		wg.Wait()
		return errs
	}

	tk := submitted(t, f, "antrag", dora)
	for i, err := range decideAll(0, tk.Number) {
		if err != nil {
			t.Errorf("approval %d without a version: %v", i, err)
		}
	}
	after := mustTicket(t, f, tk.Number)
	_, hist, _ := f.eng.History(ctx, root, tk.Number)
	approvals := 0
	for _, h := range hist {
		if h.Type == engine.EntryApproved {
			approvals++
		}
	}
	if after.State != "genehmigt" || approvals != n {
		t.Errorf("after %d concurrent approvals: state %s, %d approvals in the history", n, after.State, approvals)
	}

	tk = submitted(t, f, "antrag", dora)
	won := 0
	for _, err := range decideAll(tk.Version, tk.Number) {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, fault.Conflict):
			t.Errorf("with a version: %v", err)
		}
	}
	if won != 1 {
		t.Errorf("%d approvals of one version succeeded, want 1", won)
	}
}
