package engine

import (
	"vorgang/core/fault"
)

// The engine says what went wrong with the kinds of package fault
// (fault.NotFound, fault.Forbidden, fault.Conflict, fault.NotAllowedNow,
// fault.Invalid, fault.Malformed, fault.InProgress), wrapped with context;
// refusals carry a reason code (refusal.go). The errors below name
// situations a caller treats on their own; each is also of its kind.
var (
	// ErrKeyReused: the idempotency key was used for a different request
	// (another process, title or data).
	ErrKeyReused = fault.Coded(fault.Invalid, "idempotency_key_reused", "the idempotency key was used for another request")
	// ErrBusy: the process's scripts could not run because every script
	// state was busy; nothing was changed, retry shortly.
	ErrBusy = fault.New(fault.Unavailable, "the automation rules are busy")
)

// invalid is the Invalid error of one field.
func invalid(field, code, message string) error {
	return fault.Field(field, code, message)
}
