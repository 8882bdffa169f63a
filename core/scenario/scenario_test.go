package scenario_test

import (
	"strings"
	"testing"
	"time"

	"vorgang/core/definition"
	"vorgang/core/scenario"
)

// miniDesk is a small desk the runner's own tests run against.
var miniDesk = []definition.File{{Path: "processes/mini/mini.yaml", Data: []byte(`apiVersion: vorgang/v1
kind: Form
id: mini-form
title: Mini
fields:
  - {id: summary, type: text, label: Summary, required: true}
  - {id: kind, type: select, label: Kind, required: true, options: [{value: a, label: A}, {value: b, label: B}]}
  - {id: amount, type: number, label: Amount}
---
apiVersion: vorgang/v1
kind: Form
id: mini-done
title: Done
fields:
  - {id: note, type: text, label: Note, required: true}
---
apiVersion: vorgang/v1
kind: Role
id: mini-agent
title: Agent
permissions: [ticket.read_team, ticket.work]
---
apiVersion: vorgang/v1
kind: Role
id: mini-lead
title: Lead
permissions: [ticket.read_all, ticket.approve]
---
apiVersion: vorgang/v1
kind: Team
id: mini-team
title: Team
roles: [mini-agent]
---
apiVersion: vorgang/v1
kind: Notification
id: mini-done-mail
title: Done
event: manual
recipients: [requester]
subject: "Done {{.Ticket.Number}}"
body: "Done"
---
apiVersion: vorgang/v1
kind: Process
id: mini
title: Mini
form: mini-form
audience: [staff, citizen]
team: mini-team
numbering: {prefix: MINI, digits: 3}
states:
  - {id: new, category: open}
  - {id: approved, category: open}
  - {id: done, category: resolved}
  - {id: rejected, category: cancelled}
transitions:
  - {id: approve, from: [new], to: approved, roles: [requester], approval: {role: manager, reject_to: rejected}}
  - id: finish
    from: [approved, new]
    to: done
    roles: [mini-agent]
    form: mini-done
    actions:
      - notify: mini-done-mail
      - create_child: {process: mini, title: Nacharbeit, data: {summary: "{{summary}}", kind: b}}
`)}}

const miniUsers = `users:
  - {name: anna, manager: lena, email: anna@example.org}
  - {name: lena}
  - {name: ben, teams: [mini-team]}
`

