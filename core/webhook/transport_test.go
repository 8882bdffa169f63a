package webhook

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// The client refuses loopback and private addresses when it connects,
// after name resolution, unless allowed: the check a URL cannot dodge
// with a name that resolves into the internal network.
func TestClientRefusesPrivateAddressesUnlessAllowed(t *testing.T) {
	t.Parallel()
	reached := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { reached++ }))
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		allow bool
		want  error
	}{
		{false, ErrPrivateAddress},
		{true, nil},
	} {
		resp, err := newClient(tc.allow, 5*time.Second).Get(srv.URL)
		if resp != nil {
			resp.Body.Close()
		}
		if !errors.Is(err, tc.want) {
			t.Errorf("allow_private_network %v: %v, want %v", tc.allow, err, tc.want)
		}
	}
	if reached != 1 {
		t.Errorf("the loopback receiver was reached %d times, want once (when allowed)", reached)
	}
}
