package fault

import "errors"

// Kind is a class of failure. Its value is the stable snake_case code
// clients see when nothing more specific is known; a Kind is an error, so
// packages return it wrapped with context and callers test it with
// errors.Is.
type Kind string

// The kinds. Their values are part of the API (docs/api.md).
const (
	// NotFound: the thing does not exist, or the actor may not know that
	// it does.
	NotFound Kind = "not_found"
	// Unauthenticated: the caller is not signed in, or its credentials
	// are unknown, expired or wrong.
	Unauthenticated Kind = "unauthorized"
	// Forbidden: the actor may not do this.
	Forbidden Kind = "forbidden"
	// Conflict: the thing changed since the caller read it, or exists
	// already.
	Conflict Kind = "conflict"
	// Invalid: the input is wrong; an Error of this kind lists the fields.
	Invalid Kind = "validation_failed"
	// Malformed: the request itself is unusable (a bad key, a bad filter),
	// before any field is looked at.
	Malformed Kind = "bad_request"
	// NotAllowedNow: possible in general, but not in the current situation
	// (a state, a guard, a pending approval).
	NotAllowedNow Kind = "not_allowed_now"
	// InProgress: the same request is still being processed; retry
	// shortly.
	InProgress Kind = "in_progress"
	// Unavailable: a resource is busy or down; nothing was changed, retry
	// shortly.
	Unavailable Kind = "unavailable"
	// TooMany: the caller asked too often (failed logins, anonymous posts
	// from one address); retry later.
	TooMany Kind = "too_many_requests"
	// StorageFull: the database's disk is full; nothing was changed, retry
	// later.
	StorageFull Kind = "insufficient_storage"
	// Internal: a failure that is not the caller's doing.
	Internal Kind = "internal"
)

// Kinds lists every kind. Only tests call it, to check that every kind has
// an answer (web's status table, the texts); it lives here so the list is
// kept beside the kinds.
func Kinds() []Kind {
	return []Kind{NotFound, Unauthenticated, Forbidden, Conflict, Invalid, Malformed, NotAllowedNow, InProgress,
		Unavailable, TooMany, StorageFull, Internal}
}

// kindTexts are the English texts of the kinds, for logs and the CLI.
var kindTexts = map[Kind]string{
	NotFound:        "not found",
	Unauthenticated: "not signed in",
	Forbidden:       "not permitted",
	Conflict:        "changed by someone else",
	Invalid:         "invalid input",
	Malformed:       "invalid input",
	NotAllowedNow:   "not possible in the current state",
	InProgress:      "the same request is still being processed",
	Unavailable:     "busy",
	TooMany:         "too many requests",
	StorageFull:     "the database's disk is full",
	Internal:        "internal error",
}

// Error returns the kind's English text.
func (k Kind) Error() string {
	if text, ok := kindTexts[k]; ok {
		return text
	}
	return string(k)
}

// KindOf returns the kind of err, or "" when err carries none.
func KindOf(err error) Kind {
	var k Kind
	errors.As(err, &k)
	return k
}

// Code returns the stable code of err: the code of the Error it carries
// when that has one and is of err's kind, else its kind's, else "".
func Code(err error) string {
	kind := KindOf(err)
	if e := As(err); e != nil && e.Code != "" && e.Kind == kind {
		return e.Code
	}
	return string(kind)
}
