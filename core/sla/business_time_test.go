package sla_test

import (
	"testing"
	"time"

	"vorgang/core/sla"
)

func TestHolidaysByState(t *testing.T) {
	sn, by := office(t, "SN"), office(t, "BY")
	tests := []struct {
		name    string
		day     time.Time
		saxony  string
		bavaria string
	}{
		{"Buß- und Bettag is a holiday in Saxony only", at(2026, 11, 18, 12, 0), "Buß- und Bettag", ""},
		{"Fronleichnam is a holiday in Bavaria only", at(2026, 6, 4, 12, 0), "", "Fronleichnam"},
		{"Reformationstag in Saxony", at(2027, 10, 31, 12, 0), "Reformationstag", ""},
		{"Tag der Deutschen Einheit everywhere", at(2026, 10, 3, 12, 0), "Tag der Deutschen Einheit", "Tag der Deutschen Einheit"},
		{"an ordinary day", at(2026, 11, 17, 12, 0), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sn.Holiday(tt.day); got != tt.saxony {
				t.Errorf("Saxony: %q, want %q", got, tt.saxony)
			}
			if got := by.Holiday(tt.day); got != tt.bavaria {
				t.Errorf("Bavaria: %q, want %q", got, tt.bavaria)
			}
		})
	}
}

func TestAdd(t *testing.T) {
	sn, by, xmas, round := office(t, "SN"), office(t, "BY"), office(t, "SN", "2026-12-24"), allDay(t)
	tests := []struct {
		name  string
		cal   *sla.Calendar
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		{"within one day", sn, at(2026, 11, 16, 9, 0), 2 * time.Hour, at(2026, 11, 16, 11, 0)},
		{"over the weekend", sn, at(2026, 11, 13, 12, 0), 4 * time.Hour, at(2026, 11, 16, 10, 30)},
		{"started on Saturday", sn, at(2026, 11, 14, 11, 0), 30 * time.Minute, at(2026, 11, 16, 8, 0)},
		{"started before opening", sn, at(2026, 11, 16, 6, 0), time.Hour, at(2026, 11, 16, 8, 30)},
		{"ends exactly at closing time", sn, at(2026, 11, 16, 15, 0), time.Hour, at(2026, 11, 16, 16, 0)},
		{"shorter than a day, across the night", sn, at(2026, 11, 16, 15, 50), 30 * time.Minute, at(2026, 11, 17, 7, 50)},
		{"Buß- und Bettag in Saxony", sn, at(2026, 11, 17, 17, 0), 2 * time.Hour, at(2026, 11, 19, 8, 30)},
		{"the same day in Bavaria", by, at(2026, 11, 17, 17, 0), 2 * time.Hour, at(2026, 11, 18, 8, 30)},
		{"closed day and Christmas", xmas, at(2026, 12, 23, 15, 0), 2 * time.Hour, at(2026, 12, 28, 8, 30)},
		{"zero adds nothing", sn, at(2026, 11, 14, 11, 0), 0, at(2026, 11, 14, 11, 0)},
		{"DST ends: a 25-hour Sunday", round, at(2026, 10, 24, 12, 0), 24 * time.Hour, at(2026, 10, 25, 11, 0)},
		{"DST begins: a 23-hour Sunday", round, at(2026, 3, 28, 12, 0), 24 * time.Hour, at(2026, 3, 29, 13, 0)},
		{"office hours across the DST change", sn, at(2026, 10, 23, 12, 0), 2 * time.Hour, at(2026, 10, 26, 8, 30)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cal.Add(tt.start, tt.d)
			if !got.Equal(tt.want) {
				t.Fatalf("Add(%s, %s) = %s, want %s", tt.start, tt.d, got.In(berlin), tt.want)
			}
			if back := tt.cal.Between(tt.start, got); back != tt.d {
				t.Fatalf("Between(start, Add(start, %s)) = %s", tt.d, back)
			}
			// Sub goes back to the latest instant with that much working
			// time before: the start itself when the start is a working time.
			if from := tt.cal.Sub(got, tt.d); tt.d > 0 && tt.cal.Between(from, got) != tt.d {
				t.Fatalf("Between(Sub(end, %s), end) = %s", tt.d, tt.cal.Between(from, got))
			}
		})
	}
}

