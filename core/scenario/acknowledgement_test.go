package scenario_test

import (
	"regexp"
	"slices"
	"testing"

	"vorgang/core/definition"
	"vorgang/core/scenario"
)

// promisesAcknowledgement matches what a form says when it promises an
// acknowledgement of receipt.
var promisesAcknowledgement = regexp.MustCompile(`(?i)(eingangs|empfangs)bestätigung|acknowledg`)

// TestEveryPromisedAcknowledgementIsSent: every shipped desk whose form
// promises an acknowledgement has a notification that mails it to the
// requester on creation, and the first successful create of the process in
// its shipped scenarios, run again, really sends that mail.
func TestEveryPromisedAcknowledgementIsSent(t *testing.T) {
	cat := compile(t, shippedFiles(t))
	var suites []*scenario.Suite
	for _, f := range shippedScenarioFiles(t) {
		s, err := scenario.Parse(f.Path, f.Data)
		if err != nil {
			t.Fatal(err)
		}
		suites = append(suites, s)
	}
	promising := 0
	for _, p := range cat.Processes() {
		f := cat.Form(p.Form.Value)
		if f == nil || !promisesAcknowledgement.MatchString(formText(f)) {
			continue
		}
		promising++
		t.Run(p.ID.Value, func(t *testing.T) {
			ack := acknowledgement(cat, p.ID.Value)
			if ack == "" {
				t.Fatalf("the form %s promises an acknowledgement, but no ticket.created notification of %s mails the requester", f.ID.Value, p.ID.Value)
			}
			suite, sc, step := firstCreate(suites, p.ID.Value)
			if step == nil {
				t.Fatalf("no shipped scenario opens %s", p.ID.Value)
			}
			to := requesterAddress(f, suite, step)
			if to == "" {
				t.Fatalf("%s: the scenario's create names no address to acknowledge", suite.Path)
			}
			check := *step
			check.Expect = &scenario.Expect{Mails: []scenario.MailExpect{{To: to, Notification: ack}}}
			check.Error = nil
			run := &scenario.Suite{Path: suite.Path, Title: suite.Title, Users: suite.Users, Assets: suite.Assets,
				Scenarios: []scenario.Scenario{{Name: sc.Name + " (acknowledgement)", Clock: sc.Clock, Steps: []scenario.Step{check}, Pos: sc.Pos}}}
			for _, msg := range run.RunScenario(t.Context(), cat, 0, scenario.Options{}).Failures {
				t.Error(msg)
			}
		})
	}
	if promising == 0 {
		t.Fatal("no shipped form promises an acknowledgement; the check checks nothing")
	}
}

// formText is everything a form says to the person filling it in.
func formText(f *definition.Form) string {
	text := f.Title.De + " " + f.Title.En + " " + f.Description.De + " " + f.Description.En
	var fields func([]definition.Field)
	fields = func(fs []definition.Field) {
		for _, fd := range fs {
			for _, l := range []definition.Label{fd.Label, fd.Help, fd.Placeholder} {
				text += " " + l.De + " " + l.En
			}
			fields(fd.Fields)
		}
	}
	for _, s := range f.Sections {
		text += " " + s.Title.De + " " + s.Title.En + " " + s.Help.De + " " + s.Help.En
	}
	fields(f.AllFields())
	return text
}

// acknowledgement is a notification that mails the requester when a
// ticket of the process is created, or "".
func acknowledgement(cat *definition.Catalog, process string) string {
	for _, n := range cat.Notifications() {
		if n.Event != "ticket.created" || !slices.ContainsFunc(n.Recipients, func(r definition.Ref) bool { return r.Value == "requester" }) {
			continue
		}
		if len(n.Processes) == 0 || slices.Contains(definition.Refs(n.Processes), process) {
			return n.ID.Value
		}
	}
	return ""
}

// firstCreate finds the first step of the suites that opens the process
// and expects it to succeed.
func firstCreate(suites []*scenario.Suite, process string) (*scenario.Suite, *scenario.Scenario, *scenario.Step) {
	for _, s := range suites {
		for i := range s.Scenarios {
			for j := range s.Scenarios[i].Steps {
				if st := &s.Scenarios[i].Steps[j]; st.Open == process && st.Error == nil {
					return s, &s.Scenarios[i], st
				}
			}
		}
	}
	return nil, nil, nil
}

// requesterAddress is where the acknowledgement of the step's create goes:
// the user's address, or the first e-mail field of a citizen's data.
func requesterAddress(f *definition.Form, s *scenario.Suite, st *scenario.Step) string {
	for _, u := range s.Users {
		if u.Name == st.As && u.Email != "" {
			return u.Email
		}
	}
	for _, fd := range f.AllFields() {
		if a, ok := st.Data[fd.ID.Value].(string); ok && fd.Type == "email" {
			return a
		}
	}
	return ""
}
