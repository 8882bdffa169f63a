package fault_test

import (
	"errors"
	"fmt"
	"testing"

	"vorgang/core/fault"
)

func TestKindsMatchThroughWrapping(t *testing.T) {
	cases := []struct {
		name     string
		err      error
		kind     fault.Kind
		code     string
		notKinds []fault.Kind
	}{
		{"bare kind", fmt.Errorf("ticket 7: %w", fault.Conflict), fault.Conflict, "conflict", []fault.Kind{fault.NotFound}},
		{"sentinel of a kind", fmt.Errorf("x: %w", fault.New(fault.NotFound, "store: not found")), fault.NotFound, "not_found", []fault.Kind{fault.Conflict}},
		{"coded", fmt.Errorf("x: %w", fault.Coded(fault.Forbidden, "role_required", "no role", "roles", []string{"a"})), fault.Forbidden, "role_required", []fault.Kind{fault.NotAllowedNow}},
		{"fields", fault.Fields(fault.FieldError{Field: "comment", Code: "required", Message: "a comment is required"}), fault.Invalid, "validation_failed", []fault.Kind{fault.Malformed}},
		{"none", errors.New("disk on fire"), "", "", []fault.Kind{fault.Internal}},
		{"outer kind decides", fmt.Errorf("inbox: %w: %w", fault.Malformed, fault.Coded(fault.NotAllowedNow, "state_mismatch", "")), fault.Malformed, "bad_request", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.kind != "" && !errors.Is(c.err, c.kind) {
				t.Errorf("errors.Is(%v, %s) is false", c.err, c.kind)
			}
			for _, k := range c.notKinds {
				if errors.Is(c.err, k) {
					t.Errorf("errors.Is(%v, %s) is true", c.err, k)
				}
			}
			if got := fault.KindOf(c.err); got != c.kind {
				t.Errorf("KindOf = %q, want %q", got, c.kind)
			}
			if got := fault.Code(c.err); got != c.code {
				t.Errorf("Code = %q, want %q", got, c.code)
			}
		})
	}
}

func TestSentinelKeepsItsIdentity(t *testing.T) {
	exists := fault.New(fault.Conflict, "auth: user exists")
	other := fault.New(fault.Conflict, "store: version conflict")
	err := fmt.Errorf("add anna: %w", exists)
	if !errors.Is(err, exists) || errors.Is(err, other) {
		t.Errorf("a sentinel matches itself only: %v", err)
	}
	if err.Error() != "add anna: auth: user exists" {
		t.Errorf("text = %q", err.Error())
	}
}

func TestErrorText(t *testing.T) {
	cases := map[string]struct {
		err  error
		want string
	}{
		"refusal": {fault.Coded(fault.NotAllowedNow, "state_mismatch", "ticket 7 is closed"), "ticket 7 is closed: not possible in the current state [state_mismatch]"},
		"fields":  {fault.Fields(fault.FieldError{Field: "a", Message: "missing"}, fault.FieldError{Field: "b", Message: "too long"}), "invalid input: a: missing; b: too long"},
		"kind":    {fault.InProgress, "the same request is still being processed"},
	}
	for name, c := range cases {
		if got := c.err.Error(); got != c.want {
			t.Errorf("%s: %q, want %q", name, got, c.want)
		}
	}
}

func TestEveryKindHasAText(t *testing.T) {
	for _, k := range fault.Kinds() {
		if k.Error() == string(k) {
			t.Errorf("kind %s has no text", k)
		}
	}
}