func TestSub(t *testing.T) {
	sn := office(t, "SN")
	tests := []struct {
		name string
		end  time.Time
		d    time.Duration
		want time.Time
	}{
		{"within one day", at(2026, 11, 16, 11, 0), 2 * time.Hour, at(2026, 11, 16, 9, 0)},
		{"back over the weekend", at(2026, 11, 16, 10, 30), 4 * time.Hour, at(2026, 11, 13, 12, 0)},
		{"back over Buß- und Bettag", at(2026, 11, 19, 8, 30), 2 * time.Hour, at(2026, 11, 17, 17, 0)},
		{"from a closed time", at(2026, 11, 14, 12, 0), 30 * time.Minute, at(2026, 11, 13, 12, 30)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sn.Sub(tt.end, tt.d); !got.Equal(tt.want) {
				t.Fatalf("Sub = %s, want %s", got.In(berlin), tt.want)
			}
		})
	}
}

func TestBetween(t *testing.T) {
	sn, round := office(t, "SN"), allDay(t)
	tests := []struct {
		name string
		cal  *sla.Calendar
		a, b time.Time
		want time.Duration
	}{
		{"a weekend counts nothing", sn, at(2026, 11, 13, 13, 0), at(2026, 11, 16, 7, 30), 0},
		{"Friday noon to Monday", sn, at(2026, 11, 13, 12, 0), at(2026, 11, 16, 10, 30), 4 * time.Hour},
		{"a whole week with a holiday", sn, at(2026, 11, 16, 0, 0), at(2026, 11, 23, 0, 0), (8*60 + 30 + 10*60 + 30 + 10*60 + 30 + 5*60 + 30) * time.Minute},
		{"reversed is zero", sn, at(2026, 11, 16, 12, 0), at(2026, 11, 16, 9, 0), 0},
		{"the night DST ends has 25 hours", round, at(2026, 10, 25, 0, 0), at(2026, 10, 26, 0, 0), 25 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cal.Between(tt.a, tt.b); got != tt.want {
				t.Fatalf("Between = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestDeadline(t *testing.T) {
	sn, by := office(t, "SN"), office(t, "BY")
	tests := []struct {
		name   string
		cal    *sla.Calendar
		start  time.Time
		target string
		want   time.Time
	}{
		{"one working day: same time next day", sn, at(2026, 11, 12, 10, 0), "1d", at(2026, 11, 13, 10, 0)},
		{"one working day from Friday is Monday", sn, at(2026, 11, 13, 10, 0), "1d", at(2026, 11, 16, 10, 0)},
		{"the next day closes earlier", sn, at(2026, 11, 12, 17, 0), "1d", at(2026, 11, 13, 13, 0)},
		{"the next day opens later than the time of day", sn, at(2026, 11, 16, 7, 0), "1d", at(2026, 11, 17, 7, 30)},
		{"a holiday in Saxony moves it a day", sn, at(2026, 11, 17, 10, 0), "1d", at(2026, 11, 19, 10, 0)},
		{"not in Bavaria", by, at(2026, 11, 17, 10, 0), "1d", at(2026, 11, 18, 10, 0)},
		{"a week is five working days (Saxony)", sn, at(2026, 11, 16, 9, 0), "1w", at(2026, 11, 24, 9, 0)},
		{"a week is five working days (Bavaria)", by, at(2026, 11, 16, 9, 0), "1w", at(2026, 11, 23, 9, 0)},
		{"days and hours: Friday closes at 13:00, the hour is on Monday", sn, at(2026, 11, 12, 15, 0), "1d1h", at(2026, 11, 16, 8, 30)},
		{"across the DST change keeps the wall clock", sn, at(2026, 10, 23, 12, 0), "1d", at(2026, 10, 26, 12, 0)},
		{"minutes from Saturday", sn, at(2026, 11, 14, 10, 0), "30m", at(2026, 11, 16, 8, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg, err := sla.ParseTarget(tt.target)
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.cal.Deadline(tt.start, tg); !got.Equal(tt.want) {
				t.Fatalf("Deadline(%s, %s) = %s, want %s", tt.start, tt.target, got.In(berlin), tt.want)
			}
		})
	}
}

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in   string
		want sla.Target
		ok   bool
	}{
		{"30m", sla.Target{Time: 30 * time.Minute}, true},
		{"1h30m", sla.Target{Time: 90 * time.Minute}, true},
		{"2d", sla.Target{Days: 2}, true},
		{"1w2d4h", sla.Target{Weeks: 1, Days: 2, Time: 4 * time.Hour}, true},
		{"", sla.Target{}, false},
		{"4", sla.Target{}, false},
		{"h", sla.Target{}, false},
		{"4x", sla.Target{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := sla.ParseTarget(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Fatalf("ParseTarget(%q) = %+v, %v", tt.in, got, err)
			}
		})
	}
}
