package webkit

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Clients tells where a request comes from, for the limits kept per client
// address (login throttling, the citizen rate limit).
type Clients struct {
	// Trusted are the reverse proxies whose X-Forwarded-For is believed.
	Trusted []netip.Prefix
}

// Addr is the client's address: the peer's, unless the peer is a trusted
// proxy; then the right-most address in X-Forwarded-For that is not a
// trusted proxy. (The left-most entries are whatever the client claimed;
// each proxy appends the address it saw.)
func (cl Clients) Addr(c *fiber.Ctx) netip.Addr {
	peer, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	peer = peer.Unmap()
	if !cl.isTrusted(peer) {
		return peer
	}
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return peer // a malformed entry: trust nothing before it
		}
		if a = a.Unmap(); !cl.isTrusted(a) {
			return a
		}
	}
	return peer
}

func (cl Clients) isTrusted(a netip.Addr) bool {
	for _, p := range cl.Trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Key is the client's address as limits count it: an IPv4 address, or the
// /64 network of an IPv6 address (one host or household gets a whole /64
// and may use any address in it).
func (cl Clients) Key(c *fiber.Ctx) string {
	a := cl.Addr(c)
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
