package auth

import (
	"errors"
	"fmt"
	"strings"

	"vorgang/core/store"
)

// ErrInvalidCredentials is the one error Login returns for an unknown user,
// a wrong password and a user without a password, so that a caller cannot
// tell which user names exist.
var ErrInvalidCredentials = errors.New("auth: invalid user name or password")

// ErrUserDisabled reports that the user gave the right password but the
// account is disabled.
var ErrUserDisabled = errors.New("auth: user is disabled")

// ErrUnauthenticated reports that a session token or API token is unknown,
// expired or revoked, or that its user is gone or disabled. The wrapped
// message says which, for the log; a client learns only that it is not
// signed in.
var ErrUnauthenticated = errors.New("auth: not authenticated")

// ErrUserExists reports that a user with the name exists already.
var ErrUserExists = errors.New("auth: user exists")

// ErrUserNotFound reports that there is no user with the name.
var ErrUserNotFound = errors.New("auth: user not found")

// ErrTokenNotFound reports that the user has no API token with the id.
var ErrTokenNotFound = errors.New("auth: api token not found")

// ErrConflict reports that a user record changed since the caller read it
// (its version differs). It is store.ErrConflict, so either name matches.
var ErrConflict = store.ErrConflict

// ErrInvalid reports bad input. Errors wrapping it are *ValidationError
// values that list every bad field.
var ErrInvalid = errors.New("auth: invalid input")

// Field error codes, stable for API clients.
const (
	CodeRequired      = "required"
	CodeInvalidFormat = "invalid_format"
	CodeTooShort      = "too_short"
	CodeTooLong       = "too_long"
	CodeUnknownRole   = "unknown_role"
	CodeUnknownTeam   = "unknown_team"
	CodeUnknownUser   = "unknown_user"
	CodeSelfReference = "self_reference"
	CodeInPast        = "in_past"
	CodeTooMany       = "too_many"
)

// FieldError is one problem with one input field.
type FieldError struct {
	Field   string // e.g. "name", "email", "roles"
	Code    string // one of the Code constants
	Message string // English, for logs and the CLI
}

// ValidationError lists every problem found in one input.
type ValidationError struct {
	Fields []FieldError
}

// Error lists the fields and their problems on one line.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "auth: invalid input: " + strings.Join(parts, "; ")
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// fieldErrors collects FieldErrors; err returns nil when there are none.
type fieldErrors []FieldError

func (fe *fieldErrors) add(field, code, format string, args ...any) {
	*fe = append(*fe, FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (fe fieldErrors) err() error {
	if len(fe) == 0 {
		return nil
	}
	return &ValidationError{Fields: fe}
}
