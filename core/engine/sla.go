package engine

import (
	"fmt"
	"time"

	"vorgang/core/definition"
	"vorgang/core/sla"
	"vorgang/core/ticket"
)

// SLAClock returns the ticket's SLA clock, or nil when no SLA applies to it.
// The clock's goals carry the due dates to show.
func SLAClock(t *ticket.Ticket) (*sla.Clock, error) {
	c, err := t.SLAClock()
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	return (*sla.Clock)(c), nil
}

// setClock stores c in t and makes t's due time the clock's next point of
// attention. A copy of t taken before (to roll back a failed write) keeps
// the old clock.
func setClock(t *ticket.Ticket, c *sla.Clock) {
	t.SetSLAClock((*ticket.SLAClock)(c))
	t.Due = ticket.SortTime(c.Next())
}

// calendar returns the compiled calendar, compiled once per catalog
// version by the calendars the engine shares with its scripts.
func (e *Engine) calendar(cat *definition.Catalog, id string) (*sla.Calendar, error) {
	c, err := e.calendars.Get(cat, id)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	return c, nil
}

// slaOf returns the SLA definition and calendar named by a clock or a
// process.
func (e *Engine) slaOf(cat *definition.Catalog, id string) (*definition.SLA, *sla.Calendar, error) {
	s := cat.SLA(id)
	if s == nil {
		return nil, nil, fmt.Errorf("engine: SLA %s is not defined", id)
	}
	cal, err := e.calendar(cat, s.Calendar.Value)
	if err != nil {
		return nil, nil, err
	}
	return s, cal, nil
}

// clockMode is what a state does to the SLA clock: states that are not
// open stop it; open states run it unless they say otherwise.
func clockMode(s *definition.State) string {
	switch {
	case s == nil:
		return sla.Running
	case s.Category != definition.CategoryOpen || s.Clock == definition.ClockStopped:
		return sla.Stopped
	case s.Clock == definition.ClockPaused:
		return sla.Paused
	}
	return sla.Running
}

// slaOnCreate starts the clock of a new ticket whose process has an SLA. A
// broken SLA never blocks a create: the ticket is stored without a clock
// and the problem logged.
func (e *Engine) slaOnCreate(t *ticket.Ticket, at time.Time) {
	cat := e.catalog()
	p := cat.Process(t.Process)
	if p == nil || p.SLA.IsZero() {
		return
	}
	s, cal, err := e.slaOf(cat, p.SLA.Value)
	if err == nil {
		var c *sla.Clock
		if c, err = sla.Start(s, cal, t.Priority, at); err == nil && c != nil {
			follow(c, cal, p.State(t.State), at)
			setClock(t, c)
		}
	}
	if err != nil {
		e.log.Error("SLA clock not started", "ticket", t.Number, "process", t.Process, "error", err)
	}
}

// slaOnChange brings the clock of a changed ticket up to date before the
// change is stored: a public reply or leaving the first state meets the
// first response, a priority change applies the other targets, and the
// state pauses, resumes or stops the clock.
func (e *Engine) slaOnChange(t *ticket.Ticket, entry *ticket.HistoryEntry) {
	c, err := SLAClock(t)
	if err != nil || c == nil {
		if err != nil {
			e.log.Error("SLA clock unreadable; left as it is", "ticket", t.Number, "error", err)
		}
		return
	}
	at := entry.At
	if at.IsZero() {
		at = e.stamp()
	}
	cat := e.catalog()
	p := cat.Process(t.Process)
	s, cal, err := e.slaOf(cat, c.SLA)
	if p == nil || err != nil {
		e.log.Warn("SLA clock left as it is: its definitions are gone", "ticket", t.Number, "sla", c.SLA, "error", err)
		return
	}
	if t.Priority != c.Priority {
		if err := c.Retarget(s, cal, t.Priority, at); err != nil {
			e.log.Error("SLA targets of the new priority not applied", "ticket", t.Number, "error", err)
		}
	}
	if respondedBy(t, p, entry) {
		c.Meet(sla.FirstResponse, cal, at)
	}
	follow(c, cal, p.State(t.State), at)
	setClock(t, c)
}

// follow sets the clock to what the ticket's state asks.
func follow(c *sla.Clock, cal *sla.Calendar, s *definition.State, at time.Time) {
	switch clockMode(s) {
	case sla.Running:
		c.Resume(cal, at)
	case sla.Paused:
		c.Pause(cal, at)
	case sla.Stopped:
		c.Stop(cal, at)
	}
}

// respondedBy reports whether the change is a first response to the
// requester: a public comment by someone else, a transition someone else
// commented, or any transition out of the process's initial state (taking
// a ticket over, asking back, handing it on).
func respondedBy(t *ticket.Ticket, p *definition.Process, entry *ticket.HistoryEntry) bool {
	byOther := entry.Actor != "" && entry.Actor != t.Requester && entry.Actor != system.User
	content, err := entry.Decode()
	if err != nil {
		return false
	}
	var from, to, comment string
	switch x := content.(type) {
	case ticket.Commented:
		return byOther && !x.Internal && !x.Citizen
	case ticket.Transitioned:
		from, to, comment = x.From, x.To, x.Comment
	case ticket.Decision:
		if !x.Approved {
			return false
		}
		from, to, comment = x.From, x.To, x.Comment
	default:
		return false
	}
	if start := p.InitialState(); start != nil && from == start.ID.Value && to != from {
		return true
	}
	return byOther && comment != ""
}
