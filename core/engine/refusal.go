package engine

import (
	"slices"

	"vorgang/core/fault"
)

// Reason codes of refusals: why the engine will not run a transition or
// take a decision for this actor on this ticket now. They are stable; the
// parameters each one carries are listed beside it (docs/api.md).
const (
	// ReasonRoleRequired: the actor holds none of the roles; "roles" lists
	// them ('requester' and 'assignee' mean the ticket's own).
	ReasonRoleRequired = "role_required"
	// ReasonTeamRequired: a transition without roles is for the members of
	// the ticket's "team" who may work tickets.
	ReasonTeamRequired = "team_required"
	// ReasonPermissionRequired: the actor lacks the "permission".
	ReasonPermissionRequired = "permission_required"
	// ReasonStateMismatch: the transition does not start from the ticket's
	// "state"; "from" lists the states it starts from.
	ReasonStateMismatch = "state_mismatch"
	// ReasonApprovalPending: the ticket waits for the approval of "step"
	// (a role) for "transition".
	ReasonApprovalPending = "approval_pending"
	// ReasonGuardFailed: the transition's guard does not hold; "field" is
	// the field of the condition that failed.
	ReasonGuardFailed = "guard_failed"
	// ReasonRuleRefused: the transition's guard_script said no; "script"
	// names it, "message" is its own explanation, if it gave one.
	ReasonRuleRefused = "rule_refused"
	// ReasonNoManager: an approval by the manager of "requester" is
	// needed, and none is on record.
	ReasonNoManager = "no_manager"
	// ReasonNoApprovalLevel: the "amount" is above every level of the
	// approval chain.
	ReasonNoApprovalLevel = "no_approval_level"
	// ReasonNoApprovalPending: a decision on a ticket that waits for none.
	ReasonNoApprovalPending = "no_approval_pending"
	// ReasonApprovalDropped: the pending "transition" no longer needs an
	// approval in the current definitions.
	ReasonApprovalDropped = "approval_dropped"
	// ReasonSelfApproval: the requester never decides a step of their own
	// ticket.
	ReasonSelfApproval = "self_approval"
	// ReasonAlreadyApproved: the actor approved an earlier step; "step" is
	// the one waiting now.
	ReasonAlreadyApproved = "already_approved"
	// ReasonProcessUndefined: the ticket's "process" is no longer defined.
	ReasonProcessUndefined = "process_undefined"
	// ReasonStateUndefined: the transition leads to a "state" the process
	// no longer has.
	ReasonStateUndefined = "state_undefined"
	// ReasonNoPreviousState: the transition goes back to the previous
	// state (to: $previous), and the ticket has been in its "state" since
	// it was opened.
	ReasonNoPreviousState = "no_previous_state"
)

// ReasonCodes lists every reason code a Refusal may carry.
func ReasonCodes() []string {
	return []string{ReasonRoleRequired, ReasonTeamRequired, ReasonPermissionRequired, ReasonStateMismatch,
		ReasonApprovalPending, ReasonGuardFailed, ReasonRuleRefused, ReasonNoManager, ReasonNoApprovalLevel,
		ReasonNoApprovalPending, ReasonApprovalDropped, ReasonSelfApproval, ReasonAlreadyApproved,
		ReasonProcessUndefined, ReasonStateUndefined, ReasonNoPreviousState}
}

// Refusal is the engine saying no, and why: a fault.Error of kind
// fault.NotAllowedNow (the ticket's situation forbids it) or
// fault.Forbidden (this actor may not), with one of the Reason codes and
// the parameters that explain it. It holds no HTTP and no localised text;
// callers turn the kind, Code and Params into a status and a sentence.
type Refusal = fault.Error

// notNow is a refusal of kind fault.NotAllowedNow; params come in name,
// value pairs.
func notNow(code, detail string, params ...any) *Refusal {
	return fault.Coded(fault.NotAllowedNow, code, detail, params...)
}

// forbidden is a refusal of kind fault.Forbidden.
func forbidden(code, detail string, params ...any) *Refusal {
	return fault.Coded(fault.Forbidden, code, detail, params...)
}

// AsRefusal returns the refusal err carries, or nil.
func AsRefusal(err error) *Refusal {
	if r := fault.As(err); r != nil && IsReasonCode(r.Code) {
		return r
	}
	return nil
}

// IsReasonCode reports whether code is one of the reason codes.
func IsReasonCode(code string) bool { return slices.Contains(ReasonCodes(), code) }
