package webkit

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/store"
)

// The errors of auth and the store are answered by the one table of kinds,
// with the statuses, codes and waits the API has always sent.
func TestKindTableAnswersAuthAndStore(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		status     int
		code       string
		retryAfter int
		logged     bool
	}{
		{"wrong password", auth.ErrInvalidCredentials, http.StatusUnauthorized, "invalid_credentials", 0, true},
		{"disabled user", fmt.Errorf("auth: login x: %w", auth.ErrUserDisabled), http.StatusUnauthorized, "invalid_credentials", 0, true},
		{"unknown session", fmt.Errorf("%w: unknown session", auth.ErrUnauthenticated), http.StatusUnauthorized, CodeUnauthorized, 0, true},
		{"throttled login", &auth.ThrottledError{Until: time.Now().Add(90 * time.Second)}, http.StatusTooManyRequests, CodeLoginThrottled, 90, true},
		{"throttled, wait over", &auth.ThrottledError{Until: time.Now().Add(-time.Second)}, http.StatusTooManyRequests, CodeLoginThrottled, 1, true},
		{"request limit", fault.New(fault.TooMany, "limit"), http.StatusTooManyRequests, CodeTooManyRequests, 60, true},
		{"disk full", fmt.Errorf("store: %w", store.ErrDiskFull), http.StatusInsufficientStorage, CodeInsufficientStorage, 60, false},
		{"duplicate", fmt.Errorf("x: %w", store.ErrDuplicate), http.StatusConflict, CodeConflict, 0, true},
		{"pending", fmt.Errorf("x: %w", store.ErrPending), http.StatusConflict, CodeInProgress, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, ok := FaultError(tt.err).(*Error)
			if !ok {
				t.Fatalf("FaultError(%v) is no answer", tt.err)
			}
			if out.Status != tt.status || out.Code != tt.code || out.RetryAfter != tt.retryAfter {
				t.Errorf("answer = %d %s retry %d, want %d %s retry %d", out.Status, out.Code, out.RetryAfter, tt.status, tt.code, tt.retryAfter)
			}
			if (out.Cause != nil) != tt.logged {
				t.Errorf("cause kept for the log = %v, want %v", out.Cause != nil, tt.logged)
			}
		})
	}
}
