package ticket

// ApprovalRequested records that a transition waits for approvals, one
// step per role in order.
type ApprovalRequested struct {
	Transition string
	Steps      []string
}

func (ApprovalRequested) Kind() string { return EntryApprovalRequested }

func (a ApprovalRequested) encode() map[string]any {
	return map[string]any{"transition": a.Transition, "steps": anyList(a.Steps)}
}

// Decision records an approval step approved or rejected. The last
// approval runs the transition and carries its change (From, To,
// Changes, Approvers); a rejection with a reject_to state carries From
// and To.
type Decision struct {
	Approved   bool
	Transition string
	Step       string
	// Override marks a decision an administrator made in the approvers'
	// place.
	Override bool
	// Reason is the rejection's reason; Comment the approval's comment (or
	// the transition's, on the last approval).
	Reason, Comment string
	From, To        string
	Approvers       []string
	Changes         Changes
}

func (d Decision) Kind() string {
	if d.Approved {
		return EntryApproved
	}
	return EntryRejected
}

func (d Decision) encode() map[string]any {
	m := map[string]any{"transition": d.Transition, "step": d.Step}
	if d.Override {
		m["override"] = true
	}
	if d.Reason != "" {
		m["reason"] = d.Reason
	}
	if d.Comment != "" {
		m["comment"] = d.Comment
	}
	if d.From != "" || d.To != "" {
		m["from"], m["to"] = d.From, d.To
	}
	if d.Approvers != nil {
		m["approvers"] = anyList(d.Approvers)
	}
	if len(d.Changes) > 0 {
		m["changes"] = d.Changes.encode()
	}
	return m
}

func decodeDecision(kind string, d *fields) Decision {
	return Decision{Approved: kind == EntryApproved, Transition: d.str("transition"), Step: d.str("step"),
		Override: d.bool("override"), Reason: d.str("reason"), Comment: d.str("comment"),
		From: d.str("from"), To: d.str("to"), Approvers: d.stringsOrNil("approvers"), Changes: d.changes("changes")}
}

// ApprovalRecord is the state of an approval request: the transition it
// would run, the roles whose approval it needs in order, and who approved
// so far. It is stored in the ticket's ext (with Comment and Manager) and
// in the entry of a transition that withdrew it.
type ApprovalRecord struct {
	Transition string   `json:"transition"`
	Steps      []string `json:"steps"` // roles, one approval each, in order
	Approvers  []string `json:"approvers"`
	// Comment is the comment given with the request; the transition
	// carries it when it runs.
	Comment string `json:"comment,omitempty"`
	// Manager is the requester's line manager when the request was made:
	// the one who decides "manager" steps (a later change of manager does
	// not move a pending request).
	Manager string `json:"manager,omitempty"`
}

// NextStep is the role whose approval the request waits for now.
func (a *ApprovalRecord) NextStep() string {
	if len(a.Approvers) < len(a.Steps) {
		return a.Steps[len(a.Approvers)]
	}
	return ""
}

func (a ApprovalRecord) encode() map[string]any {
	return map[string]any{"transition": a.Transition, "steps": anyList(a.Steps), "approvers": anyList(a.Approvers)}
}

// Ext keys of engine-owned ticket state.
const (
	ExtSLA      = "sla"
	ExtApproval = "approval"
	// ExtDeciders lists everyone who decided a step of one of the
	// ticket's approvals: they keep seeing the ticket.
	ExtDeciders = "deciders"
)

// Approval returns the ticket's pending approval, or nil.
func (t *Ticket) Approval() *ApprovalRecord {
	raw := newFields(nil).asMap(t.Ext[ExtApproval])
	if raw == nil {
		return nil
	}
	a := newFields(raw)
	return &ApprovalRecord{Transition: a.str("transition"), Steps: a.strings("steps"), Approvers: a.strings("approvers"),
		Comment: a.str("comment"), Manager: a.str("manager")}
}

// SetApproval stores a pending approval with the approvers so far, or
// removes it when a is nil.
func (t *Ticket) SetApproval(a *ApprovalRecord) {
	if a == nil {
		delete(t.Ext, ExtApproval)
		return
	}
	m := a.encode()
	if a.Comment != "" {
		m["comment"] = a.Comment
	}
	if a.Manager != "" {
		m["manager"] = a.Manager
	}
	if t.Ext == nil {
		t.Ext = map[string]any{}
	}
	t.Ext[ExtApproval] = m
}

// Deciders are those who decided a step of one of t's approvals.
func (t *Ticket) Deciders() []string {
	return newFields(t.Ext).strings(ExtDeciders)
}

// SetDeciders stores who decided a step of one of t's approvals.
func (t *Ticket) SetDeciders(users []string) {
	if t.Ext == nil {
		t.Ext = map[string]any{}
	}
	t.Ext[ExtDeciders] = anyList(users)
}
