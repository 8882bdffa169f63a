package engine

import (
	"errors"
	"fmt"

	"vorgang/core/form"
)

// Errors the engine returns; callers test them with errors.Is and map them
// to HTTP statuses (404, 403, 409, 422).
var (
	ErrNotFound  = errors.New("not found")
	ErrForbidden = errors.New("not permitted")
	// ErrConflict: the ticket changed since the caller read it.
	ErrConflict = errors.New("the ticket was changed by someone else")
	// ErrNotAllowedNow: the transition exists but cannot run in the
	// ticket's current state or its guard does not hold.
	ErrNotAllowedNow = errors.New("not possible in the ticket's current state")
	ErrInvalid       = errors.New("invalid input")
	// ErrInProgress: an identical request (same idempotency key) is still
	// being processed; retry shortly.
	ErrInProgress = errors.New("the same request is still being processed")
	// ErrKeyReused: the idempotency key was used for a different request
	// (another process, title or data).
	ErrKeyReused = errors.New("the idempotency key was used for another request")
	// ErrBusy: the process's scripts could not run because every script
	// state was busy; nothing was changed, retry shortly.
	ErrBusy = errors.New("the automation rules are busy")
)

// ValidationError lists what is wrong with submitted data, per field.
type ValidationError struct {
	Fields []form.FieldError
}

func (e *ValidationError) Error() string {
	if len(e.Fields) == 1 {
		return fmt.Sprintf("invalid input: %s: %s", e.Fields[0].Field, e.Fields[0].Message)
	}
	return fmt.Sprintf("invalid input in %d fields", len(e.Fields))
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

func invalid(field, code, message string) error {
	return &ValidationError{Fields: []form.FieldError{{Field: field, Code: code, Message: message}}}
}
