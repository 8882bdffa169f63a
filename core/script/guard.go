package script

import (
	"context"
	"math"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// memGuard bounds the memory all running calls together may add to the
// heap. Go offers no per-goroutine memory accounting and gopher-lua none
// per state, and a few lines of Lua (a table filled in a loop) grow the
// heap by gigabytes within the time limit. So while calls run, one
// goroutine samples the heap every millisecond; when it has grown by more
// than the limit since the oldest running call started, every running call
// is stopped: any of them may have caused it, and a bound per call would
// let several calls started one after the other add their limits up. A
// burst of allocations elsewhere in the process can stop an innocent call;
// that call then fails cleanly and its ticket stays unchanged.
//
// The functions that build strings ask left() before they allocate, so one
// library call cannot overshoot the bound by more than the sampling lag
// lets the heap grow.
type memGuard struct {
	limit    uint64
	interval time.Duration
	// grown is how far the heap had grown at the last sample since the
	// oldest running call started (0 while no call runs).
	grown atomic.Uint64

	mu      sync.Mutex
	calls   map[*guarded]struct{}
	wake    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	started bool

	readMu sync.Mutex
	sample []metrics.Sample
}

type guarded struct {
	base   uint64 // heap bytes at the first sample after the call started
	start  time.Time
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
func (g *memGuard) watch(cancel context.CancelCauseFunc) (*guarded, func()) {
	c := &guarded{cancel: cancel, start: time.Now()}
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
	return c, func() {
		g.mu.Lock()
		delete(g.calls, c)
		if len(g.calls) == 0 {
			g.grown.Store(0)
		}
		g.mu.Unlock()
	}
}

// left is how many bytes the running calls may still add to the heap.
func (g *memGuard) left() int64 {
	grown := g.grown.Load()
	if grown >= g.limit {
		return 0
	}
	return int64(min(g.limit-grown, math.MaxInt64))
}

// finish checks a call at its end: a call that ran longer than the
// sampling interval gets a fresh sample, so the heap it grew in its last
// moments is seen too. It reports whether the memory bound was broken.
func (g *memGuard) finish(c *guarded, cctx context.Context) bool {
	if time.Since(c.start) >= g.interval {
		g.check()
	}
	return context.Cause(cctx) == ErrMemory
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
		g.check()
	}
}

// check samples the heap and stops every running call when it has grown
// by more than the limit since the oldest of them started.
func (g *memGuard) check() {
	g.readMu.Lock()
	metrics.Read(g.sample)
	heap := g.sample[0].Value.Uint64()
	g.readMu.Unlock()

	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.calls) == 0 {
		return
	}
	base := uint64(math.MaxUint64)
	for c := range g.calls {
		if c.base == 0 || heap < c.base {
			// A collection may lower the heap; measure from there.
			c.base = heap
		}
		base = min(base, c.base)
	}
	grown := heap - base
	g.grown.Store(grown)
	if grown <= g.limit {
		return
	}
	for c := range g.calls {
		c.cancel(ErrMemory)
		delete(g.calls, c)
	}
	g.grown.Store(0)
}
