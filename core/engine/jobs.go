package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/script"
	"vorgang/core/store"
)

// jobRunsCollection records, per job, the last schedule time it ran for.
const jobRunsCollection = "job_runs"

// jobRun is the record of a job's last run.
type jobRun struct {
	ID      string    `bson:"_id"` // process/job
	Last    time.Time `bson:"last"`
	Version int64     `bson:"version"`
	Holder  string    `bson:"holder"`
	Error   string    `bson:"error,omitempty"`
	Changes int       `bson:"changes"`
}

// LeaseStore holds the leases that make a job run on one instance only;
// *store.Store implements it.
type LeaseStore interface {
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, holder string) error
}

// cronParser reads job schedules the way the definition loader checks them.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// Scheduler runs the processes' scheduled jobs (Process.Jobs). Any number
// of vorgang instances may run one on the same database: each job runs
// once per scheduled time, on the instance that takes its lease first.
type Scheduler struct {
	e      *Engine
	leases LeaseStore
	holder string

	mu   sync.Mutex
	next map[string]scheduled // process/job → next run
}

type scheduled struct {
	spec string
	at   time.Time
}

// NewScheduler returns a scheduler for e's jobs. holder names this
// instance in the leases; "" picks host name, process id and a random
// suffix.
func (e *Engine) NewScheduler(leases LeaseStore, holder string) *Scheduler {
	if holder == "" {
		host, _ := os.Hostname()
		var b [4]byte
		_, _ = rand.Read(b[:])
		holder = fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	}
	return &Scheduler{e: e, leases: leases, holder: holder, next: map[string]scheduled{}}
}

// Run runs due jobs until ctx ends. A job first seen (at start, or added
// by a reload) runs at its next scheduled time; missed times are not
// caught up.
func (s *Scheduler) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		wake := s.RunDue(ctx, time.Now())
		timer.Reset(time.Until(wake))
	}
}

// RunDue runs the jobs due at now and returns when to look again.
func (s *Scheduler) RunDue(ctx context.Context, now time.Time) time.Time {
	wake := now.Add(time.Minute)
	cat := s.e.catalog()
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	for _, p := range cat.Processes() {
		for _, j := range p.Jobs {
			key := p.ID.Value + "/" + j.ID.Value
			seen[key] = true
			sched, err := cronParser.Parse(j.Schedule.Value)
			if err != nil {
				continue // the loader refuses such definitions
			}
			n, ok := s.next[key]
			if !ok || n.spec != j.Schedule.Value {
				n = scheduled{spec: j.Schedule.Value, at: sched.Next(now)}
			}
			if !now.Before(n.at) {
				if _, err := s.e.RunJob(ctx, s.leases, s.holder, p.ID.Value, j.ID.Value, n.at); err != nil && ctx.Err() == nil {
					s.e.log.ErrorContext(ctx, "scheduled job failed", "job", key, "error", err.Error())
				}
				n.at = sched.Next(now)
			}
			s.next[key] = n
			if n.at.Before(wake) {
				wake = n.at
			}
		}
	}
	for key := range s.next {
		if !seen[key] {
			delete(s.next, key)
		}
	}
	return wake
}

// RunJob runs job of process for its scheduled time at, unless another
// holder runs it now or it already ran for at. It reports whether it ran
// here. The script's transitions are applied one by one as the workflow
// itself (with its permissions, validation and history); one that fails
// is logged and the others still run.
func (e *Engine) RunJob(ctx context.Context, leases LeaseStore, holder, process, job string, at time.Time) (bool, error) {
	cat := e.catalog()
	p := cat.Process(process)
	if p == nil {
		return false, fmt.Errorf("job %s/%s: %w", process, job, fault.NotFound)
	}
	var j *definition.Job
	for i := range p.Jobs {
		if p.Jobs[i].ID.Value == job {
			j = &p.Jobs[i]
		}
	}
	if j == nil {
		return false, fmt.Errorf("job %s/%s: %w", process, job, fault.NotFound)
	}
	timeout := e.scripts.Timeout(script.HookJob)
	if d, err := time.ParseDuration(j.Timeout); err == nil && d > 0 {
		timeout = d
	}
	key := process + "/" + job
	lease := "job:" + key
	// The lease outlives the script and the changes it asks for.
	ok, err := leases.AcquireLease(ctx, lease, holder, timeout+10*time.Minute)
	if err != nil || !ok {
		return false, err
	}
	defer func() {
		if err := leases.ReleaseLease(context.WithoutCancel(ctx), lease, holder); err != nil {
			e.log.WarnContext(ctx, "could not release a job lease; it expires", "job", key, "error", err)
		}
	}()
	var last jobRun
	err = e.store.Get(ctx, jobRunsCollection, key, &last)
	switch {
	case errors.Is(err, store.ErrNotFound):
		last = jobRun{ID: key}
	case err != nil:
		return false, fmt.Errorf("job %s: read its last run: %w", key, err)
	case !last.Last.Before(at.UTC().Truncate(time.Millisecond)):
		return false, nil // ran for this time already
	}

	run := jobRun{ID: key, Last: at.UTC().Truncate(time.Millisecond), Holder: holder}
	res, err := e.scripts.Run(ctx, script.Call{Catalog: cat, Script: j.Script.Value, Hook: script.HookJob,
		Event: map[string]any{"job": j.ID.Value, "process": process, "scheduled": at.UTC()},
		Host:  engineHost{e}, Timeout: timeout, Now: e.now()})
	var runErr error
	if err != nil {
		runErr = e.hookFailed(ctx, nil, j.Script.Value, script.HookJob, err)
		run.Error = err.Error()
	} else {
		run.Changes = len(res.Changes)
		var errs []error
		for _, c := range res.Changes {
			if c.Kind != script.ChangeTransition {
				continue
			}
			_, terr := e.Transition(ctx, system, c.Ticket, TransitionRequest{Transition: c.Transition, Comment: c.Text, Data: c.Data})
			if terr != nil {
				errs = append(errs, fmt.Errorf("%s %s: %w", c.Transition, c.Ticket, terr))
				e.log.WarnContext(ctx, "a transition of a scheduled job failed", "job", key, "ticket", c.Ticket,
					"transition", c.Transition, "error", terr.Error())
			}
		}
		if len(errs) > 0 {
			run.Error = fmt.Sprintf("%d of %d transitions failed: %v", len(errs), len(res.Changes), errs[0])
		}
		e.log.InfoContext(ctx, "scheduled job ran", slog.String("job", key), slog.Int("changes", run.Changes), slog.Int("failed", len(errs)))
	}
	if err := e.saveJobRun(ctx, &last, &run); err != nil {
		return true, err
	}
	return true, runErr
}

// saveJobRun records run as the job's last run. Only the lease holder
// writes it, so the compare-and-set does not race.
func (e *Engine) saveJobRun(ctx context.Context, last, run *jobRun) error {
	ctx = context.WithoutCancel(ctx)
	if last.Version == 0 {
		run.Version = 1
		if err := e.store.Insert(ctx, jobRunsCollection, run); err != nil {
			return fmt.Errorf("job %s: record its run: %w", run.ID, err)
		}
		return nil
	}
	_, err := e.store.Update(ctx, jobRunsCollection, run.ID, last.Version, map[string]any{"$set": map[string]any{
		"last": run.Last, "holder": run.Holder, "error": run.Error, "changes": run.Changes}})
	if err != nil {
		return fmt.Errorf("job %s: record its run: %w", run.ID, err)
	}
	return nil
}
