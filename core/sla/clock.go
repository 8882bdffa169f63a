package sla

import (
	"fmt"
	"time"

	"vorgang/core/definition"
	"vorgang/core/ticket"
)

// Target names, as in SLA escalations.
const (
	FirstResponse = "first_response"
	Resolution    = "resolution"
)

// Clock states.
const (
	Running = definition.ClockRunning
	Paused  = definition.ClockPaused
	Stopped = definition.ClockStopped
)

// Event kinds.
const (
	Warning = "warning"
	Breach  = "breach"
)

// Clock is the SLA state of one ticket, the ticket model's SLAClock with
// the calendar arithmetic that runs it. All times are UTC. Change it only
// through its methods, which keep the due times consistent with the
// calendar.
type Clock ticket.SLAClock

// Goal is one target of a Clock.
type Goal = ticket.SLAGoal

// Event is a warning or breach of a goal that has become due.
type Event struct {
	Goal string
	Kind string // Warning or Breach
	// Due is the goal's deadline.
	Due time.Time
}

// Start starts the clock of a ticket with the given priority at now. It
// returns nil when the SLA has no target for the priority.
func Start(s *definition.SLA, cal *Calendar, priority string, now time.Time) (*Clock, error) {
	now = now.UTC()
	c := &Clock{SLA: s.ID.Value, Calendar: cal.ID(), Priority: priority, WarnAt: warnAt(s), Started: now, State: Running, Since: now}
	goals, err := goalsFor(s, cal, priority, now)
	if err != nil || len(goals) == 0 {
		return nil, err
	}
	c.Targets = goals
	c.plan(cal)
	return c, nil
}

func warnAt(s *definition.SLA) int {
	if s.WarnAt <= 0 || s.WarnAt >= 100 {
		return 80
	}
	return s.WarnAt
}

// goalsFor turns the SLA's targets for priority into goals whose lengths
// count from start.
func goalsFor(s *definition.SLA, cal *Calendar, priority string, start time.Time) ([]Goal, error) {
	var out []Goal
	for _, t := range s.Targets {
		if t.Priority.Value != priority {
			continue
		}
		for _, g := range []struct{ name, spec string }{{FirstResponse, t.FirstResponse}, {Resolution, t.Resolution}} {
			if g.spec == "" {
				continue
			}
			tg, err := ParseTarget(g.spec)
			if err != nil {
				return nil, fmt.Errorf("SLA %s, priority %s, %s: %w", s.ID.Value, priority, g.name, err)
			}
			out = append(out, Goal{Name: g.name, Spec: g.spec, Total: int64(cal.Length(start, tg) / time.Second)})
		}
	}
	return out, nil
}

// Goal returns the goal with the name, or nil.
func (c *Clock) Goal(name string) *Goal {
	for i := range c.Targets {
		if c.Targets[i].Name == name {
			return &c.Targets[i]
		}
	}
	return nil
}

// used is the working seconds g has used by now.
func (c *Clock) used(g *Goal, cal *Calendar, now time.Time) int64 {
	if c.State != Running || !g.Open() {
		return g.Elapsed
	}
	return g.Elapsed + int64(cal.Between(c.Since, now)/time.Second)
}

// plan sets the due and warning times of the open goals of a running clock
// and clears them otherwise.
func (c *Clock) plan(cal *Calendar) {
	for i := range c.Targets {
		g := &c.Targets[i]
		if c.State != Running || !g.Open() {
			g.Due, g.WarnAt = time.Time{}, time.Time{}
			continue
		}
		g.Due = shift(cal, c.Since, time.Duration(g.Total-g.Elapsed)*time.Second)
		g.WarnAt = shift(cal, c.Since, time.Duration(g.Total*int64(c.WarnAt)/100-g.Elapsed)*time.Second)
	}
}

// shift moves t by d of working time, backwards for a negative d (a target
// already overrun when the priority changed).
func shift(cal *Calendar, t time.Time, d time.Duration) time.Time {
	if d < 0 {
		return cal.Sub(t, -d).UTC()
	}
	return cal.Add(t, d).UTC()
}

