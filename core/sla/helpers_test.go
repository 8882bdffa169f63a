package sla_test

import (
	"testing"
	"time"

	"vorgang/core/definition"
	"vorgang/core/sla"
)

var berlin = mustLoad("Europe/Berlin")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at is a wall-clock time in Berlin.
func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, berlin)
}

func refs(values ...string) []definition.Ref {
	out := make([]definition.Ref, len(values))
	for i, v := range values {
		out[i] = definition.Ref{Value: v}
	}
	return out
}

// officeHours are the shipped Saxon office hours.
func officeHours() map[string][]definition.Ref {
	return map[string][]definition.Ref{
		"monday": refs("07:30-16:00"), "tuesday": refs("07:30-18:00"), "wednesday": refs("07:30-16:00"),
		"thursday": refs("07:30-18:00"), "friday": refs("07:30-13:00"),
	}
}

// office compiles the office hours with the holidays of a German state.
func office(t testing.TB, state string, closed ...string) *sla.Calendar {
	t.Helper()
	return compile(t, &definition.Calendar{
		Meta:         definition.Meta{ID: definition.Ref{Value: "office-" + state}},
		Holidays:     &definition.Holidays{Country: "DE", State: state},
		WorkingHours: officeHours(),
		ClosedDays:   refs(closed...),
	})
}

// allDay is open around the clock, every day, without holidays.
func allDay(t testing.TB) *sla.Calendar {
	t.Helper()
	hours := map[string][]definition.Ref{}
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
		hours[d] = refs("00:00-24:00")
	}
	return compile(t, &definition.Calendar{Meta: definition.Meta{ID: definition.Ref{Value: "24-7"}}, WorkingHours: hours})
}

func compile(t testing.TB, def *definition.Calendar) *sla.Calendar {
	t.Helper()
	c, err := sla.Compile(def)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