func TestRunPassesAndFails(t *testing.T) {
	cat := compile(t, miniDesk)
	tests := []struct {
		name string
		file string
		// want are parts of the failure lines, in order; none: it passes.
		want []string
	}{
		{"the whole story holds", miniUsers + `scenarios:
  - name: story
    clock: 2026-11-23T08:00:00+01:00
    steps:
      - as: anna
        open: mini
        name: first
        data: {summary: Erster Fall, kind: a, amount: 12}
        expect: {state: new, team: mini-team, requester: anna, fields: {amount: 12, kind: a}, due: none, waits_for: none}
      - as: anna
        run: approve
        expect: {state: new, waits_for: manager}
      - as: anna
        decide: approve
        error: forbidden
      - as: lena
        decide: approve
        expect: {state: approved, waits_for: none}
      - as: ben
        run: finish
        error: {code: validation_failed, fields: [note]}
      - as: ben
        run: finish
        data: {note: erledigt}
        expect:
          state: done
          open: false
          notify: [mini-done-mail]
          mails: [{to: anna@example.org, notification: mini-done-mail, contains: Done MINI-2026-001}]
          children: [{process: mini, title: Nacharbeit, state: new, fields: {summary: Erster Fall, kind: b}, name: rework}]
      - ticket: rework
        expect: {parent: first, requester: anna}
      - as: citizen
        open: mini
        data: {summary: Bürgerfall, kind: a}
        expect: {requester: citizen}
      - as: ben
        comment: Danke für den Hinweis.
        expect: {comments: [{text: Danke, by: ben, internal: false}]}
      - clock: 2026-11-24T09:00:00+01:00
        as: ben
        comment: Am nächsten Tag.
`, nil},
		{"wrong expectations are listed with their lines", miniUsers + `scenarios:
  - name: wrong
    clock: 2026-11-23T08:00:00+01:00
    steps:
      - as: anna
        open: mini
        data: {summary: Erster Fall, kind: a}
        expect:
          state: done
          fields: {kind: b, amount: 3}
          notify: [mini-done-mail]
          due: 2026-11-24T08:00:00+01:00
`, []string{
			"mini_test.yaml:13:18: step 1 (anna opens mini): state: want \"done\", got \"new\"",
			"mini_test.yaml:16:16: step 1 (anna opens mini): due: want \"2026-11-24T07:00:00Z\", got \"none\"",
			"mini_test.yaml:14:37: step 1 (anna opens mini): fields.amount: want 3, got absent",
			"mini_test.yaml:14:26: step 1 (anna opens mini): fields.kind: want \"b\", got \"a\"",
			"mini_test.yaml:15:19: step 1 (anna opens mini): notify: want a mail mini-done-mail queued by this step, got []",
		}},
		{"a mail that was not sent", miniUsers + `scenarios:
  - name: mails
    clock: 2026-11-23T08:00:00+01:00
    steps:
      - as: ben
        open: mini
        data: {summary: Erster Fall, kind: a}
      - as: ben
        run: finish
        data: {note: x}
        expect:
          mails: [{to: anna@example.org, notification: mini-done-mail}]   # ben asked, and ben has no address
`, []string{"mini_test.yaml:16:18: step 2 (ben runs finish): mails: want a mail to anna@example.org of mini-done-mail, got []"}},
		{"an unexpected error stops the scenario", miniUsers + `scenarios:
  - name: error
    clock: 2026-11-23T08:00:00+01:00
    steps:
      - as: anna
        open: mini
        data: {summary: Erster Fall}
      - as: anna
        run: approve
`, []string{"mini_test.yaml:9:9: step 1 (anna opens mini): unexpected error: invalid input: kind:"}},
		{"an expected error that does not come", miniUsers + `scenarios:
  - name: no error
    clock: 2026-11-23T08:00:00+01:00
    steps:
      - as: anna
        open: mini
        data: {summary: Erster Fall, kind: a}
        error: forbidden
`, []string{"step 1 (anna opens mini): expected error forbidden, but the step succeeded"}},
		{"the wrong error", miniUsers + `scenarios:
  - name: wrong error
    clock: 2026-11-23T08:00:00+01:00
    steps:
      - as: anna
        open: mini
        data: {summary: Erster Fall, kind: a}
      - as: anna
        run: finish
        data: {note: x}
        error: not_allowed_now
`, []string{"step 2 (anna runs finish): error: want not_allowed_now, got forbidden"}},
		{"children that do not match", miniUsers + `scenarios:
  - name: children
    clock: 2026-11-23T08:00:00+01:00
    steps:
      - as: ben
        open: mini
        data: {summary: Erster Fall, kind: a}
      - as: ben
        run: finish
        data: {note: x}
        expect: {children: [{process: mini, state: done}]}
`, []string{"children[0] (mini \"\"): no child matches; nearest MINI-2026-002: state: want \"done\", got \"new\""}},
		{"an unknown user", miniUsers + `scenarios:
  - name: nobody
    clock: 2026-11-23T08:00:00+01:00
    steps:
      - as: zoe
        open: mini
        data: {summary: Erster Fall, kind: a}
`, []string{"step 1 (zoe opens mini): 'zoe' is not among the file's users"}},
		{"a manager missing from the users", `users: [{name: anna, manager: lena}]
scenarios:
  - name: nobody
    clock: 2026-11-23T08:00:00+01:00
    steps:
      - {as: anna, open: mini, data: {summary: x, kind: a}}
`, []string{"user anna: manager lena is not among the users"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runAndCompare(t, cat, tt.file, tt.want)
		})
	}
}

