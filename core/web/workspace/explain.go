package workspace

import (
	"fmt"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/web/internal/webkit"
)

// blockedStep is a step the caller cannot take now, and why.
type blockedStep struct {
	Title definition.Label
	Code  string // the reason code, for scripts and tests
	Why   string
}

// explainTicket fills in what the ticket page says about the pending
// approval and why the caller cannot take the other steps.
func explainTicket(d *ticketView, l webkit.Lang, cat *definition.Catalog, p *definition.Process, right engine.DecisionRight, blocked []engine.Blocked) {
	n := webkit.NewNames(cat, p)
	if d.Pending != nil {
		d.Approval = fmt.Sprintf(webkit.Text(l, "pending_approval"), n.Transition(d.Pending.Transition).In(string(l)), n.Role(d.Pending.NextStep()).In(string(l)))
	}
	d.CanDecide, d.Override = right.May, right.Override
	if r := right.Refusal; r != nil && r.Code != engine.ReasonNoApprovalPending {
		why, _ := webkit.RefusalText(l, r.Code, r.Params, n)
		d.Blocked = append(d.Blocked, blockedStep{Title: pageLabel("decision_step"), Code: r.Code, Why: why})
	}
	for _, b := range blocked {
		why, _ := webkit.RefusalText(l, b.Refusal.Code, b.Refusal.Params, n)
		d.Blocked = append(d.Blocked, blockedStep{Title: webkit.TransitionTitle(b.Transition), Code: b.Refusal.Code, Why: why})
	}
}

// pageLabel is a page text in both languages.
func pageLabel(key string) definition.Label {
	return definition.Label{De: webkit.Text(webkit.LangDE, key), En: webkit.Text(webkit.LangEN, key)}
}
