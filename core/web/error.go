package web

import (
	"errors"
	"fmt"
	"log/slog"
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
	names names
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

// errorBody is the JSON envelope around Error.
type errorBody struct {
	Error *Error `json:"error"`
}

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

// errorHandler is the app's central error handler: every error a handler or
// middleware returns, and every request fasthttp rejects before routing,
// ends here and leaves as one Error shape.
// Errors on browser routes are HTML pages when the pages are served (pages
// is not nil).
func errorHandler(logger *slog.Logger, pages *ui) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		// Requests rejected before routing (body too large, malformed) never
		// passed the middleware, so give them an id and a log line here.
		rejected := c.Locals(requestStartKey) == nil
		id := ensureRequestID(c)

		page := pages != nil && browserRoute(c.Path())
		l := requestLang(c)
		if page {
			l = pageLang(c)
		}
		apiErr, cause := toAPIError(err)
		apiErr.localize(l)

		if cause != nil {
			level := slog.LevelDebug
			if apiErr.Status >= 500 {
				level = slog.LevelError
			}
			attrs := []slog.Attr{
				slog.String("request_id", id),
				slog.String("method", c.Method()),
				slog.String("path", c.Path()),
				slog.Int("status", apiErr.Status),
				slog.String("code", apiErr.Code),
				slog.String("error", cause.Error()),
			}
			if stack, ok := c.Locals(panicStackKey).([]byte); ok {
				attrs = append(attrs, slog.Bool("panic", true), slog.String("stack", string(stack)))
			}
			logger.LogAttrs(c.UserContext(), level, "request failed", attrs...)
		}

		if rejected {
			logger.LogAttrs(c.UserContext(), slog.LevelInfo, "request",
				slog.String("method", c.Method()),
				slog.String("path", c.Path()),
				slog.Int("status", apiErr.Status),
				slog.String("request_id", id),
				slog.Bool("rejected", true),
			)
		}

		if apiErr.RetryAfter > 0 {
			c.Set(fiber.HeaderRetryAfter, fmt.Sprint(apiErr.RetryAfter))
		}
		if page {
			return pages.errorPage(c, apiErr)
		}
		return c.Status(apiErr.Status).JSON(errorBody{Error: apiErr})
	}
}

// toAPIError turns any error into the Error to send, and returns the cause
// worth logging (nil when there is nothing the client did not already say).
// It never modifies the Error a handler returned.
func toAPIError(err error) (*Error, error) {
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
		out := faultError(err).(*Error)
		return out, out.Cause
	}
	return &Error{Status: http.StatusInternalServerError, Code: CodeInternal}, err
}

// localize fills empty messages from the message table.
func (e *Error) localize(l lang) {
	if e.Message == "" {
		if msg, ok := refusalText(l, e.Code, e.Params, e.names); ok {
			e.Message = msg
		} else {
			e.Message = message(l, e.Code, e.Status)
		}
	}
	for i := range e.Fields {
		e.Fields[i].Message = fieldMessage(l, e.Fields[i])
	}
}
