package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestTestCommand(t *testing.T) {
	desk := t.TempDir()
	writeFile(t, filepath.Join(desk, "teams.yaml"), "apiVersion: vorgang/v1\nkind: Team\nid: office\ntitle: Bürgerbüro\n")
	writeFile(t, filepath.Join(desk, "route.lua"), "if ticket.data.kind == 'x' then ticket.set_team('office') end\n")
	writeFile(t, filepath.Join(desk, "route_test.lua"), `
test("routes x to the office", function()
  local r = run("route", {ticket = {data = {kind = "x"}}})
  expect.eq(r.ticket.team, "office")
end)
test("a wrong expectation fails with its line", function()
  local r = run("route", {ticket = {data = {kind = "y"}}})
  expect.eq(r.ticket.team, "office", "team")
end)
test("a script error is reported", function()
  local r = run("route", {ticket = {data = {kind = "x"}}, hook = "on_create"})
  expect.ok(r.ok)
  local bad = run("missing")
  expect.ok(not bad.ok)
  expect.contains(bad.error, "no such script")
end)
`)
	noTests := t.TempDir()
	writeFile(t, filepath.Join(noTests, "teams.yaml"), "apiVersion: vorgang/v1\nkind: Team\nid: office\ntitle: Bürgerbüro\n")
	broken := t.TempDir()
	writeFile(t, filepath.Join(broken, "x_test.lua"), "test('x', function() end\n")
	writeFile(t, filepath.Join(broken, "teams.yaml"), "apiVersion: vorgang/v1\nkind: Team\nid: office\ntitle: Bürgerbüro\n")

	scenarioDesk := t.TempDir()
	writeFile(t, filepath.Join(scenarioDesk, "desk.yaml"), `apiVersion: vorgang/v1
kind: Team
id: front
title: Empfang
---
apiVersion: vorgang/v1
kind: Form
id: ask
title: Frage
fields: [{id: summary, type: text, label: Frage, required: true}]
---
apiVersion: vorgang/v1
kind: Process
id: ask
title: Frage
form: ask
audience: [staff]
team: front
states: [{id: new, category: open}, {id: done, category: closed}]
transitions: [{id: answer, from: [new], to: done, roles: [requester]}]
`)
	writeFile(t, filepath.Join(scenarioDesk, "desk_test.yaml"), `users: [{name: anna}]
scenarios:
  - name: answered
    clock: 2026-11-23T08:00:00+01:00
    steps:
      - {as: anna, open: ask, data: {summary: "Wann?"}, expect: {state: new, team: front}}
      - {as: anna, run: answer, expect: {state: done, open: false}}
  - name: routing
    clock: 2026-11-23T08:00:00+01:00
    steps:
      - {as: anna, open: ask, data: {summary: "Wann?"}, expect: {team: office}}
`)
	badScenario := t.TempDir()
	writeFile(t, filepath.Join(badScenario, "teams.yaml"), "apiVersion: vorgang/v1\nkind: Team\nid: office\ntitle: Bürgerbüro\n")
	writeFile(t, filepath.Join(badScenario, "x_test.yaml"), "scenario: x\n")

	// Buß- und Bettag (18 November 2026, a Wednesday) is a public holiday
	// of Saxony: a script test sees it as the SLA clock does.
	holidays := t.TempDir()
	writeFile(t, filepath.Join(holidays, "calendar.yaml"), `apiVersion: vorgang/v1
kind: Calendar
id: saxony
title: Sachsen
holidays: {country: DE, state: SN}
working_hours: {monday: ["08:00-16:00"], tuesday: ["08:00-16:00"], wednesday: ["08:00-16:00"], thursday: ["08:00-16:00"], friday: ["08:00-16:00"]}
`)
	writeFile(t, filepath.Join(holidays, "days_test.lua"), `
test("a Saxon holiday is no working day", function()
  expect.eq(time.is_business_day(time.parse("2026-11-18T10:00"), "saxony"), false)
  expect.eq(time.format(time.add_business_days(time.parse("2026-11-17T10:00"), 1, "saxony"), "date"), "2026-11-19")
end)
`)

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  []string
	}{
		{"shipped desks", []string{"test", "../../processes", "../../forms", "../../scripts"}, 0, []string{"ok   ../../scripts/it/it-route_test.lua\t3 cases", "ok   ../../processes/it/scenarios/it-incident_test.yaml\t5 cases"}},
		{"a failing scenario", []string{"test", scenarioDesk}, 1, []string{
			"--- FAIL: " + filepath.ToSlash(scenarioDesk) + "/desk_test.yaml: routing",
			filepath.ToSlash(scenarioDesk) + `/desk_test.yaml:11:72: step 1 (anna opens ask): team: want "office", got "front"`,
			"FAIL: 1 of 2 cases failed"}},
		{"a scenario file that does not parse", []string{"test", badScenario}, 1, []string{"FAIL " + filepath.ToSlash(badScenario) + "/x_test.yaml: " + filepath.ToSlash(badScenario) + "/x_test.yaml:1:1: unknown key 'scenario'"}},
		{"a failing case", []string{"test", desk}, 1, []string{
			"--- FAIL: " + filepath.ToSlash(desk) + "/route_test.lua: a wrong expectation fails with its line",
			// The line names the file below its folder, not where that is.
			"\n    " + filepath.Base(desk) + `/route_test.lua:8: team: expected "office", got nil`,
			"FAIL: 1 of 3 cases failed"}},
		{"no tests", []string{"test", noTests}, 0, []string{"no tests in"}},
		{"script tests count public holidays", []string{"test", holidays}, 0, []string{"ok: 1 case passed"}},
		{"only the files -run names", []string{"test", "-run", "it-incident", "../../processes", "../../forms", "../../scripts"}, 0,
			[]string{"ok   ../../processes/it/scenarios/it-incident_test.yaml\t5 cases", "ok: 5 cases passed"}},
		{"a -run that is no regular expression", []string{"test", "-run", "(", "../../processes"}, 2, []string{"-run"}},
		{"a test file that does not compile", []string{"test", broken}, 1, []string{"FAIL " + filepath.ToSlash(broken) + "/x_test.lua"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			out := stdout.String() + stderr.String()
			if code != tt.wantCode {
				t.Fatalf("exit code %d, want %d; output:\n%s", code, tt.wantCode, out)
			}
			for _, want := range tt.wantOut {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q; got:\n%s", want, out)
				}
			}
		})
	}
}
