package sla

import (
	"fmt"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/de"
)

// germanHolidays are the public holidays per state code of the Calendar
// schema; "" is the holidays of all states.
var germanHolidays = map[string][]*cal.Holiday{
	"":   de.Holidays,
	"BW": de.HolidaysBW, "BY": de.HolidaysBY, "BE": de.HolidaysBE, "BB": de.HolidaysBB,
	"HB": de.HolidaysHB, "HH": de.HolidaysHH, "HE": de.HolidaysHE, "MV": de.HolidaysMV,
	"NI": de.HolidaysNI, "NW": de.HolidaysNW, "RP": de.HolidaysRP, "SL": de.HolidaysSL,
	"SN": de.HolidaysSN, "ST": de.HolidaysST, "SH": de.HolidaysSH, "TH": de.HolidaysTH,
}

func holidaysOf(country, state string) ([]*cal.Holiday, error) {
	if country != "DE" {
		return nil, fmt.Errorf("holidays of country %q are not known (only DE)", country)
	}
	hs, ok := germanHolidays[state]
	if !ok {
		return nil, fmt.Errorf("unknown German state %q", state)
	}
	return hs, nil
}

// holidaysIn returns the dates of the holidays in year, with their names.
func holidaysIn(hs []*cal.Holiday, year int) map[date]string {
	out := make(map[date]string, len(hs))
	for _, h := range hs {
		actual, _ := h.Calc(year)
		if actual.IsZero() {
			continue // not a holiday in that year (e.g. before it was introduced)
		}
		out[dateOf(actual)] = h.Name
	}
	return out
}
