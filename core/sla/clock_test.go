package sla_test

import (
	"testing"
	"time"

	"vorgang/core/definition"
	"vorgang/core/sla"
)

func standardSLA() *definition.SLA {
	return &definition.SLA{
		Meta:   definition.Meta{ID: definition.Ref{Value: "it-standard"}},
		WarnAt: 80,
		Targets: []definition.SLATarget{
			{Priority: definition.Ref{Value: "critical"}, FirstResponse: "30m", Resolution: "4h"},
			{Priority: definition.Ref{Value: "high"}, FirstResponse: "1h", Resolution: "8h"},
			{Priority: definition.Ref{Value: "low"}, Resolution: "10d"},
		},
	}
}

// step is one thing that happens to a ticket's clock.
type step struct {
	at   time.Time
	what string // pause, resume, stop, respond, priority:X
}

func TestClock(t *testing.T) {
	sn := office(t, "SN")
	tests := []struct {
		name     string
		priority string
		start    time.Time
		steps    []step
		// want: the resolution goal's due and warning time after the steps
		// (zero while paused or stopped) and the clock's next attention.
		due, warn, next time.Time
		state           string
	}{
		{
			name: "runs from creation", priority: "high", start: at(2026, 11, 17, 9, 0),
			due: at(2026, 11, 17, 17, 0), warn: at(2026, 11, 17, 15, 24), next: at(2026, 11, 17, 9, 48), state: sla.Running,
		},
		{
			name: "a reply meets the first response", priority: "high", start: at(2026, 11, 17, 9, 0),
			steps: []step{{at(2026, 11, 17, 9, 20), "respond"}},
			due:   at(2026, 11, 17, 17, 0), warn: at(2026, 11, 17, 15, 24), next: at(2026, 11, 17, 15, 24), state: sla.Running,
		},
		{
			name: "paused: no deadline runs", priority: "high", start: at(2026, 11, 17, 9, 0),
			steps: []step{{at(2026, 11, 17, 12, 0), "pause"}},
			state: sla.Paused,
		},
		{
			name: "a pause moves the deadline over the Saxon holiday", priority: "high", start: at(2026, 11, 17, 9, 0),
			steps: []step{{at(2026, 11, 17, 9, 30), "respond"}, {at(2026, 11, 17, 12, 0), "pause"}, {at(2026, 11, 17, 16, 0), "resume"}},
			// 3 h used, 5 h left: 2 h on Tuesday, Wednesday is Buß- und Bettag, 3 h on Thursday.
			due: at(2026, 11, 19, 10, 30), warn: at(2026, 11, 19, 8, 54), next: at(2026, 11, 19, 8, 54), state: sla.Running,
		},
		{
			name: "a pause spanning the holiday costs nothing", priority: "high", start: at(2026, 11, 17, 9, 0),
			steps: []step{{at(2026, 11, 17, 9, 30), "respond"}, {at(2026, 11, 17, 12, 0), "pause"}, {at(2026, 11, 19, 9, 0), "resume"}},
			due:   at(2026, 11, 19, 14, 0), warn: at(2026, 11, 19, 12, 24), next: at(2026, 11, 19, 12, 24), state: sla.Running,
		},
		{
			name: "created on a holiday counts from the next opening", priority: "critical", start: at(2026, 11, 18, 10, 0),
			due: at(2026, 11, 19, 11, 30), warn: at(2026, 11, 19, 10, 42), next: at(2026, 11, 19, 7, 54), state: sla.Running,
		},
		{
			name: "resolution stops the clock", priority: "high", start: at(2026, 11, 17, 9, 0),
			steps: []step{{at(2026, 11, 17, 11, 0), "stop"}},
			state: sla.Stopped,
		},
		{
			name: "reopening resumes with the time used", priority: "high", start: at(2026, 11, 17, 9, 0),
			steps: []step{{at(2026, 11, 17, 11, 0), "stop"}, {at(2026, 11, 19, 8, 0), "resume"}},
			// 2 h used; 6 h from Thursday 08:00. First response was met at the stop.
			due: at(2026, 11, 19, 14, 0), warn: at(2026, 11, 19, 12, 24), next: at(2026, 11, 19, 12, 24), state: sla.Running,
		},
		{
			name: "raising the priority counts the new target from the start", priority: "high", start: at(2026, 11, 17, 9, 0),
			steps: []step{{at(2026, 11, 17, 9, 10), "respond"}, {at(2026, 11, 17, 10, 0), "priority:critical"}},
			due:   at(2026, 11, 17, 13, 0), warn: at(2026, 11, 17, 12, 12), next: at(2026, 11, 17, 12, 12), state: sla.Running,
		},
		{
			name: "ten working days", priority: "low", start: at(2026, 11, 16, 9, 0),
			// Two weeks of working days, the holiday skipped.
			// 87 working hours; the warning after 69 h 36 min.
			due: at(2026, 12, 1, 9, 0), warn: at(2026, 11, 26, 16, 6), next: at(2026, 11, 26, 16, 6), state: sla.Running,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := sla.Start(standardSLA(), sn, tt.priority, tt.start)
			if err != nil || c == nil {
				t.Fatalf("Start: %v, %v", c, err)
			}
			for _, s := range tt.steps {
				switch s.what {
				case "pause":
					c.Pause(sn, s.at)
				case "resume":
					c.Resume(sn, s.at)
				case "stop":
					c.Stop(sn, s.at)
				case "respond":
					c.Meet(sla.FirstResponse, sn, s.at)
				case "priority:critical":
					if err := c.Retarget(standardSLA(), sn, "critical", s.at); err != nil {
						t.Fatal(err)
					}
				default:
					t.Fatalf("unknown step %q", s.what)
				}
			}
			g := c.Goal(sla.Resolution)
			if c.State != tt.state || !g.Due.Equal(tt.due) || !g.WarnAt.Equal(tt.warn) || !c.Next().Equal(tt.next) {
				t.Fatalf("state %s, due %s, warn %s, next %s;\nwant %s, %s, %s, %s", c.State,
					g.Due.In(berlin), g.WarnAt.In(berlin), c.Next().In(berlin), tt.state, tt.due, tt.warn, tt.next)
			}
		})
	}
}

