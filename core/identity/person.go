package identity

import (
	"context"

	"fmt"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// Person is what the directory says about someone who signed in.
type Person struct {
	// DN is the person's entry; Login the value of the login attribute,
	// the vorgang user name.
	DN          string
	Login       string
	DisplayName string
	Email       string
	// Lang is "de" or "en", or empty when the directory holds neither.
	Lang string
	// Manager is the login of the manager, empty when the directory names
	// none or the manager's entry has no login.
	Manager string
	// Groups are the DNs of every group the person is a member of,
	// directly or through nested groups.
	Groups []string
	// Roles and Teams are what the declared group mapping grants, sorted.
	Roles []string
	Teams []string
}

// adDisabled is ACCOUNTDISABLE in Active Directory's userAccountControl.
const adDisabled = 0x2

// userAttributes are the attributes read of a person's entry.
func (d *Directory) userAttributes() []string {
	a := d.def.Attributes
	out := []string{"userAccountControl"}
	for _, n := range []string{a.Login, a.DisplayName, a.Email, a.Lang, a.Manager} {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}

// findPerson searches the one entry the user filter finds for login. A
// login that is a DN below user_base is first turned into the entry's
// login value, so the filter (and what it excludes) applies to it too.
func (d *Directory) findPerson(c *ldap.Conn, login string) (*ldap.Entry, error) {
	if dn, err := ldap.ParseDN(login); err == nil && len(dn.RDNs) > 1 {
		base, err := ldap.ParseDN(d.def.UserBase)
		if err != nil || !base.AncestorOfFold(dn) {
			return nil, ErrNotFound
		}
		res, err := c.Search(ldap.NewSearchRequest(login, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
			"(objectClass=*)", []string{d.def.Attributes.Login}, nil))
		if err != nil {
			return nil, d.searchError("read "+login, err)
		}
		if len(res.Entries) != 1 || res.Entries[0].GetAttributeValue(d.def.Attributes.Login) == "" {
			return nil, ErrNotFound
		}
		e, err := d.findPerson(c, res.Entries[0].GetAttributeValue(d.def.Attributes.Login))
		if err != nil {
			return nil, err
		}
		if !strings.EqualFold(normDN(e.DN), normDN(login)) {
			return nil, ErrNotFound
		}
		return e, nil
	}
	filter := strings.ReplaceAll(d.def.UserFilter, "{login}", ldap.EscapeFilter(login))
	res, err := c.Search(ldap.NewSearchRequest(d.def.UserBase, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 2, 0, false,
		filter, d.userAttributes(), nil))
	if err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded) {
		return nil, d.searchError("search "+filter, err)
	}
	switch {
	case res == nil || len(res.Entries) == 0:
		return nil, ErrNotFound
	case len(res.Entries) > 1:
		// Two people answer to the name: signing in either would be a
		// guess.
		return nil, fmt.Errorf("%w: %d entries match %s", ErrNotFound, len(res.Entries), filter)
	}
	e := res.Entries[0]
	if disabledInAD(e) {
		return nil, fmt.Errorf("%w: %s is disabled in the directory", ErrNotFound, e.DN)
	}
	return e, nil
}

// disabledInAD reports Active Directory's disabled flag; other
// directories leave disabled people out through the user filter.
func disabledInAD(e *ldap.Entry) bool {
	uac, err := strconv.Atoi(e.GetAttributeValue("userAccountControl"))
	return err == nil && uac&adDisabled != 0
}

func (d *Directory) searchError(what string, err error) error {
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return ErrNotFound
	}
	if unavailable(err) {
		return fmt.Errorf("%w: %s: %v", ErrUnavailable, what, err)
	}
	return fmt.Errorf("identity: %s: %w", what, err)
}

// person reads the profile, the manager and the groups of entry e; l is
// the listing e is part of, nil at a login.
func (d *Directory) person(ctx context.Context, c *ldap.Conn, e *ldap.Entry, l *listing) (*Person, error) {
	a := d.def.Attributes
	p := &Person{DN: e.DN, Login: e.GetAttributeValue(a.Login)}
	if p.Login == "" {
		return nil, fmt.Errorf("%w: %s has no %s", ErrNotFound, e.DN, a.Login)
	}
	if a.DisplayName != "" {
		p.DisplayName = e.GetAttributeValue(a.DisplayName)
	}
	if a.Email != "" {
		p.Email = e.GetAttributeValue(a.Email)
	}
	if a.Lang != "" {
		p.Lang = language(e.GetAttributeValue(a.Lang))
	}
	if a.Manager != "" {
		if m := e.GetAttributeValue(a.Manager); m != "" {
			login, err := d.managerLogin(c, m, l)
			if err != nil {
				return nil, err
			}
			p.Manager = login
		}
	}
	groups, err := d.groups(ctx, c, e.DN, l)
	if err != nil {
		return nil, err
	}
	p.Groups = groups
	p.Roles, p.Teams = d.grants(groups)
	return p, nil
}

// managerLogin reads the login of the manager's entry m, "" when the
// entry is gone or has none. A listing reads each manager once: a manager
// has many reports.
func (d *Directory) managerLogin(c *ldap.Conn, m string, l *listing) (string, error) {
	if l != nil {
		if login, ok := l.managers[normDN(m)]; ok {
			return login, nil
		}
	}
	login := ""
	res, err := c.Search(ldap.NewSearchRequest(m, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", []string{d.def.Attributes.Login}, nil))
	switch {
	case err == nil && len(res.Entries) == 1:
		login = res.Entries[0].GetAttributeValue(d.def.Attributes.Login)
	case err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject):
		return "", d.searchError("read manager "+m, err)
	}
	if l != nil {
		l.managers[normDN(m)] = login
	}
	return login, nil
}

// language maps a directory's preferredLanguage ("de-DE", "en;q=0.8") to
// the languages vorgang speaks.
func language(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	switch {
	case strings.HasPrefix(v, "de"):
		return "de"
	case strings.HasPrefix(v, "en"):
		return "en"
	}
	return ""
}

// normDN gives a DN one spelling for comparison: parsed (so spaces and
// escapes do not matter) and lower case.
func normDN(s string) string {
	dn, err := ldap.ParseDN(s)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(s))
	}
	return strings.ToLower(dn.String())
}
