package auth

import (
	"fmt"

	"vorgang/core/fault"
)

// CodeInvalidCredentials is the code of a refused login.
const CodeInvalidCredentials = "invalid_credentials"

// ErrInvalidCredentials is the one error Login returns for an unknown user,
// a wrong password and a user without a password, so that a caller cannot
// tell which user names exist. It is of kind fault.Unauthenticated.
var ErrInvalidCredentials = fault.Coded(fault.Unauthenticated, CodeInvalidCredentials, "auth: invalid user name or password")

// ErrUserDisabled reports that the user gave the right password but the
// account is disabled. A login refused for it is of kind
// fault.Unauthenticated with the code of invalid credentials, so the
// answer does not tell a disabled account from a wrong password.
var ErrUserDisabled = fault.Coded(fault.Unauthenticated, CodeInvalidCredentials, "auth: user is disabled")

// ErrUnauthenticated reports that a session token or API token is unknown,
// expired or revoked, or that its user is gone or disabled. The wrapped
// message says which, for the log; a client learns only that it is not
// signed in. It is of kind fault.Unauthenticated.
var ErrUnauthenticated = fault.New(fault.Unauthenticated, "auth: not authenticated")

// ErrUserExists reports that a user with the name exists already; it is
// of kind fault.Conflict.
var ErrUserExists = fault.New(fault.Conflict, "auth: user exists")

// ErrUserNotFound reports that there is no user with the name; it is of
// kind fault.NotFound.
var ErrUserNotFound = fault.New(fault.NotFound, "auth: user not found")

// ErrTokenNotFound reports that the user has no API token with the id; it
// is of kind fault.NotFound.
var ErrTokenNotFound = fault.New(fault.NotFound, "auth: api token not found")

// A user record that changed since the caller read it (its version
// differs) is a fault.Conflict; bad input is a fault.Invalid error that
// lists every bad field with one of the codes below.

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

// fieldErrors collects the problems of one input; err returns nil when
// there are none.
type fieldErrors []fault.FieldError

func (fe *fieldErrors) add(field, code, format string, args ...any) {
	*fe = append(*fe, fault.FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (fe fieldErrors) err() error {
	if len(fe) == 0 {
		return nil
	}
	e := fault.Fields(fe...)
	e.Detail = "auth"
	return e
}
