package webkit

import (
	"fmt"
	"testing"

	"vorgang/core/engine"
	"vorgang/core/fault"
)

// TestEngineErrorsMapToStatusAndCode: each engine error becomes its
// status and stable code, and every such code has a message in both
// languages.
func TestEngineErrorsMapToStatusAndCode(t *testing.T) {
	tests := []struct {
		err    error
		status int
		code   string
	}{
		{fault.NotFound, 404, CodeNotFound},
		{fault.Forbidden, 403, CodeForbidden},
		{fault.Conflict, 409, CodeConflict},
		{fault.InProgress, 409, CodeInProgress},
		{fault.NotAllowedNow, 422, CodeNotAllowedNow},
		{fault.Malformed, 400, CodeBadRequest},
		{engine.ErrScript, 500, CodeScriptFailed},
		{engine.ErrBusy, 503, CodeUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got, ok := FaultError(fmt.Errorf("ticket X-1: %w", tt.err)).(*Error)
			if !ok || got.Status != tt.status || got.Code != tt.code {
				t.Fatalf("FaultError(%v) = %+v, want %d %s", tt.err, got, tt.status, tt.code)
			}
			for _, l := range []Lang{LangDE, LangEN} {
				if messages[tt.code][l] == "" {
					t.Errorf("no %s message for %s", l, tt.code)
				}
			}
		})
	}
}

// TestEveryKindHasAnAnswer: the table from kinds to statuses leaves no
// kind to the 500 of an unknown error, and each kind's code has a message.
func TestEveryKindHasAnAnswer(t *testing.T) {
	for _, k := range fault.Kinds() {
		answer, ok := kindAnswers[k]
		if !ok || answer.status < 400 {
			t.Errorf("kind %s: no answer", k)
		}
		for _, l := range []Lang{LangDE, LangEN} {
			if k != fault.Invalid && messages[string(k)][l] == "" {
				t.Errorf("no %s message for the code of kind %s", l, k)
			}
		}
	}
}
