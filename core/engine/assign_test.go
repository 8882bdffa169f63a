package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/internal/testkit"
	"vorgang/core/ticket"
)

// people is a user directory of the test.
type people map[string]*auth.User

func (p people) User(_ context.Context, name string) (*auth.User, error) {
	if u, ok := p[name]; ok {
		return u, nil
	}
	return nil, fmt.Errorf("user %s: %w", name, auth.ErrUserNotFound)
}

// staffOfTheDesk: a first-level agent, a specialist of the second level
// (whose role the incident process names), someone of another team, a
// disabled agent.
var staffOfTheDesk = people{
	"ben":   {Name: "ben", Teams: []string{"it-1st-level"}},
	"carla": {Name: "carla", Teams: []string{"it-2nd-level"}},
	"otto":  {Name: "otto", Teams: []string{"public-order-office"}},
	"dora":  {Name: "dora"},
	"anna":  {Name: "anna"},
	"ex":    {Name: "ex", Teams: []string{"it-1st-level"}, Disabled: true},
}

// routingDesk routes a ticket to whoever its data names, by script. Its
// process names no roles.
const routingDesk = `apiVersion: vorgang/v1
kind: Process
id: routed
title: Routed
form: routed
audience: [staff]
team: it-1st-level
states:
  - {id: new, category: open}
transitions: []
hooks: {on_create: route-to}
---
apiVersion: vorgang/v1
kind: Form
id: routed
title: Routed
fields:
  - {id: summary, type: text, label: Summary, required: true}
  - {id: to, type: text, label: To}
`

// TestAssignOnlyToWhoMayWork: a ticket is given only to an existing,
// enabled user who may work on it, through Assign and through a script's
// ticket.assign alike; anyone else is refused with a field error and the
// ticket keeps its assignee.
func TestAssignOnlyToWhoMayWork(t *testing.T) {
	t.Parallel()
	files := []definition.File{
		{Path: "routed.yaml", Data: []byte(routingDesk)},
		{Path: "scripts/route-to.lua", Data: []byte(`if ticket.data.to then ticket.assign(ticket.data.to) end`)},
	}
	files = append(files, testkit.DeskFiles(t)...)
	f := fixtureWith(t, files, staffOfTheDesk)
	ctx := t.Context()
	lead := &auth.Principal{User: "lena", Permissions: map[string]bool{"ticket.read_all": true, "ticket.assign": true}}
	tk, err := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low")})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		user string
		// want is the assignee after Assign on the incident, or the field
		// error's code; wantHook the same for ticket.assign on a routed
		// ticket.
		want, wantHook string
	}{
		{"nobody", "unknown_user", "unknown_user"},
		{"dora", "not_assignable", "not_assignable"},
		{"otto", "not_assignable", "not_assignable"},
		{"ex", "unknown_user", "unknown_user"},
		{"anna", "not_assignable", "not_assignable"}, // the requester
		{"ben", "ben", "ben"},
		{"carla", "carla", "not_assignable"}, // the incident process names her role
		{"", "", ""},
	}
	for _, tt := range tests {
		t.Run("Assign "+tt.user, func(t *testing.T) {
			before, _ := f.store.Ticket(ctx, tk.Number)
			got, err := f.eng.Assign(ctx, lead, tk.Number, 0, tt.user, "en")
			checkAssignment(t, err, got, tt.want)
			if err != nil {
				after, _ := f.store.Ticket(ctx, tk.Number)
				if after.Assignee != before.Assignee || after.Version != before.Version {
					t.Errorf("a refused assignment changed the ticket: %+v", after)
				}
			}
		})
		t.Run("ticket.assign "+tt.user, func(t *testing.T) {
			got, err := f.eng.Create(ctx, ben, engine.CreateRequest{Process: "routed", Data: map[string]any{"summary": "x", "to": tt.user}})
			if tt.wantHook == "unknown_user" || tt.wantHook == "not_assignable" {
				if !errors.Is(err, engine.ErrScript) || !strings.Contains(err.Error(), "ticket.assign") {
					t.Fatalf("a hook assigning %q: %v, want a script error", tt.user, err)
				}
				return
			}
			checkAssignment(t, err, got, tt.wantHook)
		})
	}
}

func checkAssignment(t *testing.T, err error, got *ticket.Ticket, want string) {
	t.Helper()
	var verr *fault.Error
	switch {
	case want == "unknown_user" || want == "not_assignable":
		if !errors.As(err, &verr) || len(verr.Fields) == 0 || verr.Fields[0].Field != "user" || verr.Fields[0].Code != want {
			t.Fatalf("err = %v, want a field error %s on user", err, want)
		}
	case err != nil:
		t.Fatal(err)
	case got.Assignee != want:
		t.Fatalf("assignee %q, want %q", got.Assignee, want)
	}
}
