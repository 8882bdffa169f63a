package webhook

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"

	"vorgang/core/definition"
)

// ErrPrivateAddress is a connection refused because the receiver's address
// is on the local or private network and the webhook does not allow it.
var ErrPrivateAddress = errors.New("the receiver's address is on the local or private network (allow_private_network is not set)")

// newClient returns the HTTP client for receivers; allowPrivate lets it
// connect to loopback, private and link-local addresses. The check is
// made on the address actually dialled, after name resolution, so a name
// that resolves into the internal network is refused like a literal
// address. Redirects are not followed (one could lead anywhere), and no
// proxy from the environment is used (its address would be checked
// instead of the receiver's).
func newClient(allowPrivate bool, timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: timeout, Control: func(_, address string, _ syscall.RawConn) error {
		if allowPrivate {
			return nil
		}
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		ip, err := netip.ParseAddr(host)
		if err != nil || definition.PrivateAddress(ip) {
			return fmt.Errorf("connect to %s: %w", address, ErrPrivateAddress)
		}
		return nil
	}}
	transport := &http.Transport{
		Proxy:               nil,
		DialContext:         dialer.DialContext,
		TLSHandshakeTimeout: timeout,
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   true,
	}
	return &http.Client{Transport: transport, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
