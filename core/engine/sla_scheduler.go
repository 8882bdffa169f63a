package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"vorgang/core/store"
)

// SLASweepLease is the lease whose holder runs the SLA sweep.
const SLASweepLease = "sla-sweep"

// SchedulerConfig configures an SLAScheduler.
type SchedulerConfig struct {
	// Holder names this instance in the lease; it must differ between
	// instances (e.g. host and process id). Required.
	Holder string
	// Every is the time between sweeps. Default: 30 s.
	Every time.Duration
	// LeaseTTL is how long an instance holds the sweep after its last
	// tick; another instance takes over when it stops ticking. Default:
	// three times Every.
	LeaseTTL time.Duration
	// Hooks runs on_sla_warning/on_sla_breach scripts. Default: the
	// engine's script runtime (Engine.ScriptSLAHooks).
	Hooks SLAHookRunner
}

// SLAScheduler runs the SLA sweep periodically on one instance at a time:
// every instance ticks, and only the holder of the sweep lease sweeps. The
// sweep is safe to overlap anyway (see SweepSLA); the lease saves the
// duplicate work.
type SLAScheduler struct {
	eng    *Engine
	leases LeaseStore
	cfg    SchedulerConfig
	log    *slog.Logger
}

// NewSLAScheduler returns a scheduler for the engine's store.
func (e *Engine) NewSLAScheduler(cfg SchedulerConfig) (*SLAScheduler, error) {
	if cfg.Holder == "" {
		return nil, errors.New("engine: SLA scheduler needs a holder name")
	}
	if cfg.Every <= 0 {
		cfg.Every = 30 * time.Second
	}
	if cfg.LeaseTTL <= 0 {
		cfg.LeaseTTL = 3 * cfg.Every
	}
	if cfg.Hooks == nil {
		cfg.Hooks = e.ScriptSLAHooks()
	}
	return &SLAScheduler{eng: e, leases: e.store, cfg: cfg, log: e.log.With("component", "sla")}, nil
}

// Tick sweeps once if this instance holds (or can take) the sweep lease,
// and runs queued SLA hooks. It reports whether it swept.
func (s *SLAScheduler) Tick(ctx context.Context) (bool, SweepResult, error) {
	held, err := s.leases.AcquireLease(ctx, SLASweepLease, s.cfg.Holder, s.cfg.LeaseTTL)
	if err != nil || !held {
		return false, SweepResult{}, err
	}
	res, err := s.eng.SweepSLA(ctx)
	if _, herr := s.eng.RunSLAHooks(ctx, s.cfg.Hooks); herr != nil {
		err = errors.Join(err, fmt.Errorf("SLA hooks: %w", herr))
	}
	return true, res, err
}

// Run ticks until ctx ends, then releases the lease so another instance
// takes over at once.
func (s *SLAScheduler) Run(ctx context.Context) {
	tick := time.NewTicker(s.cfg.Every)
	defer tick.Stop()
	for {
		swept, res, err := s.Tick(ctx)
		switch {
		case errors.Is(err, store.ErrDiskFull):
			// The store logs a full disk once; a line per tick would bury it.
		case err != nil && ctx.Err() == nil:
			s.log.Warn("SLA sweep failed; it runs again", "error", err)
		case swept && res.Warnings+res.Breaches > 0:
			s.log.Info("SLA sweep", "checked", res.Checked, "warnings", res.Warnings, "breaches", res.Breaches)
		}
		select {
		case <-ctx.Done():
			release, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			if err := s.leases.ReleaseLease(release, SLASweepLease, s.cfg.Holder); err != nil {
				s.log.Warn("SLA sweep lease not released; it expires", "error", err)
			}
			cancel()
			return
		case <-tick.C:
		}
	}
}
