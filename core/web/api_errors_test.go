package web

import (
	"fmt"
	"testing"

	"vorgang/core/engine"
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
		{engine.ErrNotFound, 404, CodeNotFound},
		{engine.ErrForbidden, 403, CodeForbidden},
		{engine.ErrConflict, 409, CodeConflict},
		{engine.ErrInProgress, 409, CodeInProgress},
		{engine.ErrNotAllowedNow, 422, CodeNotAllowedNow},
		{engine.ErrInvalid, 400, CodeBadRequest},
		{engine.ErrScript, 500, CodeScriptFailed},
		{engine.ErrBusy, 503, CodeUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got, ok := engineError(fmt.Errorf("ticket X-1: %w", tt.err)).(*Error)
			if !ok || got.Status != tt.status || got.Code != tt.code {
				t.Fatalf("engineError(%v) = %+v, want %d %s", tt.err, got, tt.status, tt.code)
			}
			for _, l := range []lang{langDE, langEN} {
				if messages[tt.code][l] == "" {
					t.Errorf("no %s message for %s", l, tt.code)
				}
			}
		})
	}
}
