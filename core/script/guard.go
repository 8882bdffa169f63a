package script

import (
	"context"
	"runtime/metrics"
	"sync"
	"time"
)

// memGuard stops calls while the heap grows beyond a bound. Go offers no
// per-goroutine memory accounting and gopher-lua none per state, and a few
// lines of Lua (s = s .. s in a loop) double a string to gigabytes within
// the time limit. So while calls run, one goroutine samples the heap every
// millisecond and cancels every call that has seen it grow by more than
// the limit since it started. A burst of allocations elsewhere in the
// process can stop an innocent call; that call then fails cleanly and its
// ticket stays unchanged.
type memGuard struct {
	limit    uint64
	interval time.Duration

	mu      sync.Mutex
	calls   map[*guarded]struct{}
	wake    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	started bool
	sample  []metrics.Sample
}

type guarded struct {
	base   uint64 // heap bytes at the first sample after the call started
	cancel context.CancelCauseFunc
}

func newMemGuard(limit uint64) *memGuard {
	return &memGuard{
		limit:    limit,
		interval: time.Millisecond,
		calls:    map[*guarded]struct{}{},
		wake:     make(chan struct{}, 1),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
		sample:   []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}},
	}
}

// watch guards a call until the returned function is called; cancel is
// called with ErrMemory when the call has to stop.
func (g *memGuard) watch(cancel context.CancelCauseFunc) func() {
	c := &guarded{cancel: cancel}
	g.mu.Lock()
	g.calls[c] = struct{}{}
	if !g.started {
		g.started = true
		go g.run()
	}
	g.mu.Unlock()
	select {
	case g.wake <- struct{}{}:
	default:
	}
	return func() {
		g.mu.Lock()
		delete(g.calls, c)
		g.mu.Unlock()
	}
}

func (g *memGuard) close() {
	g.mu.Lock()
	started := g.started
	g.started = true // no new watcher goroutine after close
	g.mu.Unlock()
	close(g.stop)
	if started {
		<-g.done
	} else {
		close(g.done)
	}
}

func (g *memGuard) run() {
	defer close(g.done)
	tick := time.NewTicker(g.interval)
	defer tick.Stop()
	for {
		g.mu.Lock()
		idle := len(g.calls) == 0
		g.mu.Unlock()
		if idle {
			select {
			case <-g.wake:
			case <-g.stop:
				return
			}
			continue
		}
		select {
		case <-tick.C:
		case <-g.stop:
			return
		}
		metrics.Read(g.sample)
		heap := g.sample[0].Value.Uint64()
		g.mu.Lock()
		for c := range g.calls {
			switch {
			case c.base == 0 || heap < c.base:
				// A collection may lower the heap; measure from there.
				c.base = heap
			case heap-c.base > g.limit:
				c.cancel(ErrMemory)
				delete(g.calls, c)
			}
		}
		g.mu.Unlock()
	}
}