// Due reports each warning and breach once, and a breach found late
// replaces its warning.
func TestClockEvents(t *testing.T) {
	sn := office(t, "SN")
	c, _ := sla.Start(standardSLA(), sn, "high", at(2026, 11, 17, 9, 0))
	c.Meet(sla.FirstResponse, sn, at(2026, 11, 17, 9, 30))
	checks := []struct {
		now  time.Time
		want []sla.Event
		next time.Time
	}{
		{at(2026, 11, 17, 15, 0), nil, at(2026, 11, 17, 15, 24)},
		{at(2026, 11, 17, 15, 24), []sla.Event{{Goal: sla.Resolution, Kind: sla.Warning, Due: at(2026, 11, 17, 17, 0)}}, at(2026, 11, 17, 17, 0)},
		{at(2026, 11, 17, 16, 0), nil, at(2026, 11, 17, 17, 0)},
		{at(2026, 11, 17, 17, 0), []sla.Event{{Goal: sla.Resolution, Kind: sla.Breach, Due: at(2026, 11, 17, 17, 0)}}, time.Time{}},
		{at(2026, 11, 20, 9, 0), nil, time.Time{}},
	}
	for i, ch := range checks {
		got := c.Due(ch.now)
		if len(got) != len(ch.want) {
			t.Fatalf("check %d: events %+v, want %+v", i, got, ch.want)
		}
		for j := range got {
			if got[j].Goal != ch.want[j].Goal || got[j].Kind != ch.want[j].Kind || !got[j].Due.Equal(ch.want[j].Due) {
				t.Fatalf("check %d: events %+v, want %+v", i, got, ch.want)
			}
		}
		if !c.Next().Equal(ch.next) {
			t.Fatalf("check %d: next %s, want %s", i, c.Next(), ch.next)
		}
	}

	late, _ := sla.Start(standardSLA(), sn, "critical", at(2026, 11, 17, 9, 0))
	got := late.Due(at(2026, 11, 20, 9, 0))
	if len(got) != 2 || got[0].Kind != sla.Breach || got[1].Kind != sla.Breach {
		t.Fatalf("late sweep: %+v, want two breaches and no warnings", got)
	}
	if again := late.Due(at(2026, 11, 20, 9, 5)); len(again) != 0 {
		t.Fatalf("events reported twice: %+v", again)
	}
}

func TestClockWithoutTargets(t *testing.T) {
	c, err := sla.Start(standardSLA(), office(t, "SN"), "medium", at(2026, 11, 17, 9, 0))
	if err != nil || c != nil {
		t.Fatalf("a priority without targets: %+v, %v", c, err)
	}
}

// A goal met after its deadline without a sweep in between is recorded as
// breached.
func TestClockMetLate(t *testing.T) {
	sn := office(t, "SN")
	c, _ := sla.Start(standardSLA(), sn, "critical", at(2026, 11, 17, 9, 0))
	c.Meet(sla.FirstResponse, sn, at(2026, 11, 17, 10, 0))
	if g := c.Goal(sla.FirstResponse); !g.Breached || g.Elapsed != 3600 {
		t.Fatalf("first response met after an hour for a 30 minute target: %+v", g)
	}
}
