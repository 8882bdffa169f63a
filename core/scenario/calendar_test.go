package scenario_test

import (
	"testing"

	"vorgang/core/definition"
)

// holidayDesk has a Saxon calendar and a hook that asks the time module
// about the day the ticket is created on.
var holidayDesk = []definition.File{{Path: "processes/day/day.yaml", Data: []byte(`apiVersion: vorgang/v1
kind: Calendar
id: saxony
title: Sachsen
timezone: Europe/Berlin
holidays: {country: DE, state: SN}
working_hours:
  monday: ["08:00-16:00"]
  tuesday: ["08:00-16:00"]
  wednesday: ["08:00-16:00"]
  thursday: ["08:00-16:00"]
  friday: ["08:00-16:00"]
---
apiVersion: vorgang/v1
kind: Team
id: day-team
title: Team
calendar: saxony
---
apiVersion: vorgang/v1
kind: Form
id: day-form
title: Tag
fields:
  - {id: summary, type: text, label: Summary, required: true}
  - {id: workday, type: text, label: Arbeitstag}
  - {id: next, type: text, label: Nächster Arbeitstag}
---
apiVersion: vorgang/v1
kind: Process
id: day
title: Tag
form: day-form
audience: [staff]
team: day-team
states: [{id: new, category: open}, {id: done, category: closed}]
transitions: [{id: finish, from: [new], to: done, roles: [requester]}]
hooks: {on_create: day-check}
`)}, {Path: "scripts/day-check.lua", Data: []byte(`local now = time.now()
ticket.set("workday", tostring(time.is_business_day(now, "saxony")))
ticket.set("next", time.format(time.add_business_days(now, 1, "saxony"), "date", "Europe/Berlin"))
`)}}

// TestScriptsCountPublicHolidays: a hook run by the scenario runner (an
// app like the server's) sees the public holidays of the calendar, as the
// SLA clock does: Buß- und Bettag (18 November 2026, a Wednesday) is a
// holiday in Saxony only.
func TestScriptsCountPublicHolidays(t *testing.T) {
	cat := compile(t, holidayDesk)
	tests := []struct {
		name, clock, workday, next string
	}{
		{"a working day", "2026-11-17T09:00:00+01:00", "true", "2026-11-19"},
		{"a Saxon holiday on a Wednesday", "2026-11-18T09:00:00+01:00", "false", "2026-11-19"},
		{"Christmas Eve to the Monday after Christmas", "2026-12-24T09:00:00+01:00", "true", "2026-12-28"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runAndCompare(t, cat, `users: [{name: anna}]
scenarios:
  - name: day
    clock: `+tt.clock+`
    steps:
      - {as: anna, open: day, data: {summary: x}, expect: {fields: {workday: "`+tt.workday+`", next: "`+tt.next+`"}}}
`, nil)
		})
	}
}
