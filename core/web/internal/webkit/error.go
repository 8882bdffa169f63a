package webkit

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/auth"
	"vorgang/core/fault"
)

// Error is the one error shape of the JSON API. Handlers return it, directly
// or wrapped, and the central error handler writes it as
//
//	{"error": {"status": 404, "code": "not_found", "message": "…", "fields": […]}}
//
// Code is a stable snake_case identifier clients may branch on; Message is for
// people. An empty Code is derived from Status, an empty Message (also on a
// field) is taken from the message table in the caller's language. Cause is
// logged (at ERROR for 5xx, at DEBUG otherwise) and never sent.
type Error struct {
	Status  int                `json:"status"`
	Code    string             `json:"code"`
	Message string             `json:"message"`
	Fields  []fault.FieldError `json:"fields,omitempty"`
	// Params explain a refusal (role_required, approval_pending, …): the
	// values its reason code names, in the language of ids.
	Params map[string]any `json:"params,omitempty"`
	Cause  error          `json:"-"`
	// RetryAfter, in seconds, is sent as the Retry-After header when set.
	RetryAfter int `json:"-"`
	// names titles the ids of Params in the message; without it ids stand
	// for themselves.
	names Names
}

// Error implements error. The text is for logs, not for clients.
func (e *Error) Error() string {
	msg := fmt.Sprintf("%d %s", e.Status, e.Code)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Cause != nil {
		msg += ": " + e.Cause.Error()
	}
	return msg
}

// Unwrap returns the cause, so errors.Is and errors.As see through an Error.
func (e *Error) Unwrap() error { return e.Cause }

// Codes the web layer produces itself. Handlers may use any stable
// snake_case code; these are the ones with a generic message. The codes of
// the kinds of failure are the kinds' own.
const (
	CodeBadRequest       = string(fault.Malformed)
	CodeUnauthorized     = "unauthorized"
	CodeForbidden        = string(fault.Forbidden)
	CodeNotFound         = string(fault.NotFound)
	CodeMethodNotAllowed = "method_not_allowed"
	CodeRequestTimeout   = "request_timeout"
	CodeConflict         = string(fault.Conflict)
	CodeBodyTooLarge     = "body_too_large"
	CodeTooManyRequests  = "too_many_requests"
	CodeLoginThrottled   = "login_throttled"
	// CodeDirectoryUnavailable: the login needs the directory (LDAP,
	// Active Directory), which cannot be reached.
	CodeDirectoryUnavailable = "directory_unavailable"
	// CodeAnonymousAPIClosed: the process takes anonymous requests through
	// the portal's form only (its anonymous_api is false).
	CodeAnonymousAPIClosed = "anonymous_api_closed"
	// CodeAlreadyDone: a follow-up (a survey) of this request was made.
	CodeAlreadyDone     = "already_done"
	CodeHeadersTooLarge = "headers_too_large"
	CodeInternal        = string(fault.Internal)
	CodeNotAllowedNow   = string(fault.NotAllowedNow)
	CodeInProgress      = string(fault.InProgress)
	CodeScriptFailed    = "script_failed"
	CodeUnavailable     = string(fault.Unavailable)
	// CodeInsufficientStorage: the database's disk is full; nothing was
	// changed.
	CodeInsufficientStorage   = "insufficient_storage"
	CodeInvalidIdempotencyKey = "invalid_idempotency_key"
	CodeKeyReused             = "idempotency_key_reused"
	// CodeDirectoryManaged, CodeResetLinkInvalid: see core/auth.
	CodeDirectoryManaged = auth.CodeDirectoryManaged
	CodeResetLinkInvalid = auth.CodeResetLinkInvalid
	// CodeSignOnUnavailable and CodeSignOnRefused are the codes of the
	// sign-on errors on the login page.
	CodeSignOnUnavailable = "identity_provider_unavailable"
	CodeSignOnRefused     = auth.CodeSignOnRefused
	// CodeTwoFactorDue refuses what a user does before setting up the
	// two-factor sign-in a role of theirs requires.
	CodeTwoFactorDue = "two_factor_due"
	// CodeUnsupportedEncoding answers a request body sent with a content
	// coding.
	CodeUnsupportedEncoding = "unsupported_content_encoding"
	// CodeUserExists answers a create whose user name is taken.
	CodeUserExists = "user_exists"
)

// codeForStatus maps an HTTP status to its generic code. Statuses without a
// code of their own fall back to bad_request (4xx) or internal (5xx).
func codeForStatus(status int) string {
	switch status {
	case http.StatusBadRequest:
		return CodeBadRequest
	case http.StatusUnauthorized:
		return CodeUnauthorized
	case http.StatusForbidden:
		return CodeForbidden
	case http.StatusNotFound:
		return CodeNotFound
	case http.StatusMethodNotAllowed:
		return CodeMethodNotAllowed
	case http.StatusRequestTimeout:
		return CodeRequestTimeout
	case http.StatusConflict:
		return CodeConflict
	case http.StatusRequestEntityTooLarge:
		return CodeBodyTooLarge
	case http.StatusTooManyRequests:
		return CodeTooManyRequests
	case http.StatusRequestHeaderFieldsTooLarge:
		return CodeHeadersTooLarge
	case http.StatusServiceUnavailable:
		return CodeUnavailable
	case http.StatusInsufficientStorage:
		return CodeInsufficientStorage
	}
	if status >= 400 && status < 500 {
		return CodeBadRequest
	}
	return CodeInternal
}

// ToAPIError turns any error into the Error to send, and returns the cause
// worth logging (nil when there is nothing the client did not already say).
// It never modifies the Error a handler returned.
func ToAPIError(err error) (*Error, error) {
	var apiErr *Error
	if errors.As(err, &apiErr) {
		out := *apiErr
		out.Fields = append([]fault.FieldError(nil), apiErr.Fields...)
		if out.Status < 400 || out.Status > 599 {
			// A handler bug; do not send a success or redirect status with
			// an error body.
			return &Error{Status: http.StatusInternalServerError, Code: CodeInternal},
				fmt.Errorf("web.Error with invalid status: %w", err)
		}
		if out.Code == "" {
			out.Code = codeForStatus(out.Status)
		}
		return &out, apiErr.Cause
	}

	var fiberErr *fiber.Error
	if errors.As(err, &fiberErr) {
		status := fiberErr.Code
		if status < 400 || status > 599 {
			status = http.StatusInternalServerError
		}
		// fiber's messages may carry parser details; send the generic
		// message for the status and keep the detail for the log.
		out := &Error{Status: status, Code: codeForStatus(status)}
		return out, fiberErr
	}

	if errors.Is(err, fault.StorageFull) {
		// A full disk is answered wherever it surfaces, also from a
		// handler that did not expect it.
		out := FaultError(err).(*Error)
		return out, out.Cause
	}
	return &Error{Status: http.StatusInternalServerError, Code: CodeInternal}, err
}

// Localize fills empty messages from the message table.
func (e *Error) Localize(l Lang) {
	if e.Message == "" {
		if msg, ok := RefusalText(l, e.Code, e.Params, e.names); ok {
			e.Message = msg
		} else {
			e.Message = Message(l, e.Code, e.Status)
		}
	}
	for i := range e.Fields {
		e.Fields[i].Message = FieldMessage(l, e.Fields[i])
	}
}
