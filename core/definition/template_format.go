package definition

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// FormatFuncs are the template functions of language lang (TemplateFuncs
// lists them for the loader's check), for mails and ticket titles alike:
// date, datetime, number and money. Times are shown in loc. A value that
// is empty renders empty and one that is not a date or a number renders as
// it is, so a mail or a title never fails over a field.
//
//	        de                  en
//	date     02.12.2026          2 Dec 2026
//	datetime 02.12.2026, 14:30   2 Dec 2026, 14:30
//	number   1.234 / 1.234,50    1,234 / 1,234.50
//	money    1.234,50 €          €1,234.50
func FormatFuncs(lang string, loc *time.Location) template.FuncMap {
	en := lang == "en"
	dateLayout, timeLayout := "02.01.2006", "02.01.2006, 15:04"
	if en {
		dateLayout, timeLayout = "2 Jan 2006", "2 Jan 2006, 15:04"
	}
	return template.FuncMap{
		"date": func(v any) string {
			return formatTime(v, loc, dateLayout)
		},
		"datetime": func(v any) string {
			return formatTime(v, loc, timeLayout)
		},
		"number": func(v any) string {
			f, ok, s := numberOf(v)
			if !ok {
				return s
			}
			decimals := 2
			if f == math.Trunc(f) {
				decimals = 0
			}
			return groupDigits(f, decimals, en)
		},
		"money": func(v any) string {
			f, ok, s := numberOf(v)
			if !ok {
				return s
			}
			if en {
				if f < 0 {
					return "-€" + groupDigits(-f, 2, en)
				}
				return "€" + groupDigits(f, 2, en)
			}
			return groupDigits(f, 2, en) + " €"
		},
	}
}

// formatTime formats a date or time value. A date without a time of day
// stays that date; a time is shown in loc.
func formatTime(v any, loc *time.Location, layout string) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		return x.In(loc).Format(layout)
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return ""
		}
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t.In(loc).Format(layout)
		}
		for _, l := range []string{time.DateOnly, "2006-01-02T15:04", time.DateTime, "2006-01-02T15:04:05"} {
			if t, err := time.ParseInLocation(l, s, loc); err == nil {
				return t.Format(layout)
			}
		}
		return x
	}
	return fmt.Sprint(v)
}

// numberOf reads a number; ok false gives the text to show instead.
func numberOf(v any) (f float64, ok bool, s string) {
	switch x := v.(type) {
	case nil:
		return 0, false, ""
	case float64:
		return x, true, ""
	case float32:
		return float64(x), true, ""
	case int:
		return float64(x), true, ""
	case int32:
		return float64(x), true, ""
	case int64:
		return float64(x), true, ""
	case string:
		t := strings.TrimSpace(x)
		if t == "" {
			return 0, false, ""
		}
		if f, err := strconv.ParseFloat(t, 64); err == nil {
			return f, true, ""
		}
		return 0, false, x
	}
	if n, ok := v.(interface{ Float64() (float64, error) }); ok {
		if f, err := n.Float64(); err == nil {
			return f, true, ""
		}
	}
	return 0, false, fmt.Sprint(v)
}

// groupDigits writes f with decimals places, thousands grouped: 1.234,50
// in German, 1,234.50 in English.
func groupDigits(f float64, decimals int, en bool) string {
	group, point := ".", ","
	if en {
		group, point = ",", "."
	}
	s := strconv.FormatFloat(math.Abs(f), 'f', decimals, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if f < 0 && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString(point + frac)
	}
	return b.String()
}
