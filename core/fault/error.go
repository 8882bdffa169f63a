package fault

import (
	"errors"
	"fmt"
	"strings"
)

// Error is a failure of a Kind with what explains it: a stable Code more
// specific than the kind's (a refusal's reason, "idempotency_key_reused"),
// Params that fill the sentence a person reads, and the Fields at fault.
// It holds no HTTP and no localised text beyond what a field's Message
// already says; errors.Is(err, kind) is true for its Kind.
type Error struct {
	Kind Kind
	// Code is stable snake_case; empty means the kind's own.
	Code string
	// Params explain the failure; values are strings or []string.
	Params map[string]any
	// Fields lists the offending input fields (kind Invalid).
	Fields []FieldError
	// Detail is for logs and scenario failures, in English.
	Detail string
}

// New returns an Error of the kind with a detail for logs. As a package
// variable it is a sentinel of its own that is also of the kind.
func New(kind Kind, detail string) *Error {
	return &Error{Kind: kind, Detail: detail}
}

// Coded returns an Error of the kind with its own code and parameters,
// given in name, value pairs.
func Coded(kind Kind, code, detail string, params ...any) *Error {
	return &Error{Kind: kind, Code: code, Params: paramMap(params), Detail: detail}
}

// Fields returns an Invalid error listing the fields.
func Fields(fields ...FieldError) *Error {
	return &Error{Kind: Invalid, Fields: fields}
}

func (e *Error) Error() string {
	switch {
	case len(e.Fields) > 0:
		parts := make([]string, len(e.Fields))
		for i, f := range e.Fields {
			parts[i] = f.Field + ": " + f.says()
		}
		msg := "invalid input: " + strings.Join(parts, "; ")
		if e.Detail != "" {
			msg = e.Detail + ": " + msg
		}
		return msg
	case e.Code != "":
		return fmt.Sprintf("%s: %v [%s]", e.Detail, e.Kind, e.Code)
	case e.Detail != "":
		return e.Detail
	}
	return e.Kind.Error()
}

// Is makes errors.Is(err, e.Kind) true.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.Kind
}

// As lets errors.As find the Kind of an Error.
func (e *Error) As(target any) bool {
	if k, ok := target.(*Kind); ok {
		*k = e.Kind
		return true
	}
	return false
}

// Param returns a string parameter, or "".
func (e *Error) Param(name string) string {
	s, _ := e.Params[name].(string)
	return s
}

// ParamList returns a list parameter, or nil.
func (e *Error) ParamList(name string) []string {
	list, _ := e.Params[name].([]string)
	return list
}

// As returns the Error err carries, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// FieldsOf returns the fields at fault in err, or nil.
func FieldsOf(err error) []FieldError {
	if e := As(err); e != nil {
		return e.Fields
	}
	return nil
}

func paramMap(pairs []any) map[string]any {
	if len(pairs) == 0 {
		return nil
	}
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		name, _ := pairs[i].(string)
		m[name] = pairs[i+1]
	}
	return m
}
