package webkit

import (
	"errors"
	"math"
	"net/http"
	"time"

	"vorgang/core/fault"
)

// kindAnswer is how the API answers a kind of failure.
type kindAnswer struct {
	status int
	// retryAfter, in seconds, is sent as Retry-After when not zero (an
	// error that knows when to retry says so itself, see retryAt).
	retryAfter int
	// quiet kinds are not logged per request: what causes them is logged
	// once where it is found.
	quiet bool
}

// kindAnswers is the one table from a kind of failure to its HTTP status.
// The code sent is the failure's own (a refusal's reason,
// idempotency_key_reused, script_failed) or else its kind's.
var kindAnswers = map[fault.Kind]kindAnswer{
	fault.NotFound:        {status: http.StatusNotFound},
	fault.Unauthenticated: {status: http.StatusUnauthorized},
	fault.Forbidden:       {status: http.StatusForbidden},
	fault.Conflict:        {status: http.StatusConflict},
	fault.Invalid:         {status: http.StatusUnprocessableEntity},
	fault.Malformed:       {status: http.StatusBadRequest},
	fault.NotAllowedNow:   {status: http.StatusUnprocessableEntity},
	fault.InProgress:      {status: http.StatusConflict, retryAfter: 1},
	fault.Unavailable:     {status: http.StatusServiceUnavailable, retryAfter: 1},
	fault.TooMany:         {status: http.StatusTooManyRequests, retryAfter: 60},
	// The store logs a full disk once; a line per refused request would
	// bury it.
	fault.StorageFull: {status: http.StatusInsufficientStorage, retryAfter: 60, quiet: true},
	// A failed script (script_failed) is one: its detail (script, line,
	// message) is in the log and, for an existing ticket, in its internal
	// history; the caller gets a clean message.
	fault.Internal: {status: http.StatusInternalServerError},
}

// FaultError turns an error of a kind (from the engine, assets, auth or
// the store) into the Error to send: the status of its kind, its code, the
// parameters that explain it and its fields. An error of no kind is
// returned as it is, which the error handler answers with 500.
func FaultError(err error) error {
	answer, ok := kindAnswers[fault.KindOf(err)]
	if !ok {
		return err
	}
	out := &Error{Status: answer.status, Code: fault.Code(err), RetryAfter: answer.retryAfter}
	if !answer.quiet {
		out.Cause = err
	}
	var r retryAt
	if errors.As(err, &r) {
		out.RetryAfter = max(1, int(math.Ceil(time.Until(r.RetryAt()).Seconds())))
	}
	if e := fault.As(err); e != nil {
		out.Params = e.Params
		out.Fields = append([]fault.FieldError(nil), e.Fields...)
	}
	return out
}

// KindStatus is the HTTP status of a kind of failure (500 for an unknown
// one).
func KindStatus(k fault.Kind) int {
	if a, ok := kindAnswers[k]; ok {
		return a.status
	}
	return http.StatusInternalServerError
}

// retryAt is an error that knows when a retry may succeed (a throttled
// login).
type retryAt interface {
	RetryAt() time.Time
}