// runAndCompare runs the first scenario of file: it passes when want is
// empty, else it fails with exactly as many lines, each containing its
// part of want.
func runAndCompare(t *testing.T, cat *definition.Catalog, file string, want []string) {
	t.Helper()
	suite, err := scenario.Parse("mini_test.yaml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	res := suite.Run(t.Context(), cat, scenario.Options{})[0]
	if len(want) == 0 {
		if len(res.Failures) > 0 {
			t.Fatalf("failed:\n%s", strings.Join(res.Failures, "\n"))
		}
		return
	}
	if len(res.Failures) != len(want) {
		t.Fatalf("got %d failures, want %d:\n%s", len(res.Failures), len(want), strings.Join(res.Failures, "\n"))
	}
	for i, w := range want {
		if !strings.Contains(res.Failures[i], w) {
			t.Errorf("failure %d = %q, want it to contain %q", i, res.Failures[i], w)
		}
	}
}

func TestParseErrors(t *testing.T) {
	const head = "scenarios:\n  - name: x\n    clock: 2026-11-23T08:00:00+01:00\n    steps:\n"
	tests := []struct{ name, file, want string }{
		{"empty", "", "f_test.yaml:1:1: the file is empty"},
		{"no scenarios", "title: x\n", "f_test.yaml:1:1: no scenarios"},
		{"unknown top key", "titel: x\n", "f_test.yaml:1:1: unknown key 'titel' (did you mean 'title'?)"},
		{"unknown step key", head + "      - {as: a, opne: p}\n", "f_test.yaml:5:17: unknown key 'opne' (did you mean 'open'?)"},
		{"two actions", head + "      - {as: a, open: p, decide: approve}\n", "f_test.yaml:5:9: a step does one thing; this one has open and decide"},
		{"no actor", head + "      - {open: p}\n", "f_test.yaml:5:9: the step needs 'as'"},
		{"bad decision", head + "      - {as: a, decide: maybe}\n", "f_test.yaml:5:25: decide is approve or reject"},
		{"bad error code", head + "      - {as: a, open: p, error: oops}\n", "f_test.yaml:5:33: error code 'oops' is not one of"},
		{"unknown expectation", head + "      - {as: a, open: p, expect: {stat: new}}\n", "unknown key 'stat' (did you mean 'state'?)"},
		{"bad clock", "scenarios:\n  - name: x\n    clock: morgen\n    steps: [{as: a, open: p}]\n", "f_test.yaml:3:12: 'morgen' is not a time"},
		{"no clock", "scenarios:\n  - name: x\n    steps: [{as: a, open: p}]\n", "needs a clock"},
		{"bad job", head + "      - {job: nightly}\n", "job is PROCESS/JOB"},
		{"bad advance", head + "      - {advance: soon}\n", "'soon' is not a duration"},
		{"name without open", head + "      - {as: a, run: x, name: y}\n", "'name' names a ticket the step opens"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scenario.Parse("f_test.yaml", []byte(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParseSteps(t *testing.T) {
	suite, err := scenario.Parse("f_test.yaml", []byte(`scenarios:
  - name: x
    clock: 2026-11-23T08:00:00+01:00
    steps:
      - {as: a, open: p, data: {day: 2026-11-30, at: "2026-11-30T10:00:00+01:00", n: 3}}
      - {as: a, run: t, comment: warum}
      - {advance: 2d}
      - {job: p/nightly, clock: 2026-11-26T02:00:00+01:00}
`))
	if err != nil {
		t.Fatal(err)
	}
	steps := suite.Scenarios[0].Steps
	if d := steps[0].Data; d["day"] != "2026-11-30" || d["at"] != "2026-11-30T10:00:00+01:00" || d["n"] != 3.0 {
		t.Errorf("data = %#v", d)
	}
	if steps[1].Run != "t" || steps[1].Comment != "warum" || steps[1].Action() != "a runs t" {
		t.Errorf("step 2 = %+v", steps[1])
	}
	if steps[2].Advance != 48*time.Hour || steps[2].Action() != "check" {
		t.Errorf("step 3 = %+v", steps[2])
	}
	if steps[3].Job != "p/nightly" || !steps[3].Clock.Equal(time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)) {
		t.Errorf("step 4 = %+v", steps[3])
	}
}

func TestParseYAMLSyntaxError(t *testing.T) {
	_, err := scenario.Parse("f_test.yaml", []byte("scenarios:\n  - {name: x\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "f_test.yaml:1:1: did not find") {
		t.Fatalf("err = %v, want a line and the parser message", err)
	}
}

// TestRunExpectsRefusalReasons: a step may expect a refusal by its reason
// code and parameters; a kind still matches every refusal of that kind,
// and a wrong reason or parameter fails with what came instead.
func TestRunExpectsRefusalReasons(t *testing.T) {
	cat := compile(t, miniDesk)
	const users = miniUsers + "  - {name: olaf}\n"
	const opened = `scenarios:
  - name: refusals
    clock: 2026-11-23T08:00:00+01:00
    steps:
      - {as: anna, open: mini, data: {summary: Erster Fall, kind: a}}
      - {as: anna, run: approve}
`
	tests := []struct {
		name, steps string
		want        []string
	}{
		{"reasons and params hold", `      - {as: anna, decide: approve, error: self_approval}
      - {as: anna, decide: approve, error: forbidden}
      - as: ben
        decide: approve
        error: {code: role_required, params: {roles: [manager]}}
      - as: anna
        run: approve
        error: {code: approval_pending, params: {step: manager, transition: approve}, message: waits for an approval}
      - {as: lena, decide: approve, expect: {state: approved}}
      - {as: lena, decide: approve, error: no_approval_pending}
      - as: anna
        run: finish
        error: {code: role_required, params: {roles: [mini-agent]}}
      - {as: olaf, open: mini, data: {summary: Ohne Chef, kind: a}}
      - as: olaf
        run: approve
        error: {code: no_manager, params: {requester: olaf}}
`, nil},
		{"another reason", `      - {as: ben, run: finish, data: {note: x}, error: guard_failed}
`, []string{"step 3 (ben runs finish): error: want guard_failed, got not_allowed_now (approval_pending)"}},
		{"another parameter", `      - as: ben
        run: finish
        data: {note: x}
        error: {code: approval_pending, params: {step: mini-lead}}
`, []string{"step 3 (ben runs finish): error approval_pending: param step: want mini-lead, got manager"}},
		{"a parameter the refusal does not have", `      - as: ben
        run: finish
        data: {note: x}
        error: {code: approval_pending, params: {field: note}}
`, []string{"param field: want note, got none (the refusal has step, transition)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runAndCompare(t, cat, users+opened+tt.steps, tt.want)
		})
	}

	t.Run("params only go with a reason code", func(t *testing.T) {
		_, err := scenario.Parse("f_test.yaml", []byte(opened+"      - {as: ben, run: finish, error: {code: forbidden, params: {roles: [x]}}}\n"))
		if err == nil || !strings.Contains(err.Error(), "f_test.yaml:7:39: error params go with the reason code of a refusal") {
			t.Fatalf("err = %v", err)
		}
	})
}
