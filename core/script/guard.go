package script

import (
	"context"
	"math"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// memGuard bounds the memory running calls add to the heap. Go offers no
// per-goroutine memory accounting and gopher-lua none per state, and a few
// lines of Lua (a table filled in a loop) grow the heap by gigabytes within
// the time limit. So while calls run, one goroutine samples the heap every
// millisecond and stops calls:
//
//   - every call during which the heap grew by more than the limit;
//   - all running hooks, when the heap grew by more than the limit since
//     the oldest of them started. A bound per call alone would let calls
//     started one after the other add their limits up; any of them may be
//     the cause. Scheduled jobs, which run for seconds, are held to the
//     bound per call only, so that the heap's normal rise and fall over
//     their long run does not stop the hooks around them.
//
// A burst of allocations elsewhere in the process can stop an innocent
// call; that call then fails cleanly and its ticket stays unchanged.
type memGuard struct {
	limit    uint64
	interval time.Duration
	// grown is how far the heap had grown at the last sample since the
	// oldest running hook started (0 while none runs).
	grown atomic.Uint64

	mu      sync.Mutex
	calls   map[*guarded]struct{}
	wake    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	started bool

	readMu sync.Mutex
	sample []metrics.Sample
	// heap reads the heap's size; tests replace it.
	heap func() uint64
}

type guarded struct {
	base   uint64 // heap bytes at the first sample after the call started
	start  time.Time
	shared bool // a hook: shares the bound with the other hooks
	cancel context.CancelCauseFunc
}

func newMemGuard(limit uint64) *memGuard {
	g := &memGuard{
		limit:    limit,
		interval: time.Millisecond,
		calls:    map[*guarded]struct{}{},
		wake:     make(chan struct{}, 1),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
		sample:   []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}},
	}
	g.heap = g.readHeap
	return g
}

// readHeap reads the bytes of live objects and of dead ones not yet swept.
func (g *memGuard) readHeap() uint64 {
	g.readMu.Lock()
	defer g.readMu.Unlock()
	metrics.Read(g.sample)
	return g.sample[0].Value.Uint64()
}

// watch guards a call until the returned function is called; cancel is
// called with ErrMemory when the call has to stop. shared: the call is a
// hook, not a job.
func (g *memGuard) watch(cancel context.CancelCauseFunc, shared bool) (*guarded, func()) {
	c := &guarded{cancel: cancel, start: time.Now(), shared: shared}
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

// left is how many bytes the running hooks may still add to the heap.
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

// check samples the heap and stops the calls that broke the bound (see
// memGuard).
func (g *memGuard) check() {
	heap := g.heap()
	g.mu.Lock()
	defer g.mu.Unlock()
	base := uint64(math.MaxUint64) // of the running hooks
	for c := range g.calls {
		if c.base == 0 || heap < c.base {
			// A collection may lower the heap; measure from there.
			c.base = heap
		}
		if c.shared {
			base = min(base, c.base)
		}
		if heap-c.base > g.limit {
			g.cancel(c)
		}
	}
	if base == math.MaxUint64 {
		g.grown.Store(0)
		return
	}
	if heap-base <= g.limit {
		g.grown.Store(heap - base)
		return
	}
	for c := range g.calls {
		if c.shared {
			g.cancel(c)
		}
	}
	g.grown.Store(0)
}

// cancel stops a call for its memory; the caller holds g.mu.
func (g *memGuard) cancel(c *guarded) {
	c.cancel(ErrMemory)
	delete(g.calls, c)
}
