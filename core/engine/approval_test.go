package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
)

const procurementDesk = `apiVersion: vorgang/v1
kind: Process
id: beschaffung
title: Beschaffung
form: bestellung
audience: [staff]
numbering: {prefix: BES}
states:
  - {id: beantragt, category: open}
  - {id: genehmigt, category: open}
  - {id: abgelehnt, category: cancelled}
  - {id: zurueckgezogen, category: cancelled}
transitions:
  - id: genehmigen
    from: [beantragt]
    to: genehmigt
    roles: [requester]
    approval:
      amount_field: betrag
      chain:
        - {below: 1000, roles: [teamleitung]}
        - {below: 25000, roles: [teamleitung, amtsleitung]}
        - {roles: [teamleitung, amtsleitung, kaemmerei]}
      reject_to: abgelehnt
    actions:
      - priority: high
  - {id: zurueckziehen, from: [beantragt], to: zurueckgezogen, roles: [requester]}
---
apiVersion: vorgang/v1
kind: Form
id: bestellung
title: Bestellung
fields:
  - {id: gegenstand, type: text, label: Gegenstand, required: true}
  - {id: betrag, type: number, label: Betrag, unit: EUR, required: true, min: 0}
---
{apiVersion: vorgang/v1, kind: Role, id: teamleitung, title: Teamleitung}
---
{apiVersion: vorgang/v1, kind: Role, id: amtsleitung, title: Amtsleitung}
---
{apiVersion: vorgang/v1, kind: Role, id: kaemmerei, title: Kämmerei}
`

func procurementFixture(t *testing.T) fixture {
	t.Helper()
	return fixtureFor(t, []definition.File{{Path: "beschaffung.yaml", Data: []byte(procurementDesk)}})
}

func TestApprovalChainByAmount(t *testing.T) {
	t.Parallel()
	f := procurementFixture(t)
	ctx := t.Context()
	all := map[string]bool{"ticket.read_all": true}
	dora := &auth.Principal{User: "dora"}
	lead := &auth.Principal{User: "lena", Roles: []string{"teamleitung"}, Permissions: all}
	head := &auth.Principal{User: "hans", Roles: []string{"amtsleitung"}, Permissions: all}
	treasury := &auth.Principal{User: "kai", Roles: []string{"kaemmerei"}, Permissions: all}

	tests := []struct {
		name      string
		amount    float64
		approvers []*auth.Principal
	}{
		{"below 1,000: team lead", 480, []*auth.Principal{lead}},
		{"below 25,000: team lead, then department head", 12000, []*auth.Principal{lead, head}},
		{"above: three levels", 80000, []*auth.Principal{lead, head, treasury}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk, err := f.eng.Create(ctx, dora, engine.CreateRequest{Process: "beschaffung", Data: map[string]any{"gegenstand": "Dienstlaptops", "betrag": tt.amount}})
			if err != nil {
				t.Fatal(err)
			}
			tk, err = f.eng.Transition(ctx, dora, tk.Number, engine.TransitionRequest{Transition: "genehmigen"})
			if err != nil {
				t.Fatal(err)
			}
			pend := engine.PendingApproval(tk)
			if tk.State != "beantragt" || pend == nil || len(pend.Steps) != len(tt.approvers) {
				t.Fatalf("after the request: state %s, pending %+v", tk.State, pend)
			}
			// Out of order, and by the requester herself: refused.
			if len(tt.approvers) > 1 {
				if _, err := f.eng.Decide(ctx, tt.approvers[1], tk.Number, 0, true, "", "de"); !errors.Is(err, fault.Forbidden) {
					t.Fatalf("second level approved first: %v", err)
				}
			}
			if _, err := f.eng.Decide(ctx, dora, tk.Number, 0, true, "", "de"); !errors.Is(err, fault.NotFound) && !errors.Is(err, fault.Forbidden) {
				t.Fatalf("requester approved her own request: %v", err)
			}
			for i, a := range tt.approvers {
				tk, err = f.eng.Decide(ctx, a, tk.Number, 0, true, "", "de")
				if err != nil {
					t.Fatalf("approval %d by %s: %v", i+1, a.User, err)
				}
			}
			if tk.State != "genehmigt" || tk.Priority != "high" || engine.PendingApproval(tk) != nil {
				t.Fatalf("after all approvals: state %s, priority %s", tk.State, tk.Priority)
			}
			_, hist, _ := f.eng.History(ctx, lead, tk.Number)
			if p := engine.VerifyHistory(tk, hist); len(p) != 0 {
				t.Fatal(p)
			}
		})
	}
}

