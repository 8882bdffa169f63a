package identity

import (
	"context"
	"fmt"
	"sync"

	"vorgang/core/definition"
)

// Provider follows the definitions: it answers with the directory of the
// current catalog, rebuilt when a reload changes the IdentityProvider.
type Provider struct {
	catalog func() *definition.Catalog

	mu  sync.Mutex
	def *definition.IdentityProvider // the definition dir was built from
	dir *Directory
	err error
}

// NewProvider returns a Provider reading the catalog from catalog (which
// may return nil before definitions are loaded).
func NewProvider(catalog func() *definition.Catalog) *Provider {
	return &Provider{catalog: catalog}
}

// Directory returns the directory of the current definitions, or nil when
// they define none. An error (a secret that went missing since validation)
// wraps ErrUnavailable.
func (p *Provider) Directory() (*Directory, error) {
	cat := p.catalog()
	if cat == nil {
		return nil, nil
	}
	def := cat.Directory()
	p.mu.Lock()
	defer p.mu.Unlock()
	if def != p.def {
		p.def, p.dir, p.err = def, nil, nil
		if def != nil {
			p.dir, p.err = New(def)
		}
	}
	if p.err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, p.err)
	}
	return p.dir, nil
}

// Configured reports whether the current definitions name a directory.
func (p *Provider) Configured() bool {
	cat := p.catalog()
	return cat != nil && cat.Directory() != nil
}

// Authenticate checks login and password against the current directory
// (see Directory.Authenticate).
func (p *Provider) Authenticate(ctx context.Context, login, password string) (*Person, error) {
	d, err := p.Directory()
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, ErrInvalidCredentials
	}
	return d.Authenticate(ctx, login, password)
}
