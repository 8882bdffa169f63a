package definition

import (
	"slices"

	"gopkg.in/yaml.v3"
)

// LocalProvider is the block of an IdentityProvider of type local: what
// applies to the accounts vorgang keeps itself.
type LocalProvider struct {
	TwoFactor *TwoFactorPolicy `yaml:"two_factor"`
	// Pos is where the block starts, for the diagnostic of a block on a
	// provider of another type.
	Pos Pos `yaml:"-"`
}

// UnmarshalYAML decodes the block and keeps its position.
func (l *LocalProvider) UnmarshalYAML(n *yaml.Node) error {
	type plain LocalProvider
	if err := n.Decode((*plain)(l)); err != nil {
		return err
	}
	l.Pos = posOf(n)
	return nil
}

// TwoFactorPolicy says who among the local users must sign in with a
// second factor (a TOTP code).
type TwoFactorPolicy struct {
	// RequiredFor are role ids; a local user holding one of them, directly
	// or through a team, must turn two-factor sign-in on. "admin" names the
	// built-in administrator role.
	RequiredFor []Ref `yaml:"required_for"`
}

// TwoFactorRoles returns the roles whose local users must sign in with a
// second factor, sorted and without duplicates, from every identity
// provider of type local; none when no definition asks for it.
func (c *Catalog) TwoFactorRoles() []string {
	var out []string
	for _, p := range c.IdentityProviders() {
		if p.Type != "local" || p.Local == nil || p.Local.TwoFactor == nil {
			continue
		}
		for _, r := range p.Local.TwoFactor.RequiredFor {
			out = append(out, r.Value)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// checkLocalProvider checks the roles a local provider requires two-factor
// sign-in for: a misspelt role would silently require it of nobody.
func (b *builder) checkLocalProvider(p *IdentityProvider, r reporter) {
	if p.Local == nil {
		return
	}
	if p.Type != "local" {
		r.errorf(p.Local.Pos, "field_option", "identity provider '%s': the local block applies to type local only (this one is %s)", p.ID.Value, p.Type)
		return
	}
	if p.Local.TwoFactor == nil {
		return
	}
	for _, role := range p.Local.TwoFactor.RequiredFor {
		b.roleRef(r, role, "admin")
	}
}
