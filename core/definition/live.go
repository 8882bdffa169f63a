package definition

import "sync/atomic"

// Live holds the catalog currently in service. A reload swaps in a whole new
// catalog at once, so a request sees either the old or the new definitions,
// never a mix.
type Live struct {
	current atomic.Pointer[Catalog]
}

// NewLive returns a holder serving c.
func NewLive(c *Catalog) *Live {
	l := &Live{}
	l.current.Store(c)
	return l
}

// Catalog returns the catalog in service.
func (l *Live) Catalog() *Catalog { return l.current.Load() }

// Swap puts c in service.
func (l *Live) Swap(c *Catalog) { l.current.Store(c) }
