package definition

import (
	"os"
	"strings"
)

// IdentityProvider says where people sign in: the local user collection or
// a directory or an OpenID provider. Each type has its own block so that
// adding a type adds a key, not a new shape.
type IdentityProvider struct {
	Meta `yaml:",inline"`
	// Type is "local", "ldap" or "oidc".
	Type string        `yaml:"type"`
	LDAP *LDAPProvider `yaml:"ldap"`
	// Local holds the settings of local accounts (type local only).
	Local *LocalProvider `yaml:"local"`
	OIDC  *OIDCProvider  `yaml:"oidc"`
}

// LDAPProvider is the connection to an LDAP directory or Active Directory.
type LDAPProvider struct {
	URL          Ref            `yaml:"url"`
	StartTLS     bool           `yaml:"start_tls"`
	CAFile       Ref            `yaml:"ca_file"`
	BindDN       string         `yaml:"bind_dn"`
	BindPassword *Secret        `yaml:"bind_password"`
	Timeout      string         `yaml:"timeout"`
	UserBase     string         `yaml:"user_base"`
	UserFilter   string         `yaml:"user_filter"`
	Attributes   LDAPAttributes `yaml:"attributes"`
	Groups       LDAPGroups     `yaml:"groups"`
}

// LDAPAttributes names the directory attributes a user's profile is read
// from; only Login is required.
type LDAPAttributes struct {
	Login       string `yaml:"login"`
	DisplayName string `yaml:"display_name"`
	Email       string `yaml:"email"`
	Lang        string `yaml:"lang"`
	Manager     string `yaml:"manager"`
}

// LDAPGroups says how a user's groups are found and what they grant.
type LDAPGroups struct {
	Base           string         `yaml:"base"`
	Filter         string         `yaml:"filter"`
	MemberOfFilter string         `yaml:"member_of_filter"`
	MaxDepth       int            `yaml:"max_depth"`
	Map            []LDAPGroupMap `yaml:"map"`
}

// LDAPGroupMap grants roles and team memberships to the members of a
// directory group (directly or through nested groups).
type LDAPGroupMap struct {
	Group Ref   `yaml:"group"`
	Roles []Ref `yaml:"roles"`
	Teams []Ref `yaml:"teams"`
}

// Secret names where a secret is read from: an environment variable or a
// file. The definition never holds the secret itself.
type Secret struct {
	Env  Ref `yaml:"env"`
	File Ref `yaml:"file"`
}

// Read returns the secret. A file's trailing line breaks are dropped, as
// editors and `echo` add them.
func (s *Secret) Read() (string, error) {
	if s == nil {
		return "", nil
	}
	if s.Env.Value != "" {
		v, ok := os.LookupEnv(s.Env.Value)
		if !ok {
			return "", &SecretError{Secret: s, Msg: "environment variable " + s.Env.Value + " is not set"}
		}
		return v, nil
	}
	data, err := os.ReadFile(s.File.Value)
	if err != nil {
		return "", &SecretError{Secret: s, Msg: "cannot read secret file " + s.File.Value + ": " + strings.TrimPrefix(err.Error(), "open "+s.File.Value+": ")}
	}
	return strings.TrimRight(string(data), "\r\n"), nil
}

// SecretError reports a secret that cannot be read.
type SecretError struct {
	Secret *Secret
	Msg    string
}

func (e *SecretError) Error() string { return e.Msg }

// pos is where the secret's source is named.
func (s *Secret) pos() Pos {
	if s.Env.Value != "" {
		return s.Env.Pos
	}
	return s.File.Pos
}

// checkIdentityProvider checks what the schema cannot: references to roles
// and teams, and that the secrets and files it names are there, so that
// `vorgang validate` on the server finds a missing secret before a login
// does.
func (b *builder) checkIdentityProvider(p *IdentityProvider, r reporter) {
	b.checkLocalProvider(p, r)
	if p.OIDC != nil {
		b.checkOIDCProvider(p, r)
	}
	l := p.LDAP
	if l == nil {
		return
	}
	if l.BindPassword != nil {
		if _, err := l.BindPassword.Read(); err != nil {
			r.errorf(l.BindPassword.pos(), "missing_secret", "identity provider '%s': bind_password: %v", p.ID.Value, err)
		}
		if l.BindDN == "" {
			r.errorf(l.BindPassword.pos(), "missing_key", "identity provider '%s': bind_password needs bind_dn", p.ID.Value)
		}
	}
	if l.CAFile.Value != "" {
		if _, err := os.Stat(l.CAFile.Value); err != nil {
			r.errorf(l.CAFile.Pos, "missing_file", "identity provider '%s': ca_file %s cannot be read", p.ID.Value, l.CAFile.Value)
		}
	}
	if l.StartTLS && strings.HasPrefix(l.URL.Value, "ldaps://") {
		r.errorf(l.URL.Pos, "field_option", "identity provider '%s': start_tls only applies to ldap:// (ldaps:// is TLS already)", p.ID.Value)
	}
	if l.Groups.Filter != "" && l.Groups.MemberOfFilter != "" {
		r.errorf(p.ID.Pos, "field_option", "identity provider '%s': groups: give filter or member_of_filter, not both", p.ID.Value)
	}
	for _, m := range l.Groups.Map {
		for _, role := range m.Roles {
			b.roleRef(r, role, "admin")
		}
		b.refs(r, "Team", m.Teams)
	}
}

// checkIdentityProviders allows one directory: a login name must mean one
// person, which two directories cannot promise.
func (b *builder) checkIdentityProviders() {
	var seen *IdentityProvider
	for _, p := range sortedValues(b.cat.identityProviders) {
		if p.Type != "ldap" {
			continue
		}
		if seen != nil {
			b.reporters[p].errorf(p.ID.Pos, "duplicate_provider", "identity provider '%s': only one directory may be defined ('%s' is one already)", p.ID.Value, seen.ID.Value)
			continue
		}
		seen = p
	}
}
