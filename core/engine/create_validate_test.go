package engine_test

import (
	"errors"
	"strings"
	"testing"

	"vorgang/core/engine"
	"vorgang/core/fault"
)

// A create the form refuses runs the process's validate hook too, on the
// values that passed the form's checks, so every error comes at once.
func TestCreateShowsFormAndValidateHookErrorsAtOnce(t *testing.T) {
	t.Parallel()
	f := newHookFixture(t)
	ctx := t.Context()
	tests := []struct {
		name string
		data map[string]any
		want string
	}{
		{"form and hook", map[string]any{"category": "a", "amount": 5000}, "summary:required amount:script"},
		{"a value that failed is not shown to the hook", map[string]any{"summary": "Teuer", "amount": "viel"}, "amount:not_a_number"},
		{"form only", map[string]any{"category": "c", "summary": "Teuer"}, "category:not_an_option"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.eng.Create(ctx, ben, engine.CreateRequest{Process: "hooked", Data: tt.data})
			var verr *fault.Error
			if !errors.Is(err, fault.Invalid) || !errors.As(err, &verr) {
				t.Fatalf("err = %v, want field errors", err)
			}
			var got []string
			for _, fe := range verr.Fields {
				got = append(got, fe.Field+":"+fe.Code)
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("errors %v, want %s", got, tt.want)
			}
		})
	}
}
