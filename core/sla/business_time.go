package sla

import "time"

// Next returns the first working instant at or after t: t itself during
// working hours, else the next opening. It returns the zero time when no
// working time follows within ten years.
func (c *Calendar) Next(t time.Time) time.Time {
	d := dateOf(t.In(c.loc))
	for i := 0; i < maxDays; i, d = i+1, d.next() {
		for _, iv := range c.day(d) {
			if t.Before(iv.end) {
				if t.Before(iv.start) {
					return iv.start
				}
				return t
			}
		}
	}
	return time.Time{}
}

// Add returns the instant when d of working time has passed after t: the
// earliest u with Between(t, u) == d. A deadline that falls exactly on a
// closing time is that closing time, not the next opening. For d <= 0 it
// returns t. It returns the zero time when the calendar has no working time
// left within ten years.
func (c *Calendar) Add(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	day := dateOf(t.In(c.loc))
	for i := 0; i < maxDays; i, day = i+1, day.next() {
		for _, iv := range c.day(day) {
			start := iv.start
			if t.After(start) {
				start = t
			}
			if !start.Before(iv.end) {
				continue
			}
			// Absolute durations: a working span across a DST change is
			// as long as the clock says it is, not its wall-clock length.
			if avail := iv.end.Sub(start); d <= avail {
				return start.Add(d)
			} else {
				d -= avail
			}
		}
	}
	return time.Time{}
}

// Sub returns the instant d of working time before t: the latest u with
// Between(u, t) == d. For d <= 0 it returns t. A clock whose target was
// shortened below the time already used dates its deadline back with it.
func (c *Calendar) Sub(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	day := dateOf(t.In(c.loc))
	for i := 0; i < maxDays; i, day = i+1, day.prev() {
		ivs := c.day(day)
		for j := len(ivs) - 1; j >= 0; j-- {
			iv := ivs[j]
			end := iv.end
			if t.Before(end) {
				end = t
			}
			if !end.After(iv.start) {
				continue
			}
			if avail := end.Sub(iv.start); d <= avail {
				return end.Add(-d)
			} else {
				d -= avail
			}
		}
	}
	return time.Time{}
}

// Between returns the working time in [a, b); zero if b is not after a.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	var sum time.Duration
	last := dateOf(b.In(c.loc))
	day := dateOf(a.In(c.loc))
	for i := 0; i < maxDays; i, day = i+1, day.next() {
		for _, iv := range c.day(day) {
			start, end := iv.start, iv.end
			if a.After(start) {
				start = a
			}
			if b.Before(end) {
				end = b
			}
			if end.After(start) {
				sum += end.Sub(start)
			}
		}
		if day == last {
			break
		}
	}
	return sum
}

// Deadline returns when a target of working time set at start ends. Whole
// days and weeks count working days of the calendar: "1d" from a working
// moment is the same wall-clock time on the next working day (or that
// day's closing time, if it closes earlier); a week is as many working days
// as the calendar has per week. Hours and minutes then count working time.
// A start outside working hours counts from the next opening.
func (c *Calendar) Deadline(start time.Time, t Target) time.Time {
	s := c.Next(start)
	if s.IsZero() {
		return s
	}
	if days := t.Weeks*c.workdays + t.Days; days > 0 {
		s = c.sameTimeAfter(s, days)
		if s.IsZero() {
			return s
		}
	}
	return c.Add(s, t.Time)
}

// Length is the working time a target set at start spans: Between(start,
// Deadline(start, t)) counted from the next opening.
func (c *Calendar) Length(start time.Time, t Target) time.Duration {
	s := c.Next(start)
	if s.IsZero() {
		return 0
	}
	return c.Between(s, c.Deadline(s, t))
}

// sameTimeAfter returns the wall-clock time of s on the n-th working day
// after s's day, clamped into that day's working hours: the latest working
// instant at or before that time, or the day's opening if there is none.
func (c *Calendar) sameTimeAfter(s time.Time, n int) time.Time {
	ls := s.In(c.loc)
	day := dateOf(ls)
	for i := 0; i < maxDays; i++ {
		day = day.next()
		ivs := c.day(day)
		if len(ivs) == 0 {
			continue
		}
		if n--; n > 0 {
			continue
		}
		want := time.Date(day.y, day.m, day.d, ls.Hour(), ls.Minute(), ls.Second(), ls.Nanosecond(), c.loc)
		at := ivs[0].start
		for _, iv := range ivs {
			if want.Before(iv.start) {
				break
			}
			if !want.After(iv.end) {
				return want
			}
			at = iv.end
		}
		return at
	}
	return time.Time{}
}
