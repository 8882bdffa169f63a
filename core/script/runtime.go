package script

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"vorgang/core/definition"
	"vorgang/core/sla"
)

// Config configures a Runtime; zero fields take the documented defaults.
type Config struct {
	// PoolSize bounds the Lua states, and so the calls running at once in
	// the process (default GOMAXPROCS, at least 2). A call waits for a
	// free state at most MaxWait (default 2 s) and then fails with ErrBusy,
	// so scripts that run long cannot hold up every request.
	PoolSize int
	MaxWait  time.Duration
	// Timeout is the wall-clock limit of one call (default 100 ms);
	// HookTimeouts overrides it per hook (e.g. HookJob: 10 s, the
	// default for jobs).
	Timeout      time.Duration
	HookTimeouts map[string]time.Duration
	// CallStackSize bounds nested calls (default 200), RegistryMaxSize the
	// data stack in values (default 65,536).
	CallStackSize   int
	RegistryMaxSize int
	// MaxMemory is how far the heap may grow while hooks run, all
	// running hooks together, and while a job runs (default 256 MiB); see
	// memGuard.
	MaxMemory uint64
	// MaxString bounds every string a script builds: with `..`,
	// string.rep, format, gsub, upper, lower, reverse, table.concat and
	// json.encode (default 1 MiB).
	MaxString int
	// MaxResults bounds tickets.find and assets.find (default 200).
	MaxResults int
	// MaxChanges bounds the changes one call may ask for (default 1,000).
	MaxChanges int
	// Calendars answers the business-day questions of the time module:
	// working hours, closed days and public holidays, exactly as the SLA
	// clocks count them. The engine hands over the one its SLA clocks use
	// (default: a new one, which compiles the same definitions the same
	// way).
	Calendars *sla.Calendars
	// Now is the clock of time.now() (default time.Now).
	Now func() time.Time
	// Logger receives the scripts' log lines (default slog.Default()).
	Logger *slog.Logger
}

// DefaultTimeout is the time limit of a hook call.
const DefaultTimeout = 100 * time.Millisecond

// DefaultJobTimeout is the time limit of a scheduled job.
const DefaultJobTimeout = 10 * time.Second

// DefaultMaxWait is how long a call waits for a free script state.
const DefaultMaxWait = 2 * time.Second

func (c *Config) defaults() {
	if c.PoolSize <= 0 {
		c.PoolSize = max(2, runtime.GOMAXPROCS(0))
	}
	if c.MaxWait <= 0 {
		c.MaxWait = DefaultMaxWait
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.HookTimeouts == nil {
		c.HookTimeouts = map[string]time.Duration{}
	}
	if _, ok := c.HookTimeouts[HookJob]; !ok {
		c.HookTimeouts[HookJob] = DefaultJobTimeout
	}
	if c.CallStackSize <= 0 {
		c.CallStackSize = 200
	}
	if c.RegistryMaxSize <= 0 {
		c.RegistryMaxSize = 64 * 1024
	}
	if c.MaxMemory == 0 {
		c.MaxMemory = 256 << 20
	}
	if c.MaxString <= 0 {
		c.MaxString = 1 << 20
	}
	if c.MaxResults <= 0 {
		c.MaxResults = 200
	}
	if c.MaxChanges <= 0 {
		c.MaxChanges = 1000
	}
	if c.Calendars == nil {
		c.Calendars = &sla.Calendars{}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Runtime runs scripts. It is safe for concurrent use; Close it when done.
type Runtime struct {
	cfg   Config
	slots chan struct{} // one per state that may exist at once
	guard *memGuard

	mu   sync.Mutex
	pool *pool // states of the catalog version seen last
}

// New returns a runtime.
func New(cfg Config) *Runtime {
	cfg.defaults()
	return &Runtime{cfg: cfg, slots: make(chan struct{}, cfg.PoolSize), guard: newMemGuard(cfg.MaxMemory)}
}

// Close releases the pooled states. Calls must have returned.
func (r *Runtime) Close() {
	r.mu.Lock()
	if r.pool != nil {
		r.pool.retire()
		r.pool = nil
	}
	r.mu.Unlock()
	r.guard.close()
}

// Timeout returns the time limit of a call of hook.
func (r *Runtime) Timeout(hook string) time.Duration {
	if d, ok := r.cfg.HookTimeouts[hook]; ok && d > 0 {
		return d
	}
	return r.cfg.Timeout
}

// Run runs call.Script and returns the changes it asked for. A script that
// fails, or is stopped by a limit, returns an *Error and no changes.
func (r *Runtime) Run(ctx context.Context, call Call) (*Result, error) {
	if call.Catalog == nil {
		return nil, fmt.Errorf("script %s: no catalog", call.Script)
	}
	sc := call.Catalog.Script(call.Script)
	if sc == nil || sc.Proto == nil {
		return nil, &Error{Script: call.Script, Hook: call.Hook, Message: "no such script in the definitions", Cause: ErrNotFound}
	}
	timeout := call.Timeout
	if timeout <= 0 {
		timeout = r.Timeout(call.Hook)
	}
	if call.Now.IsZero() {
		call.Now = r.cfg.Now()
	}
	v, err := r.acquire(ctx, call.Catalog)
	if err != nil {
		return nil, fmt.Errorf("script %s: wait for a free script state: %w", call.Script, err)
	}
	res, err := v.run(ctx, &call, sc.Proto, timeout)
	r.release(v)
	return res, err
}

// acquire takes a free slot, waiting at most MaxWait, and a state
// prepared for cat's version.
func (r *Runtime) acquire(ctx context.Context, cat *definition.Catalog) (*vm, error) {
	select {
	case r.slots <- struct{}{}:
	default:
		wait := time.NewTimer(r.cfg.MaxWait)
		defer wait.Stop()
		select {
		case r.slots <- struct{}{}:
		case <-wait.C:
			return nil, ErrBusy
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return r.prepared(cat), nil
}

// prepared returns an idle state of cat's version, or a new one.
func (r *Runtime) prepared(cat *definition.Catalog) *vm {
	r.mu.Lock()
	p := r.pool
	if p == nil || p.hash != cat.Hash() {
		if p != nil {
			p.retire()
		}
		p = newPool(cat.Hash(), r.cfg.PoolSize)
		r.pool = p
	}
	r.mu.Unlock()
	if v := p.take(); v != nil {
		return v
	}
	return newVM(r, p)
}

func (r *Runtime) release(v *vm) {
	v.pool.give(v)
	<-r.slots
}
