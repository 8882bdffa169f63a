package definition

import (
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Webhook is a URL vorgang posts ticket events to, signed with a secret
// read from an environment variable or a file.
type Webhook struct {
	Meta      `yaml:",inline"`
	URL       Ref     `yaml:"url"`
	Events    []Ref   `yaml:"events"`
	Processes []Ref   `yaml:"processes"`
	Secret    *Secret `yaml:"secret"`
	// AllowPrivateNetwork lets the receiver be on a loopback, private or
	// link-local address.
	AllowPrivateNetwork bool `yaml:"allow_private_network"`
	Timeout             Ref  `yaml:"timeout"`
}

// Defaults and bounds of a Webhook.
const (
	DefaultWebhookTimeout = 10 * time.Second
	MaxWebhookTimeout     = 60 * time.Second
)

// DeliveryTimeout is how long one delivery may take.
func (w *Webhook) DeliveryTimeout() time.Duration {
	if d, err := time.ParseDuration(w.Timeout.Value); err == nil && d > 0 {
		return d
	}
	return DefaultWebhookTimeout
}

// Subscribes reports whether the webhook posts event for tickets of process.
func (w *Webhook) Subscribes(event, process string) bool {
	if len(w.Processes) > 0 && !containsRef(w.Processes, process) {
		return false
	}
	return containsRef(w.Events, event)
}

func containsRef(refs []Ref, v string) bool {
	for _, r := range refs {
		if r.Value == v {
			return true
		}
	}
	return false
}

// PrivateAddress reports whether ip is one a webhook may reach only with
// allow_private_network: loopback, private (RFC 1918, fc00::/7), link-local
// (which holds cloud metadata services), unspecified or multicast.
func PrivateAddress(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast()
}

// checkWebhook checks what the schema cannot: a URL with a host, a
// receiver that is not on the internal network unless allowed (as far as
// the URL itself tells; names are checked again when connecting), a
// readable secret, known processes.
func (b *builder) checkWebhook(w *Webhook, r reporter) {
	u, err := url.Parse(w.URL.Value)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
		r.errorf(w.URL.Pos, "invalid_value", "webhook '%s': url '%s' is not an http or https URL with a host", w.ID.Value, w.URL.Value)
	case !w.AllowPrivateNetwork && privateHost(u.Hostname()):
		r.errorf(w.URL.Pos, "private_network", "webhook '%s': url '%s' points into the local or private network; set allow_private_network: true if that receiver is meant", w.ID.Value, w.URL.Value)
	}
	if w.Secret != nil {
		if _, err := w.Secret.Read(); err != nil {
			r.errorf(w.Secret.pos(), "missing_secret", "webhook '%s': secret: %v", w.ID.Value, err)
		}
	}
	if w.Timeout.Value != "" {
		if d, err := time.ParseDuration(w.Timeout.Value); err != nil || d <= 0 || d > MaxWebhookTimeout {
			r.errorf(w.Timeout.Pos, "invalid_value", "webhook '%s': timeout '%s' must be between 1s and %s", w.ID.Value, w.Timeout.Value, MaxWebhookTimeout)
		}
	}
	for _, p := range w.Processes {
		b.ref(r, "Process", p)
	}
}

// privateHost reports whether a URL's host is a private address or a name
// for this machine.
func privateHost(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(h)
	return err == nil && PrivateAddress(ip)
}
