package sla

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rickar/cal/v2"

	"vorgang/core/definition"
)

// DefaultTimezone is the time zone of a calendar that names none.
const DefaultTimezone = "Europe/Berlin"

// maxDays bounds every walk over the calendar: a deadline further away than
// this is treated as never (a calendar whose days are all closed).
const maxDays = 3660

// date is a day of the calendar's time zone.
type date struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) date {
	y, m, d := t.Date()
	return date{y, m, d}
}

// next returns the day after d.
func (d date) next() date {
	return dateOf(time.Date(d.y, d.m, d.d+1, 12, 0, 0, 0, time.UTC))
}

// prev returns the day before d.
func (d date) prev() date {
	return dateOf(time.Date(d.y, d.m, d.d-1, 12, 0, 0, 0, time.UTC))
}

func (d date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.y, d.m, d.d) }

// span is a working interval of a day in minutes since midnight; to may be
// 1440 (24:00).
type span struct{ from, to int }

// interval is a span on a particular day, in absolute time.
type interval struct{ start, end time.Time }

// Calendar is a compiled business calendar. It is safe for concurrent use.
type Calendar struct {
	id       string
	loc      *time.Location
	week     [7][]span // by time.Weekday
	workdays int       // weekdays with working hours: the length of a week 'w'
	holidays []*cal.Holiday
	closed   map[date]bool

	mu    sync.Mutex
	years map[int]map[date]string // holiday dates per year, computed on demand
}

// Compile builds a Calendar from its definition. Definitions are checked
// when they load, so an error here means a definition bypassed the loader.
func Compile(def *definition.Calendar) (*Calendar, error) {
	c := &Calendar{id: def.ID.Value, closed: map[date]bool{}, years: map[int]map[date]string{}}
	tz := def.Timezone.Value
	if tz == "" {
		tz = DefaultTimezone
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("calendar %s: time zone: %w", c.id, err)
	}
	c.loc = loc
	for day, spans := range def.WorkingHours {
		wd, ok := weekdayNames[day]
		if !ok {
			return nil, fmt.Errorf("calendar %s: unknown weekday %q", c.id, day)
		}
		for _, s := range spans {
			sp, err := parseSpan(s.Value)
			if err != nil {
				return nil, fmt.Errorf("calendar %s: %s: %w", c.id, day, err)
			}
			c.week[wd] = append(c.week[wd], sp)
		}
		c.week[wd] = mergeSpans(c.week[wd])
	}
	for _, spans := range c.week {
		if len(spans) > 0 {
			c.workdays++
		}
	}
	if c.workdays == 0 {
		return nil, fmt.Errorf("calendar %s has no working hours", c.id)
	}
	if h := def.Holidays; h != nil {
		if c.holidays, err = holidaysOf(h.Country, h.State); err != nil {
			return nil, fmt.Errorf("calendar %s: %w", c.id, err)
		}
	}
	for _, d := range def.ClosedDays {
		t, err := time.Parse(time.DateOnly, d.Value)
		if err != nil {
			return nil, fmt.Errorf("calendar %s: closed day: %w", c.id, err)
		}
		c.closed[dateOf(t)] = true
	}
	return c, nil
}

var weekdayNames = map[string]time.Weekday{
	"monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday, "thursday": time.Thursday,
	"friday": time.Friday, "saturday": time.Saturday, "sunday": time.Sunday,
}

func parseSpan(s string) (span, error) {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return span{}, fmt.Errorf("%q is not HH:MM-HH:MM", s)
	}
	a, err1 := parseClock(from)
	b, err2 := parseClock(to)
	if err1 != nil || err2 != nil || a >= b {
		return span{}, fmt.Errorf("%q is not a valid HH:MM-HH:MM range", s)
	}
	return span{a, b}, nil
}

func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok {
		return 0, fmt.Errorf("%q is not HH:MM", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh*60+mm > 24*60 {
		return 0, fmt.Errorf("%q is not HH:MM", s)
	}
	return hh*60 + mm, nil
}

// mergeSpans sorts spans and joins overlapping or touching ones.
func mergeSpans(in []span) []span {
	slices.SortFunc(in, func(a, b span) int { return a.from - b.from })
	var out []span
	for _, s := range in {
		if n := len(out); n > 0 && s.from <= out[n-1].to {
			out[n-1].to = max(out[n-1].to, s.to)
			continue
		}
		out = append(out, s)
	}
	return out
}

// ID is the calendar's definition id.
func (c *Calendar) ID() string { return c.id }

// Location is the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// Holiday returns the name of the public holiday on the day of t (in the
// calendar's time zone), or "".
func (c *Calendar) Holiday(t time.Time) string {
	return c.holiday(dateOf(t.In(c.loc)))
}

func (c *Calendar) holiday(d date) string {
	if len(c.holidays) == 0 {
		return ""
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	days, ok := c.years[d.y]
	if !ok {
		days = holidaysIn(c.holidays, d.y)
		c.years[d.y] = days
	}
	return days[d]
}

// WorkingDay reports whether work happens on the day of t at all.
func (c *Calendar) WorkingDay(t time.Time) bool {
	return len(c.day(dateOf(t.In(c.loc)))) > 0
}

// day returns the working intervals of day d, none on a closed day.
func (c *Calendar) day(d date) []interval {
	wd := time.Date(d.y, d.m, d.d, 12, 0, 0, 0, time.UTC).Weekday()
	spans := c.week[wd]
	if len(spans) == 0 || c.closed[d] || c.holiday(d) != "" {
		return nil
	}
	out := make([]interval, len(spans))
	for i, s := range spans {
		// time.Date resolves wall clock times in a DST gap or overlap, and
		// 24:00 as midnight of the next day.
		out[i] = interval{
			start: time.Date(d.y, d.m, d.d, 0, s.from, 0, 0, c.loc),
			end:   time.Date(d.y, d.m, d.d, 0, s.to, 0, 0, c.loc),
		}
	}
	return out
}
