package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"testing"
	"vorgang/core/web/internal/webtest"
)

// client signs in from one address behind the trusted proxy, each time
// in a fresh browser.
type client struct {
	t    *testing.T
	env  *webtest.UIEnv
	addr string
}

func (c client) browser() *webtest.Browser {
	b := c.env.Browser(c.t)
	b.From = c.addr
	return b
}

// apiLogin posts a login to the API and returns the status and the
// Retry-After header.
func (c client) apiLogin(name, password string) (int, string) {
	c.t.Helper()
	body := fmt.Sprintf(`{"name":%q,"password":%q}`, name, password)
	req, _ := http.NewRequest(http.MethodPost, c.env.Base+"/api/v1/login", bytes.NewReader([]byte(body)))
	req.Header.Set("Content-Type", "application/json")
	p := c.browser().Do(req)
	return p.Status, p.Header.Get("Retry-After")
}

// formLogin signs in on the login page and returns the status.
func (c client) formLogin(name, password string) int {
	c.t.Helper()
	b := c.browser()
	p := b.Get("/app/login")
	return b.Post("/app/login", url.Values{"_csrf": {webtest.Hidden(c.t, p.Body, "_csrf")}, "name": {name}, "password": {password}, "next": {"/app/"}}).Status
}

// TestLoginThrottling: failed logins slow down the address that makes
// them, on the API and the login page alike; nobody can lock a staff
// member out from another address; an address trying many names is slowed
// down on the API too; and an office behind one address signs in as often
// as it likes. Before, ten wrong API logins locked a name for 15 minutes
// everywhere, and the API had no limit per address.
func TestLoginThrottling(t *testing.T) {
	env := webtest.NewUIEnv(t, webtest.UIOptions{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	from := func(t *testing.T, addr string) client { return client{t: t, env: env, addr: addr} }
	t.Run("guessing slows down the guesser", func(t *testing.T) {
		attacker := from(t, "203.0.113.66")
		var last int
		var retry string
		for range 12 {
			last, retry = attacker.apiLogin("anna", "Winterfest-2025")
		}
		if last != http.StatusTooManyRequests {
			t.Fatalf("12th wrong API login: %d, want 429", last)
		}
		if n, err := strconv.Atoi(retry); err != nil || n < 1 {
			t.Errorf("Retry-After %q, want seconds", retry)
		}
		if status, _ := attacker.apiLogin("anna", webtest.UIPassword); status != http.StatusTooManyRequests {
			t.Errorf("the guesser with the right password on the API: %d, want 429", status)
		}
		if status := attacker.formLogin("anna", webtest.UIPassword); status != http.StatusTooManyRequests {
			t.Errorf("the guesser with the right password on the login page: %d, want 429", status)
		}
	})
	t.Run("what the client claims in X-Forwarded-For is not believed", func(t *testing.T) {
		// The proxy appends the address it saw; entries before it are the
		// client's own claim.
		spoofer := from(t, "192.0.2.7, 203.0.113.66")
		if status, _ := spoofer.apiLogin("anna", webtest.UIPassword); status != http.StatusTooManyRequests {
			t.Errorf("the guesser claiming the owner's address: %d, want 429", status)
		}
	})
	t.Run("an IPv6 client is counted by its /64", func(t *testing.T) {
		for i := range 7 {
			_, _ = from(t, fmt.Sprintf("2001:db8:1:2::%x", i+1)).apiLogin("carla", "Winterfest-2025")
		}
		if status, _ := from(t, "2001:db8:1:2::ff").apiLogin("carla", webtest.UIPassword); status != http.StatusTooManyRequests {
			t.Errorf("another address of the same /64: %d, want 429", status)
		}
		if status, _ := from(t, "2001:db8:1:3::1").apiLogin("carla", webtest.UIPassword); status != http.StatusOK {
			t.Errorf("an address of another /64: %d, want 200", status)
		}
	})
	t.Run("the owner signs in from elsewhere", func(t *testing.T) {
		owner := from(t, "192.0.2.7")
		if status, _ := owner.apiLogin("anna", webtest.UIPassword); status != http.StatusOK {
			t.Errorf("API login: %d, want 200", status)
		}
		if status := owner.formLogin("anna", webtest.UIPassword); status != http.StatusSeeOther {
			t.Errorf("login page: %d, want 303", status)
		}
	})
	t.Run("many names from one address", func(t *testing.T) {
		sprayer := from(t, "198.51.100.9")
		for i := range 21 {
			if status, _ := sprayer.apiLogin(fmt.Sprintf("user%d", i), "Sommerfest-2026"); status != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d, want 401", i+1, status)
			}
		}
		if status, _ := sprayer.apiLogin("ben", webtest.UIPassword); status != http.StatusTooManyRequests {
			t.Errorf("after 21 failures from one address: %d, want 429", status)
		}
		if status, _ := from(t, "198.51.100.10").apiLogin("ben", webtest.UIPassword); status != http.StatusOK {
			t.Errorf("from the next address: %d, want 200", status)
		}
	})
	t.Run("an office behind one address", func(t *testing.T) {
		office := from(t, "192.0.2.200")
		for round := range 5 {
			for _, u := range webtest.UIUsers {
				status, _ := office.apiLogin(u.Name, webtest.UIPassword)
				if round%2 == 1 {
					status = office.formLogin(u.Name, webtest.UIPassword)
					if status == http.StatusSeeOther {
						status = http.StatusOK
					}
				}
				if status != http.StatusOK {
					t.Fatalf("round %d, %s: %d, want a session", round+1, u.Name, status)
				}
			}
		}
	})
}
