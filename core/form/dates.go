package form

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Dates are stored as "2006-01-02" strings (a calendar day, no time zone),
// date-times as RFC 3339 strings with the offset of Config.Location
// ("2026-05-04T09:30:00+02:00").
const (
	dateLayout     = "2006-01-02"
	localLayout    = "2006-01-02T15:04" // <input type="datetime-local">
	localLayoutSec = "2006-01-02T15:04:05"
)

// dateBound is a min_date or max_date: a fixed day, or a day relative to
// today.
type dateBound struct {
	set      bool
	fixed    time.Time // when !relative
	relative bool
	n        int    // offset from today
	unit     byte   // 'd', 'w', 'm' (months) or 'y'
	text     string // as written
}

var relativeDate = regexp.MustCompile(`^today(?:([+-])([0-9]{1,4})([dwmy]))?$`)

// parseDateBound reads "2026-12-24", "today", "today+7d", "today-18y"
// (d days, w weeks, m months, y years).
func parseDateBound(s string) (dateBound, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return dateBound{}, nil
	}
	if m := relativeDate.FindStringSubmatch(s); m != nil {
		b := dateBound{set: true, relative: true, text: s, unit: 'd'}
		if m[1] != "" {
			b.n, _ = strconv.Atoi(m[2])
			if m[1] == "-" {
				b.n = -b.n
			}
			b.unit = m[3][0]
		}
		return b, nil
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return dateBound{}, fmt.Errorf("%q is neither an ISO date (2026-12-24) nor today, today+7d, today-18y", s)
	}
	return dateBound{set: true, fixed: t, text: s}, nil
}

// day returns the bound as a calendar day (midnight UTC) given today's date.
func (b dateBound) day(now time.Time) time.Time {
	if !b.relative {
		return b.fixed
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	switch b.unit {
	case 'w':
		return today.AddDate(0, 0, 7*b.n)
	case 'm':
		return today.AddDate(0, b.n, 0)
	case 'y':
		return today.AddDate(b.n, 0, 0)
	}
	return today.AddDate(0, 0, b.n)
}

// valueDay returns the calendar day of a date or date-time value, the latter
// in loc.
func valueDay(v string, datetime bool, loc *time.Location) (time.Time, bool) {
	if !datetime {
		t, err := time.Parse(dateLayout, v)
		return t, err == nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, false
	}
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
}

// germanDate matches the notations people type in German: 24.12.2026, 1.2.2026.
var germanDate = regexp.MustCompile(`^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})$`)

// parseDateInput turns a date as typed or sent by a browser into
// "2006-01-02"; ok is false when it is not a date.
func parseDateInput(s string) (string, bool) {
	if t, err := time.Parse(dateLayout, s); err == nil {
		return t.Format(dateLayout), true
	}
	if m := germanDate.FindStringSubmatch(s); m != nil {
		d, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		y, _ := strconv.Atoi(m[3])
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Day() == d && int(t.Month()) == mo {
			return t.Format(dateLayout), true
		}
	}
	return "", false
}

// parseDateTimeInput turns a date-time as sent by <input
// type="datetime-local"> (no zone) into RFC 3339 in loc; RFC 3339 input is
// kept as it is.
func parseDateTimeInput(s string, loc *time.Location) (string, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.Format(time.RFC3339), true
	}
	for _, layout := range []string{localLayout, localLayoutSec, "2006-01-02 15:04", "02.01.2006 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.Format(time.RFC3339), true
		}
	}
	return "", false
}

// formatDay writes a day for messages: 24.12.2026 or 24 December 2026.
func formatDay(t time.Time, lang string) string {
	if lang == "en" {
		return t.Format("2 January 2006")
	}
	return t.Format("02.01.2006")
}
