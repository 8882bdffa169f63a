package store

import (
	"context"
	"sort"
	"sync"

	"vorgang/core/ticket"
)

// openCounts keeps the dashboard counts of open tickets in memory while the
// embedded store is in use.
//
// SQLite finds the open tickets through the (open, team, state, priority)
// index but still reads each ticket's row to group it (FerretDB's
// expression indexes are never covering), about 20 µs per open ticket:
// 0.4 s at 20k open tickets. The one process that owns the embedded store
// sees every ticket write, so it loads the counts once with that query and
// then applies each write's change, which makes a dashboard read
// microseconds. A write whose outcome is unknown marks the counts stale and
// the next read loads them again.
type openCounts struct {
	// gate is held shared by writers from before their commit until their
	// change is applied, and exclusively by a load, so a load never runs
	// between a commit and its change.
	gate sync.RWMutex

	mu    sync.Mutex
	m     map[countKey]int64
	valid bool
}

type countKey struct{ team, state, priority string }

// head is what a write changes in the counts.
type countedHead struct {
	Open     bool   `bson:"open"`
	Team     string `bson:"team"`
	State    string `bson:"state"`
	Priority string `bson:"priority"`
}

func headOf(t *ticket.Ticket) countedHead {
	return countedHead{Open: t.Open, Team: t.Team, State: t.State, Priority: t.Priority}
}

// write brackets a ticket write. The returned function is called with the
// outcome; ok=false means the write may or may not have been stored.
func (c *openCounts) write() func(before, after *countedHead, ok bool) {
	c.gate.RLock()
	return func(before, after *countedHead, ok bool) {
		defer c.gate.RUnlock()
		c.mu.Lock()
		defer c.mu.Unlock()
		if !ok {
			c.valid = false
			return
		}
		if !c.valid {
			return
		}
		for _, h := range []struct {
			head  *countedHead
			delta int64
		}{{before, -1}, {after, 1}} {
			if h.head == nil || !h.head.Open {
				continue
			}
			k := countKey{h.head.Team, h.head.State, h.head.Priority}
			c.m[k] += h.delta
			if c.m[k] == 0 {
				delete(c.m, k)
			}
		}
	}
}

// writeMany brackets one write of several tickets (one transaction): the
// returned function is called with each ticket's heads before and after,
// or with ok=false when the write may or may not have been stored.
func (c *openCounts) writeMany() func(heads [][2]*countedHead, ok bool) {
	done := c.write()
	return func(heads [][2]*countedHead, ok bool) {
		c.mu.Lock()
		defer func() { c.mu.Unlock(); done(nil, nil, ok) }()
		if !ok || !c.valid {
			return
		}
		for _, h := range heads {
			if h[0] == nil {
				// Unknown before: the counts cannot follow.
				c.valid = false
				return
			}
			c.apply(h[0], -1)
			c.apply(h[1], 1)
		}
	}
}

// apply adds delta to the count of head, when it is open; c.mu is held.
func (c *openCounts) apply(head *countedHead, delta int64) {
	if head == nil || !head.Open {
		return
	}
	k := countKey{head.Team, head.State, head.Priority}
	c.m[k] += delta
	if c.m[k] == 0 {
		delete(c.m, k)
	}
}

// read returns the counts, loading them with load when not valid.
func (c *openCounts) read(ctx context.Context, load func(context.Context) ([]Count, error)) ([]Count, error) {
	c.mu.Lock()
	if c.valid {
		out := c.snapshot()
		c.mu.Unlock()
		return out, nil
	}
	c.mu.Unlock()

	c.gate.Lock()
	defer c.gate.Unlock()
	counts, err := load(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = make(map[countKey]int64, len(counts))
	for _, x := range counts {
		c.m[countKey{x.Team, x.State, x.Priority}] = x.N
	}
	c.valid = true
	return c.snapshot(), nil
}

func (c *openCounts) snapshot() []Count {
	out := make([]Count, 0, len(c.m))
	for k, n := range c.m {
		out = append(out, Count{Team: k.team, State: k.state, Priority: k.priority, N: n})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Team != b.Team {
			return a.Team < b.Team
		}
		if a.State != b.State {
			return a.State < b.State
		}
		return a.Priority < b.Priority
	})
	return out
}