// freeze adds the time used since Since to the open goals.
func (c *Clock) freeze(cal *Calendar, now time.Time) {
	if c.State != Running {
		return
	}
	for i := range c.Targets {
		if g := &c.Targets[i]; g.Open() {
			g.Elapsed = c.used(g, cal, now)
		}
	}
}

// Pause stops the clock until Resume, e.g. while waiting for the requester.
func (c *Clock) Pause(cal *Calendar, now time.Time) {
	if c.State != Running {
		return
	}
	c.freeze(cal, now)
	c.State = Paused
	c.plan(cal)
}

// Resume runs a paused or stopped clock again from now. A stopped clock
// (a reopened ticket) reopens its resolution goal with the time it had
// used.
func (c *Clock) Resume(cal *Calendar, now time.Time) {
	if c.State == Running {
		return
	}
	if c.State == Stopped {
		if g := c.Goal(Resolution); g != nil {
			g.Met = time.Time{}
		}
	}
	c.State, c.Since = Running, now.UTC()
	c.plan(cal)
}

// Stop ends the clock at now (resolution): every open goal is met.
func (c *Clock) Stop(cal *Calendar, now time.Time) {
	if c.State == Stopped {
		return
	}
	c.freeze(cal, now)
	for i := range c.Targets {
		c.meet(&c.Targets[i], now)
	}
	c.State = Stopped
	c.plan(cal)
}

// Meet records that the named goal was reached at now (the first public
// reply meets the first-response goal). Meeting a goal twice keeps the
// first time.
func (c *Clock) Meet(name string, cal *Calendar, now time.Time) {
	g := c.Goal(name)
	if g == nil || !g.Open() {
		return
	}
	g.Elapsed = c.used(g, cal, now)
	c.meet(g, now)
	c.plan(cal)
}

func (c *Clock) meet(g *Goal, now time.Time) {
	if !g.Open() {
		return
	}
	g.Met = now.UTC()
	if g.Elapsed > g.Total {
		g.Breached = true
	}
}

// Retarget applies the targets of another priority (or a changed SLA
// definition), counted from the clock's start; time already used stays
// used, and warnings and breaches already recorded stay recorded.
func (c *Clock) Retarget(s *definition.SLA, cal *Calendar, priority string, now time.Time) error {
	goals, err := goalsFor(s, cal, priority, c.Started)
	if err != nil {
		return err
	}
	c.freeze(cal, now)
	if c.State == Running {
		c.Since = now.UTC()
	}
	var next []Goal
	for _, g := range goals {
		if old := c.Goal(g.Name); old != nil {
			old.Spec, old.Total = g.Spec, g.Total
			next = append(next, *old)
			continue
		}
		next = append(next, g)
	}
	c.Priority, c.SLA, c.WarnAt, c.Targets = priority, s.ID.Value, warnAt(s), next
	c.plan(cal)
	return nil
}

// Next returns the next time the clock needs attention: the earliest
// warning or deadline not yet recorded, or the zero time when there is none
// (paused, stopped, everything recorded).
func (c *Clock) Next() time.Time {
	var next time.Time
	for i := range c.Targets {
		g := &c.Targets[i]
		if c.State != Running || !g.Open() || g.Breached {
			continue
		}
		at := g.Due
		if !g.Warned {
			at = g.WarnAt
		}
		if !at.IsZero() && (next.IsZero() || at.Before(next)) {
			next = at
		}
	}
	return next
}

// Due returns the events that have become due at now and records them: a
// warning once a goal's warning time has passed, a breach once its deadline
// has. A breach found before its warning was sent replaces the warning.
func (c *Clock) Due(now time.Time) []Event {
	var out []Event
	for i := range c.Targets {
		g := &c.Targets[i]
		if c.State != Running || !g.Open() || g.Breached {
			continue
		}
		switch {
		case !g.Due.IsZero() && !now.Before(g.Due):
			g.Warned, g.Breached = true, true
			out = append(out, Event{Goal: g.Name, Kind: Breach, Due: g.Due})
		case !g.Warned && !g.WarnAt.IsZero() && !now.Before(g.WarnAt):
			g.Warned = true
			out = append(out, Event{Goal: g.Name, Kind: Warning, Due: g.Due})
		}
	}
	return out
}
