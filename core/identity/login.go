package identity

import (
	"context"
	"fmt"

	"github.com/go-ldap/ldap/v3"
)

// Authenticate checks login and password against the directory and
// returns what it holds about the person. login is what was typed: the
// login attribute's value, a UPN-style user@domain (when the user filter
// matches it) or the entry's DN. The password is checked by binding as the
// person, so vorgang never sees a hash.
//
// It returns ErrInvalidCredentials for a wrong password, ErrNotFound when
// no enabled person answers to login, and an error wrapping ErrUnavailable
// when the directory cannot be asked.
func (d *Directory) Authenticate(ctx context.Context, login, password string) (*Person, error) {
	if password == "" {
		// An empty password is an unauthenticated bind (RFC 4513 5.1.2),
		// which most directories accept: it must never count as a login.
		return nil, ErrInvalidCredentials
	}
	c, done, err := d.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	e, err := d.findPerson(c, login)
	if err != nil {
		return nil, err
	}
	if err := c.Bind(e.DN, password); err != nil {
		if ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
			// Active Directory also answers this for a disabled, locked
			// or expired account; the data code says which, for the log.
			return nil, fmt.Errorf("%w: %v", ErrInvalidCredentials, err)
		}
		if unavailable(err) {
			return nil, fmt.Errorf("%w: bind as %s: %v", ErrUnavailable, e.DN, err)
		}
		return nil, fmt.Errorf("%w: bind as %s: %v", ErrInvalidCredentials, e.DN, err)
	}
	// Groups and the manager are read with the service account's rights,
	// which a person's own may not include.
	if err := d.serviceBind(c); err != nil {
		return nil, err
	}
	return d.person(ctx, c, e, nil)
}
