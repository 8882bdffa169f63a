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

// invalid is the Invalid error of one field. The engine does not put it
// into words: text names the sentence that explains it (the web layer
// holds the sentences) and params, in name, value pairs, fill it.
func invalid(field, code, text string, params ...any) error {
	fe := fault.FieldError{Field: field, Code: code, Text: text}
	if len(params) > 0 {
		fe.Params = make(map[string]any, len(params)/2)
		for i := 0; i+1 < len(params); i += 2 {
			name, _ := params[i].(string)
			fe.Params[name] = params[i+1]
		}
	}
	return fault.Fields(fe)
}