func TestApprovalRejectionAndWithdrawal(t *testing.T) {
	t.Parallel()
	f := procurementFixture(t)
	ctx := t.Context()
	dora := &auth.Principal{User: "dora"}
	lead := &auth.Principal{User: "lena", Roles: []string{"teamleitung"}, Permissions: map[string]bool{"ticket.read_all": true}}
	tk, _ := f.eng.Create(ctx, dora, engine.CreateRequest{Process: "beschaffung", Data: map[string]any{"gegenstand": "Drucker", "betrag": 300}})
	if _, err := f.eng.Transition(ctx, dora, tk.Number, engine.TransitionRequest{Transition: "genehmigen"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.Decide(ctx, lead, tk.Number, 0, false, "", "de"); !errors.Is(err, fault.Invalid) {
		t.Fatalf("rejection without a reason: %v", err)
	}
	tk, err := f.eng.Decide(ctx, lead, tk.Number, 0, false, "Im Rahmenvertrag enthalten", "de")
	if err != nil || tk.State != "abgelehnt" || engine.PendingApproval(tk) != nil {
		t.Fatalf("after rejection: %+v, %v", tk, err)
	}

	other, _ := f.eng.Create(ctx, dora, engine.CreateRequest{Process: "beschaffung", Data: map[string]any{"gegenstand": "Stühle", "betrag": 700}})
	f.eng.Transition(ctx, dora, other.Number, engine.TransitionRequest{Transition: "genehmigen"})
	if _, err := f.eng.Transition(ctx, dora, other.Number, engine.TransitionRequest{Transition: "genehmigen"}); !errors.Is(err, fault.NotAllowedNow) {
		t.Fatalf("second request while one is pending: %v", err)
	}
	other, err = f.eng.Transition(ctx, dora, other.Number, engine.TransitionRequest{Transition: "zurueckziehen"})
	if err != nil || other.State != "zurueckgezogen" || engine.PendingApproval(other) != nil {
		t.Fatalf("withdrawal while pending: %+v, %v", other, err)
	}
}

const managerDesk = `apiVersion: vorgang/v1
kind: Process
id: laptop
title: Laptop
form: wunsch
audience: [staff]
states:
  - {id: beantragt, category: open}
  - {id: genehmigt, category: open}
  - {id: abgelehnt, category: cancelled}
transitions:
  - id: genehmigen
    from: [beantragt]
    to: genehmigt
    roles: [requester]
    approval: {role: manager, reject_to: abgelehnt}
---
apiVersion: vorgang/v1
kind: Form
id: wunsch
title: Wunsch
fields:
  - {id: modell, type: text, label: Modell, required: true}
`

// directory is a user directory of the test: name → manager.
type directory map[string]string

func (d directory) User(_ context.Context, name string) (*auth.User, error) {
	m, ok := d[name]
	if !ok {
		return nil, fmt.Errorf("user %s: %w", name, auth.ErrUserNotFound)
	}
	return &auth.User{Name: name, Manager: m}, nil
}

// TestApprovalByManager: a "manager" step is decided by the requester's
// line manager as recorded when the approval was requested — who may see
// the ticket for that — and by nobody else.
func TestApprovalByManager(t *testing.T) {
	t.Parallel()
	f := fixtureWith(t, []definition.File{{Path: "laptop.yaml", Data: []byte(managerDesk)}},
		directory{"dora": "hans", "emil": "", "hans": "", "lena": ""})
	ctx := t.Context()
	dora, hans, lena := &auth.Principal{User: "dora"}, &auth.Principal{User: "hans"}, &auth.Principal{User: "lena", Roles: []string{"manager"}}

	tk, err := f.eng.Create(ctx, dora, engine.CreateRequest{Process: "laptop", Data: map[string]any{"modell": "T14"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.Ticket(ctx, hans, tk.Number); !errors.Is(err, fault.NotFound) {
		t.Fatalf("the manager sees the ticket before an approval is asked: %v", err)
	}
	tk, err = f.eng.Transition(ctx, dora, tk.Number, engine.TransitionRequest{Transition: "genehmigen"})
	if err != nil {
		t.Fatal(err)
	}
	if p := engine.PendingApproval(tk); p == nil || p.Manager != "hans" {
		t.Fatalf("pending approval = %+v, want one waiting for hans", p)
	}
	if _, err := f.eng.Decide(ctx, lena, tk.Number, 0, true, "", "de"); !errors.Is(err, fault.NotFound) && !errors.Is(err, fault.Forbidden) {
		t.Fatalf("someone else with a role named manager approved: %v", err)
	}
	if _, err := f.eng.Ticket(ctx, hans, tk.Number); err != nil {
		t.Fatalf("the manager may not see the ticket to approve: %v", err)
	}
	tk, err = f.eng.Decide(ctx, hans, tk.Number, 0, true, "passt", "de")
	if err != nil {
		t.Fatal(err)
	}
	if tk.State != "genehmigt" {
		t.Errorf("state after the manager's approval = %s", tk.State)
	}

	// Without a manager on record the request is refused with a reason.
	emil := &auth.Principal{User: "emil"}
	tk, err = f.eng.Create(ctx, emil, engine.CreateRequest{Process: "laptop", Data: map[string]any{"modell": "X1"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.eng.Transition(ctx, emil, tk.Number, engine.TransitionRequest{Transition: "genehmigen"})
	if !errors.Is(err, fault.NotAllowedNow) || !strings.Contains(err.Error(), "manager of emil") {
		t.Errorf("approval without a manager: %v", err)
	}
}
