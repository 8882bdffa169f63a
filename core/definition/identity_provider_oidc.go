package definition

// OIDCProvider is an OpenID Connect provider (Keycloak, Entra ID, Authentik,
// …) staff sign in with: vorgang is a confidential client using the
// authorization code flow.
type OIDCProvider struct {
	// Issuer is the provider's issuer URL; its discovery document lies at
	// Issuer + "/.well-known/openid-configuration".
	Issuer       Ref     `yaml:"issuer"`
	ClientID     string  `yaml:"client_id"`
	ClientSecret *Secret `yaml:"client_secret"`
	// Scopes are asked for besides openid (always asked for). Default:
	// profile and email.
	Scopes  []string   `yaml:"scopes"`
	Timeout string     `yaml:"timeout"`
	Claims  OIDCClaims `yaml:"claims"`
	Groups  OIDCGroups `yaml:"groups"`
}

// OIDCClaims names the ID token claims a user's profile is read from.
// Empty names take the standard claims (see the defaults).
type OIDCClaims struct {
	Login       string `yaml:"login"`
	DisplayName string `yaml:"display_name"`
	Email       string `yaml:"email"`
	Lang        string `yaml:"lang"`
	Groups      string `yaml:"groups"`
}

// Default claim names of OIDCClaims.
const (
	DefaultClaimLogin       = "preferred_username"
	DefaultClaimDisplayName = "name"
	DefaultClaimEmail       = "email"
	DefaultClaimLang        = "locale"
)

// WithDefaults returns the claim names with the standard ones filled in.
// Groups has no default: without it no roles or teams are granted.
func (c OIDCClaims) WithDefaults() OIDCClaims {
	for _, f := range []struct {
		v   *string
		def string
	}{{&c.Login, DefaultClaimLogin}, {&c.DisplayName, DefaultClaimDisplayName}, {&c.Email, DefaultClaimEmail}, {&c.Lang, DefaultClaimLang}} {
		if *f.v == "" {
			*f.v = f.def
		}
	}
	return c
}

// OIDCGroups maps the values of the groups claim to roles and teams, as
// the groups of a directory are (LDAPGroupMap, Group being the value as
// the claim holds it, e.g. "/it/helpdesk" in Keycloak with full paths).
type OIDCGroups struct {
	Map []LDAPGroupMap `yaml:"map"`
}

// checkOIDCProvider checks what the schema cannot: that the client secret
// is there, that a group mapping has a claim to read, and the roles and
// teams it grants.
func (b *builder) checkOIDCProvider(p *IdentityProvider, r reporter) {
	o := p.OIDC
	if o.ClientSecret != nil {
		if _, err := o.ClientSecret.Read(); err != nil {
			r.errorf(o.ClientSecret.pos(), "missing_secret", "identity provider '%s': client_secret: %v", p.ID.Value, err)
		}
	}
	if len(o.Groups.Map) > 0 && o.Claims.Groups == "" {
		r.errorf(p.ID.Pos, "missing_key", "identity provider '%s': groups.map needs claims.groups (the claim holding the groups)", p.ID.Value)
	}
	for _, m := range o.Groups.Map {
		for _, role := range m.Roles {
			b.roleRef(r, role, "admin")
		}
		b.refs(r, "Team", m.Teams)
	}
}
