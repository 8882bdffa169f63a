package identity

import (
	"fmt"
	"sync"

	"vorgang/core/definition"
)

// SignOns follows the definitions: it answers with the OpenID Connect
// clients of the current catalog, each rebuilt when a reload changes its
// IdentityProvider (and with it the discovery fetched again).
type SignOns struct {
	catalog func() *definition.Catalog

	mu    sync.Mutex
	built map[string]signOnEntry
}

type signOnEntry struct {
	def *definition.IdentityProvider
	s   *SignOn
	err error
}

// NewSignOns returns the clients of the catalog's oidc providers; catalog
// may return nil before definitions are loaded.
func NewSignOns(catalog func() *definition.Catalog) *SignOns {
	return &SignOns{catalog: catalog, built: map[string]signOnEntry{}}
}

// SignOn returns the client of the provider id. An unknown id is
// ErrNoSuchSignOn; a secret that went missing since validation wraps
// ErrSignOnUnavailable.
func (p *SignOns) SignOn(id string) (*SignOn, error) {
	cat := p.catalog()
	var def *definition.IdentityProvider
	if cat != nil {
		for _, d := range cat.SignOnProviders() {
			if d.ID.Value == id {
				def = d
			}
		}
	}
	if def == nil {
		return nil, fmt.Errorf("%w: %q", ErrNoSuchSignOn, id)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.built[id]
	if !ok || e.def != def {
		e = signOnEntry{def: def}
		e.s, e.err = NewSignOn(def)
		p.built[id] = e
	}
	if e.err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSignOnUnavailable, e.err)
	}
	return e.s, nil
}
