package script

import "sync"

// pool keeps the idle states of one catalog version. States cache the
// functions made from the catalog's prototypes, so a new version gets a
// new pool and the old one's states are closed as they come back.
type pool struct {
	hash string

	mu      sync.Mutex
	idle    []*vm
	size    int
	retired bool
}

func newPool(hash string, size int) *pool { return &pool{hash: hash, size: size} }

func (p *pool) take() *vm {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.idle); n > 0 {
		v := p.idle[n-1]
		p.idle = p.idle[:n-1]
		return v
	}
	return nil
}

// give takes a state back after a call; a state a call broke (a limit, an
// error) or one of a retired pool is closed instead.
func (p *pool) give(v *vm) {
	p.mu.Lock()
	if v.broken || p.retired || len(p.idle) >= p.size {
		p.mu.Unlock()
		v.L.Close()
		return
	}
	p.idle = append(p.idle, v)
	p.mu.Unlock()
}

func (p *pool) retire() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.retired = nil, true
	p.mu.Unlock()
	for _, v := range idle {
		v.L.Close()
	}
}
