package engine

import (
	"errors"
	"fmt"
	"slices"
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
)

// ReasonCodes lists every reason code a Refusal may carry.
func ReasonCodes() []string {
	return []string{ReasonRoleRequired, ReasonTeamRequired, ReasonPermissionRequired, ReasonStateMismatch,
		ReasonApprovalPending, ReasonGuardFailed, ReasonRuleRefused, ReasonNoManager, ReasonNoApprovalLevel,
		ReasonNoApprovalPending, ReasonApprovalDropped, ReasonSelfApproval, ReasonAlreadyApproved,
		ReasonProcessUndefined, ReasonStateUndefined}
}

// Refusal is the engine saying no, and why: an error of a kind
// (ErrNotAllowedNow or ErrForbidden, which errors.Is matches) with a stable
// reason code and the parameters that explain it. It holds no HTTP and no
// localised text; callers turn Code and Params into a status and a
// sentence.
type Refusal struct {
	// Kind is ErrNotAllowedNow (the ticket's situation forbids it) or
	// ErrForbidden (this actor may not).
	Kind error
	// Code is one of the Reason constants.
	Code string
	// Params explain the refusal; values are strings or []string.
	Params map[string]any
	// detail is for logs and scenario failures.
	detail string
}

func (r *Refusal) Error() string {
	return fmt.Sprintf("%s: %v [%s]", r.detail, r.Kind, r.Code)
}

// Is makes errors.Is(err, r.Kind) true.
func (r *Refusal) Is(target error) bool { return target == r.Kind }

// Param returns a string parameter, or "".
func (r *Refusal) Param(name string) string {
	s, _ := r.Params[name].(string)
	return s
}

// ParamList returns a list parameter, or nil.
func (r *Refusal) ParamList(name string) []string {
	list, _ := r.Params[name].([]string)
	return list
}

// notNow is a refusal of kind ErrNotAllowedNow; params come in name, value
// pairs.
func notNow(code, detail string, params ...any) *Refusal {
	return &Refusal{Kind: ErrNotAllowedNow, Code: code, Params: paramMap(params), detail: detail}
}

// forbidden is a refusal of kind ErrForbidden.
func forbidden(code, detail string, params ...any) *Refusal {
	return &Refusal{Kind: ErrForbidden, Code: code, Params: paramMap(params), detail: detail}
}

func paramMap(pairs []any) map[string]any {
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		name, _ := pairs[i].(string)
		m[name] = pairs[i+1]
	}
	return m
}

// AsRefusal returns the refusal err carries, or nil.
func AsRefusal(err error) *Refusal {
	var r *Refusal
	if errors.As(err, &r) {
		return r
	}
	return nil
}

// IsReasonCode reports whether code is one of the reason codes.
func IsReasonCode(code string) bool { return slices.Contains(ReasonCodes(), code) }
