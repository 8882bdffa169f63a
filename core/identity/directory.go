package identity

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"

	"vorgang/core/definition"
)

// DefaultTimeout bounds each conversation with the directory when the
// definition names no timeout.
const DefaultTimeout = 10 * time.Second

// DefaultMaxDepth is how many levels of nested groups are walked when the
// definition does not say.
const DefaultMaxDepth = 5

// Directory is one configured LDAP directory. It holds no connection: each
// login dials, so a directory that restarts needs no reconnect logic and a
// hanging server blocks one login, not all.
type Directory struct {
	id       string
	def      *definition.LDAPProvider
	password string
	tls      *tls.Config
	timeout  time.Duration
}

// New prepares the directory of an ldap IdentityProvider: it reads the
// bind password and the CA file now, so a missing secret fails at start-up
// and not at the first login.
func New(p *definition.IdentityProvider) (*Directory, error) {
	if p == nil || p.LDAP == nil {
		return nil, errors.New("identity: no ldap settings")
	}
	l := p.LDAP
	d := &Directory{id: p.ID.Value, def: l, timeout: DefaultTimeout}
	pw, err := l.BindPassword.Read()
	if err != nil {
		return nil, fmt.Errorf("identity: %s: bind_password: %w", p.ID.Value, err)
	}
	d.password = pw
	if l.Timeout != "" {
		t, err := time.ParseDuration(l.Timeout)
		if err != nil {
			return nil, fmt.Errorf("identity: %s: timeout: %w", p.ID.Value, err)
		}
		d.timeout = t
	}
	host := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(l.URL.Value, "ldaps://"), "ldap://"), "/")
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	d.tls = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if l.CAFile.Value != "" {
		pem, err := os.ReadFile(l.CAFile.Value)
		if err != nil {
			return nil, fmt.Errorf("identity: %s: ca_file: %w", p.ID.Value, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("identity: %s: ca_file %s holds no PEM certificate", p.ID.Value, l.CAFile.Value)
		}
		d.tls.RootCAs = pool
	}
	return d, nil
}

// ID is the id of the IdentityProvider definition.
func (d *Directory) ID() string { return d.id }

// conn is one connection, bound as the service account (or anonymous).
// It closes itself when ctx ends, which aborts a pending operation.
func (d *Directory) connect(ctx context.Context) (*ldap.Conn, func(), error) {
	dialer := &net.Dialer{Timeout: d.timeout}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d.timeout {
		dialer.Deadline = dl
	}
	c, err := ldap.DialURL(d.def.URL.Value, ldap.DialWithDialer(dialer), ldap.DialWithTLSConfig(d.tls))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: dial %s: %v", ErrUnavailable, d.def.URL.Value, err)
	}
	c.SetTimeout(d.timeout)
	stop := context.AfterFunc(ctx, func() { c.Close() })
	done := func() {
		stop()
		c.Close()
	}
	if d.def.StartTLS {
		if err := c.StartTLS(d.tls); err != nil {
			done()
			return nil, nil, fmt.Errorf("%w: starttls %s: %v", ErrUnavailable, d.def.URL.Value, err)
		}
	}
	if err := d.serviceBind(c); err != nil {
		done()
		return nil, nil, err
	}
	return c, done, nil
}

// serviceBind binds as the search account; a directory that refuses it is
// unavailable to vorgang whatever the person typed.
func (d *Directory) serviceBind(c *ldap.Conn) error {
	var err error
	if d.def.BindDN == "" {
		err = c.UnauthenticatedBind("")
	} else {
		err = c.Bind(d.def.BindDN, d.password)
	}
	if err != nil {
		return fmt.Errorf("%w: bind as %q: %v", ErrUnavailable, d.def.BindDN, err)
	}
	return nil
}

// unavailable tells a failure of the directory (network, busy, timeout)
// from an answer about the person.
func unavailable(err error) bool {
	var le *ldap.Error
	if !errors.As(err, &le) {
		return true
	}
	switch le.ResultCode {
	case ldap.ErrorNetwork, ldap.ErrorFilterCompile, ldap.LDAPResultBusy, ldap.LDAPResultUnavailable,
		ldap.LDAPResultUnwillingToPerform, ldap.LDAPResultTimeLimitExceeded, ldap.LDAPResultOther, ldap.LDAPResultOperationsError:
		return true
	}
	return false
}
