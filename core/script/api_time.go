package script

import (
	"fmt"
	"sync"
	"time"

	lua "github.com/yuin/gopher-lua"

	"vorgang/core/sla"
)

var weekdayNames = [...]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// defaultZone is the zone of dates given without one.
const defaultZone = "Europe/Berlin"

var zones sync.Map // name → *time.Location

func zone(name string) (*time.Location, error) {
	if name == "" {
		name = defaultZone
	}
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone '%s'", name)
	}
	zones.Store(name, l)
	return l, nil
}

// parseTime reads RFC 3339 text, or a date or date and time without zone
// in loc.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	for _, layout := range []string{time.DateOnly, "2006-01-02T15:04", "2006-01-02 15:04", time.DateTime} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("'%s' is not a time (use 2026-01-31, 2026-01-31T14:30 or RFC 3339)", shorten(s, 40))
}

// layouts are the names time.format accepts besides "iso".
var layouts = map[string]string{
	"date":        time.DateOnly,
	"time":        "15:04",
	"datetime":    "2006-01-02 15:04",
	"de_date":     "02.01.2006",
	"de_datetime": "02.01.2006 15:04",
}

// timeModule works with times as Unix seconds (numbers), so scripts can
// compare and add them.
func (s *vm) timeModule() *lua.LTable {
	L := s.L
	m := L.NewTable()
	m.RawSetString("now", L.NewFunction(func(L *lua.LState) int {
		L.Push(unixTime(s.call(L).call.Now))
		return 1
	}))
	m.RawSetString("parse", L.NewFunction(func(L *lua.LState) int {
		loc := checkZone(L, 2)
		t, err := parseTime(L.CheckString(1), loc)
		if err != nil {
			L.ArgError(1, err.Error())
		}
		L.Push(unixTime(t))
		return 1
	}))
	m.RawSetString("format", L.NewFunction(func(L *lua.LState) int {
		t := checkTime(L, 1)
		name := L.OptString(2, "iso")
		if name == "iso" {
			L.Push(lua.LString(t.UTC().Format(time.RFC3339)))
			return 1
		}
		layout, ok := layouts[name]
		if !ok {
			L.ArgError(2, "unknown layout '"+name+"' (iso, date, time, datetime, de_date, de_datetime)")
		}
		L.Push(lua.LString(t.In(checkZone(L, 3)).Format(layout)))
		return 1
	}))
	m.RawSetString("add", L.NewFunction(func(L *lua.LState) int {
		t := checkTime(L, 1)
		var d time.Duration
		switch v := L.CheckAny(2).(type) {
		case lua.LNumber:
			d = time.Duration(float64(v) * float64(time.Second))
		case lua.LString:
			var err error
			if d, err = time.ParseDuration(string(v)); err != nil {
				L.ArgError(2, "not a duration such as 90m or 2h30m")
			}
		default:
			L.ArgError(2, "a duration must be seconds or text such as 2h30m")
		}
		L.Push(unixTime(t.Add(d)))
		return 1
	}))
	m.RawSetString("add_days", L.NewFunction(func(L *lua.LState) int {
		t := checkTime(L, 1)
		n := checkDays(L, 2)
		L.Push(unixTime(t.In(checkZone(L, 3)).AddDate(0, 0, n)))
		return 1
	}))
	m.RawSetString("add_business_days", L.NewFunction(func(L *lua.LState) int {
		t := checkTime(L, 1)
		n := checkDays(L, 2)
		cal := s.checkCalendar(L, 3)
		L.Push(unixTime(s.addBusinessDays(L, t, n, cal)))
		return 1
	}))
	m.RawSetString("is_business_day", L.NewFunction(func(L *lua.LState) int {
		t := checkTime(L, 1)
		cal := s.checkCalendar(L, 2)
		L.Push(lua.LBool(cal.WorkingDay(t)))
		return 1
	}))
	m.RawSetString("date", L.NewFunction(func(L *lua.LState) int {
		t := checkTime(L, 1).In(checkZone(L, 2))
		d := L.CreateTable(0, 8)
		d.RawSetString("year", lua.LNumber(t.Year()))
		d.RawSetString("month", lua.LNumber(t.Month()))
		d.RawSetString("day", lua.LNumber(t.Day()))
		d.RawSetString("hour", lua.LNumber(t.Hour()))
		d.RawSetString("min", lua.LNumber(t.Minute()))
		d.RawSetString("sec", lua.LNumber(t.Second()))
		d.RawSetString("weekday", lua.LString(weekdayNames[t.Weekday()]))
		L.Push(d)
		return 1
	}))
	return m
}

func checkTime(L *lua.LState, n int) time.Time {
	return checkTimeValue(L, L.CheckAny(n), n)
}

func checkZone(L *lua.LState, n int) *time.Location {
	loc, err := zone(L.OptString(n, ""))
	if err != nil {
		L.ArgError(n, err.Error())
	}
	return loc
}

// maxDays bounds day arithmetic, so a loop over days ends.
const maxDays = 3660

func checkDays(L *lua.LState, n int) int {
	d := L.CheckInt(n)
	if d > maxDays || d < -maxDays {
		L.ArgError(n, "at most 3660 days")
	}
	return d
}

// checkCalendar returns the compiled calendar named by argument n: the
// one the SLA clocks count in, public holidays included.
func (s *vm) checkCalendar(L *lua.LState, n int) *sla.Calendar {
	id := L.CheckString(n)
	cat := s.catalog(L)
	if cat.Calendar(id) == nil {
		L.ArgError(n, "unknown calendar '"+id+"'")
	}
	cal, err := s.rt.cfg.Calendars.Get(cat, id)
	if err != nil {
		L.RaiseError("%s", err.Error())
	}
	return cal
}

// addBusinessDays moves t by n working days of cal, keeping the time of
// day in the calendar's zone.
func (s *vm) addBusinessDays(L *lua.LState, t time.Time, n int, cal *sla.Calendar) time.Time {
	day := t.In(cal.Location())
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for tries := 0; n > 0; tries++ {
		if tries > 20*maxDays {
			L.RaiseError("calendar %s has no working days", cal.ID())
		}
		day = day.AddDate(0, 0, step)
		if cal.WorkingDay(day) {
			n--
		}
	}
	return day.UTC()
}
