package sla

import (
	"fmt"
	"strconv"
	"time"
)

// Target is a duration in business time as written in an SLA: weeks and
// days of the calendar plus working hours and minutes ("1d4h", "30m").
type Target struct {
	Weeks, Days int
	Time        time.Duration
}

// ParseTarget reads a duration such as 30m, 4h, 1h30m, 2d or 1w.
func ParseTarget(s string) (Target, error) {
	var t Target
	if s == "" {
		return t, fmt.Errorf("empty duration")
	}
	num := ""
	for _, r := range s {
		if r >= '0' && r <= '9' {
			num += string(r)
			continue
		}
		n, err := strconv.Atoi(num)
		if num == "" || err != nil {
			return Target{}, fmt.Errorf("%q is not a duration such as 30m, 4h, 1h30m, 2d or 1w", s)
		}
		num = ""
		switch r {
		case 'w':
			t.Weeks += n
		case 'd':
			t.Days += n
		case 'h':
			t.Time += time.Duration(n) * time.Hour
		case 'm':
			t.Time += time.Duration(n) * time.Minute
		default:
			return Target{}, fmt.Errorf("%q is not a duration such as 30m, 4h, 1h30m, 2d or 1w", s)
		}
	}
	if num != "" {
		return Target{}, fmt.Errorf("%q is not a duration such as 30m, 4h, 1h30m, 2d or 1w: a number without unit", s)
	}
	return t, nil
}

// IsZero reports whether the target is empty.
func (t Target) IsZero() bool { return t.Weeks == 0 && t.Days == 0 && t.Time == 0 }
