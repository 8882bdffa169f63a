package ticket

import (
	"fmt"
	"time"
)

// SLAClock is the SLA state of one ticket as it is stored in the ticket's
// ext under ExtSLA; all times are UTC. core/sla runs it (pauses, resumes,
// meets and plans goals by a business calendar); this is only its state.
type SLAClock struct {
	SLA      string `json:"sla"`
	Calendar string `json:"calendar"`
	Priority string `json:"priority"`
	// WarnAt is the percentage of a target after which a warning is due.
	WarnAt  int       `json:"warn_at"`
	Started time.Time `json:"started"`
	// State is running, paused or stopped.
	State string `json:"state"`
	// Since is when the clock last started running.
	Since   time.Time `json:"since"`
	Targets []SLAGoal `json:"targets"`
}

// SLAGoal is one target of an SLAClock.
type SLAGoal struct {
	Name string `json:"name"`
	// Spec is the target as written, e.g. "4h".
	Spec string `json:"spec"`
	// Total is the target in working seconds.
	Total int64 `json:"total_s"`
	// Elapsed is the working seconds used before Since (or before Met).
	Elapsed int64 `json:"elapsed_s"`
	// Due and WarnAt are set while the clock runs and the goal is open.
	Due    time.Time `json:"due,omitzero"`
	WarnAt time.Time `json:"warn_at,omitzero"`
	// Met is when the goal was reached (first reply, resolution).
	Met      time.Time `json:"met,omitzero"`
	Warned   bool      `json:"warned"`
	Breached bool      `json:"breached"`
}

// Open reports whether the goal is neither met nor breached: something can
// still happen to it.
func (g *SLAGoal) Open() bool { return g.Met.IsZero() }

// SLAClock returns the ticket's SLA clock, or nil when no SLA applies to it.
func (t *Ticket) SLAClock() (*SLAClock, error) {
	raw, ok := t.Ext[ExtSLA]
	if !ok || raw == nil {
		return nil, nil
	}
	doc := newFields(nil).asMap(raw)
	if doc == nil {
		return nil, fmt.Errorf("ticket: SLA clock of %s is %T, not a document", t.Number, raw)
	}
	m := newFields(doc)
	c := &SLAClock{SLA: m.str("sla"), Calendar: m.str("calendar"), Priority: m.str("priority"), WarnAt: m.int("warn_at"),
		Started: m.time("started"), State: m.str("state"), Since: m.time("since")}
	for _, v := range m.list("targets") {
		gm := m.asMap(v)
		if gm == nil {
			m.fail("targets", v, "a list of documents")
			continue
		}
		g := newFields(gm)
		c.Targets = append(c.Targets, SLAGoal{Name: g.str("name"), Spec: g.str("spec"),
			Total: int64(g.int("total_s")), Elapsed: int64(g.int("elapsed_s")),
			Due: g.time("due"), WarnAt: g.time("warn_at"), Met: g.time("met"),
			Warned: g.bool("warned"), Breached: g.bool("breached")})
		m.keep(g)
	}
	if m.err != nil {
		return nil, fmt.Errorf("ticket: SLA clock of %s: %w", t.Number, m.err)
	}
	return c, nil
}

// SetSLAClock stores c in t. It gives t a new ext map, so a copy of t taken
// before (to roll back a failed write) keeps the old clock.
func (t *Ticket) SetSLAClock(c *SLAClock) {
	ext := make(map[string]any, len(t.Ext)+1)
	for k, v := range t.Ext {
		ext[k] = v
	}
	ext[ExtSLA] = c.encode()
	t.Ext = ext
}

// encode is the clock as earlier versions stored it: the same keys, times
// at the database's millisecond precision, unset goal times left out.
func (c *SLAClock) encode() map[string]any {
	targets := make([]any, len(c.Targets))
	for i, g := range c.Targets {
		m := map[string]any{"name": g.Name, "spec": g.Spec, "total_s": g.Total, "elapsed_s": g.Elapsed,
			"warned": g.Warned, "breached": g.Breached}
		for key, at := range map[string]time.Time{"due": g.Due, "warn_at": g.WarnAt, "met": g.Met} {
			if !at.IsZero() {
				m[key] = storedTime(at)
			}
		}
		targets[i] = m
	}
	if c.Targets == nil {
		targets = nil
	}
	return map[string]any{"sla": c.SLA, "calendar": c.Calendar, "priority": c.Priority, "warn_at": c.WarnAt,
		"started": storedTime(c.Started), "state": c.State, "since": storedTime(c.Since), "targets": targets}
}

// storedTime is t as the database keeps it: UTC, whole milliseconds.
func storedTime(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
